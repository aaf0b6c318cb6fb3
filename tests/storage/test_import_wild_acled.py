"""ACLED-shaped files from the wild through the import pipeline, on both backends
(issue 17 points 3 and 4): every row imports with a report of what was absent and
assumed, a re-import changes nothing, and problems name the spreadsheet row and line.

The files are invented (tests/data/acled/README.md); expected figures are read from
them with the csv module here."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.db import session_scope
from tracker.importing import ImportFailed, import_file, write_problem_report
from tracker.models import Event, Location

from ..conftest import table_counts

DATA = Path(__file__).resolve().parents[1] / "data" / "acled"
WILD = DATA / "wild_subset.csv"
NEAR = "placed at a town of that name through the gazetteer (near)"
ADMIN1 = (
    "placed at the town their admin1 is named after, through the gazetteer (admin1)"
)
COUNTRY = "placed at a point in their country (country)"
UNPLACED = "left without coordinates: no town, admin1 or country of theirs is known"
# (Location, Admin1) of the wild file -> how the gazetteer places it.
HOW_PLACED = {
    ("Testivka", "Kharkiv"): ADMIN1,  # an invented village: its region's town
    ("Zolochiv", "Kharkiv"): ADMIN1,  # two towns of that name, far apart
    ("Testivka", "Zakarpattia"): COUNTRY,  # no town named like the region
    ("Testivka", ""): UNPLACED,  # no country either
}


def run(engine, path: Path, **options):
    with session_scope(engine) as session:
        return import_file(session, path, **options)


def wild_rows() -> list[dict[str, str]]:
    with WILD.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_wild_file_imports_every_row_with_its_report(engine):
    rows = wild_rows()
    expected_placing = Counter(
        HOW_PLACED.get((row["Location"], row["Admin1"]), NEAR) for row in rows
    )

    report = run(engine, WILD)

    assert (report.format, report.detected) == ("acled", True)
    assert (report.rows, report.added, report.rejected) == (len(rows), len(rows), 0)
    assert report.problems == []
    assert report.assumed == dict(expected_placing)
    said = report.explanations()
    assert said[0] == "first column '' is a row index (pandas or R): ignored"
    assert said[1].startswith("16 of ACLED's 31 columns absent: event_id_cnty, ")
    assert f"{expected_placing[NEAR]} rows {NEAR}" in said
    assert f"1 row {UNPLACED}" in said
    with session_scope(engine) as session:
        events = session.execute(select(func.count()).select_from(Event)).scalar_one()
        without_point = session.execute(
            select(func.count())
            .select_from(Event)
            .join(Location, Event.location_id == Location.id)
            .where(Location.latitude.is_(None))
        ).scalar_one()
    assert events == len(rows)
    assert without_point == expected_placing[UNPLACED]


def test_wild_file_imported_again_reports_every_row_unchanged(engine):
    rows = len(wild_rows())
    run(engine, WILD)
    before = table_counts(engine)

    again = run(engine, WILD)

    assert (again.rows, again.unchanged) == (rows, rows)
    assert (again.added, again.updated, again.rejected) == (0, 0, 0)
    assert table_counts(engine) == before


def test_a_row_repeated_cell_for_cell_is_reported_and_nothing_written(engine, tmp_path):
    lines = WILD.read_text(encoding="utf-8").splitlines(keepends=True)
    # Row 3 again as row 5, with another index: the same event twice.
    repeated = lines[2].replace("1,", "99,", 1)
    path = tmp_path / "repeated.csv"
    path.write_text("".join([*lines[:4], repeated]), encoding="utf-8")
    before = table_counts(engine)

    with pytest.raises(ImportFailed) as caught:
        run(engine, path)

    [problem] = caught.value.report.problems
    assert (problem.row, problem.line, problem.field) == (5, 5, "row")
    assert problem.reason.startswith("repeats row 3 cell for cell (its id ROW-")
    assert problem.value.startswith("ROW-")
    assert table_counts(engine) == before


def test_problem_after_a_multiline_cell_names_spreadsheet_row_and_line(
    engine, tmp_path
):
    path = DATA / "wild_multiline.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    # The bad count is the 4th record (header included): row 4 of a spreadsheet,
    # but line 6 of the file, as the first record's notes take three lines.
    [bad_row] = [n for n, r in enumerate(records, start=1) if r[-1] == "many"]
    bad_line = (
        path.read_text(encoding="utf-8")
        .splitlines()
        .index(",".join(records[bad_row - 1]))
    )
    before = table_counts(engine)

    with pytest.raises(ImportFailed) as caught:
        run(engine, path)

    report = caught.value.report
    [problem] = report.problems
    assert (problem.row, problem.line) == (bad_row, bad_line + 1) == (4, 6)
    assert (problem.field, problem.value) == ("fatalities", "many")
    assert str(problem).startswith("row 4 (line 6), fatalities: ")
    assert table_counts(engine) == before
    written = tmp_path / "problems.csv"
    write_problem_report(report, written)
    with written.open(encoding="utf-8", newline="") as handle:
        [cells] = list(csv.DictReader(handle))
    assert cells == {
        "row": "4",
        "line": "6",
        "column": "fatalities",
        "value": "many",
        "reason": problem.reason,
    }


def test_problem_of_figures_out_of_order_shows_the_figures_as_written(engine, tmp_path):
    # Issue 17 point 4: a check over several figures used to show no value at all.
    header = (
        "id,title,event_type,mode,date_start,date_precision,location,country,"
        "initiators,source_urls,fatalities_low,fatalities_best,fatalities_high"
    )
    row = (
        "1,Missile strike on Testivka,ASSAULT,heavy-weapons,2025-05-24,day,Testivka,"
        "UKR,Government of Russia,https://news.example.org/a,2,9,6"
    )
    path = tmp_path / "typed.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    before = table_counts(engine)

    with pytest.raises(ImportFailed) as caught:
        run(engine, path)

    [problem] = caught.value.report.problems
    assert (problem.row, problem.line) == (2, 2)
    assert problem.reason == "best (9) must not exceed high (6)"
    assert problem.value == "low=2, best=9, high=6"
    assert table_counts(engine) == before
