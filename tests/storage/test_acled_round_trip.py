"""An ACLED file imported, then exported as ACLED CSV, comes back cell for cell.

Issue 17: analysts merge tracker's data back with the datasets it came from, matching
on `event_id_cnty` and actor names, so every column that came in must come out as it
was written (dates as the file wrote them, "(2019-)" periods, region, admin2, the
original timestamp, inter codes, extra columns such as `id`). Only an analyst's edit
changes a cell, and only the cells of the field edited.

The expected cells are read from the files here by the csv module; ACLED rows are
never copied into the repository (the real samples are read from ../shared)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.app import create_app
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import client_as
from tracker.cli.main import main
from tracker.db import make_engine, session_scope
from tracker.exporting import UTF8_BOM
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.models import EventCreate
from tracker.query.events import find_event_by_external_id, get_event_record
from tracker.store.events import update_event
from tracker.store.history import writable_state

from ..conftest import require_shared

DATA = Path(__file__).resolve().parents[1] / "data" / "acled"
REAL_SAMPLES = (
    "acledR_acled_old_deletion_dummy.csv",
    "peacerep_ukraine-map_ACLED-Ukraine.csv",
)


def invoke(url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(UTF8_BOM))))


def file_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return rows_of(handle.read())


def differences(
    given: list[dict[str, str]], exported: list[dict[str, str]]
) -> list[tuple[str, str, str, str]]:
    """(event id, column, cell given, cell exported) for every cell that differs."""
    by_id = {row["event_id_cnty"]: row for row in exported}
    found = []
    for row in given:
        back = by_id.get(row["event_id_cnty"])
        if back is None:
            found.append((row["event_id_cnty"], "(row)", "present", "missing"))
            continue
        found += [
            (row["event_id_cnty"], column, cell, back.get(column))
            for column, cell in row.items()
            if back.get(column) != cell
        ]
    return found


@pytest.fixture
def imported_samples(database_url: str) -> tuple[str, dict[str, list[dict]]]:
    """Both real ACLED samples imported into one database; their rows by file."""
    paths = [require_shared() / "real_data" / "acled" / name for name in REAL_SAMPLES]
    invoke(database_url, "init-db")
    for path in paths:
        invoke(database_url, "import", str(path))
    return database_url, {path.name: file_rows(path) for path in paths}


def test_every_real_acled_file_comes_back_cell_for_cell(imported_samples, tmp_path):
    url, samples = imported_samples
    target = tmp_path / "back.csv"
    invoke(url, "export", "--format", "acled-csv", "-o", str(target))
    exported = file_rows(target)
    assert len(exported) == sum(len(rows) for rows in samples.values())
    for name, given in samples.items():
        # No exception to list: every cell of every column that came in comes back.
        assert differences(given, exported) == [], name
    header = target.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    # ACLED's 31 columns in ACLED's order, then the extra columns of the peacerep
    # variant, so a file with them comes back with them.
    assert tuple(header[:31]) == ACLED_COLUMNS
    assert set(header[31:]) == {"id", "actor_dyad"}

    # The dashboard's ACLED download gives the same cells.
    app = create_app(url)
    try:
        response = client_as(app, "viewer").get("/export.csv?columns=acled")
        assert response.status_code == 200
        downloaded = rows_of(response.get_data(as_text=True))
    finally:
        app.server.config[ENGINE_KEY].dispose()
    for name, given in samples.items():
        assert differences(given, downloaded) == [], name


def edit(url: str, external_id: str, **changes) -> None:
    """Save the ACLED event `external_id` with `changes`, as the form would."""
    engine = make_engine(url)
    with session_scope(engine) as session:
        event = find_event_by_external_id(session, "acled", external_id)
        record = get_event_record(session, event.id)
        state = writable_state(record) | changes
        data = EventCreate.model_validate(
            state | {"dataset": "acled", "external_id": external_id}
        )
        update_event(session, event.id, data, expected_version=record.version)
    engine.dispose()


def exported_row(url: str, external_id: str) -> dict[str, str]:
    [row] = [
        row
        for row in rows_of(invoke(url, "export", "--format", "acled-csv"))
        if row["event_id_cnty"] == external_id
    ]
    return row


def test_an_edit_changes_the_cells_of_the_field_edited_and_no_others(database_url):
    path = DATA / "day_first_variant.csv"
    [given, *_] = file_rows(path)
    invoke(database_url, "init-db")
    invoke(database_url, "import", str(path))
    external_id = given["event_id_cnty"]

    edit(database_url, external_id, fatalities={"low": 4, "best": 5, "high": 7})
    row = exported_row(database_url, external_id)
    assert row["fatalities"] == "5"  # the analyst's best estimate
    unchanged = {c: v for c, v in given.items() if c != "fatalities"}
    assert {c: row[c] for c in unchanged} == unchanged

    moved = {
        "name": "Invented Other Village",
        "country": "UKR",
        "admin1": "Kharkiv",
        "latitude": 49.1,
        "longitude": 36.9,
        "geo_precision": "near",
    }
    edit(database_url, external_id, location=moved)
    row = exported_row(database_url, external_id)
    assert (row["location"], row["latitude"], row["longitude"]) == (
        "Invented Other Village",
        "49.1",
        "36.9",
    )
    assert row["geo_precision"] == "2"
    # ACLED's second and third admin levels named the old place: the model has no
    # field for them, so a moved event has them empty rather than wrong.
    assert (row["admin2"], row["admin3"], row["region"]) == ("", "", "")
    kept = ("event_date", "actor1", "actor2", "notes", "id", "timestamp", "admin1")
    assert {c: row[c] for c in kept} == {c: given[c] for c in kept}


def test_events_not_from_acled_fill_the_columns_from_the_model(database_url):
    invoke(database_url, "seed")
    rows = rows_of(invoke(database_url, "export", "--format", "acled-csv"))
    assert len(rows) == 12
    assert all(row["event_id_cnty"].startswith("TRK") for row in rows)
    assert all(row["region"] == "" and row["admin2"] == "" for row in rows)
    assert tuple(rows[0]) == ACLED_COLUMNS  # no source records: ACLED's 31 only


def test_a_json_lines_copy_keeps_the_source_record_and_names_as_given(
    database_url, tmp_path
):
    path = DATA / "day_first_variant.csv"
    given = file_rows(path)
    invoke(database_url, "init-db")
    invoke(database_url, "import", str(path))
    copy = tmp_path / "copy.jsonl"
    invoke(database_url, "export", "--format", "jsonl", "-o", str(copy))
    other = f"sqlite:///{tmp_path / 'other.db'}"
    invoke(other, "init-db")
    invoke(other, "import", str(copy))
    # The copy's ACLED export is the original file again, period suffixes included.
    back = rows_of(invoke(other, "export", "--format", "acled-csv"))
    assert len(back) == len(given)
    assert differences(given, back) == []
    assert "(2000-)" in given[0]["actor1"]
    first = [json.loads(line) for line in copy.read_text(encoding="utf-8").splitlines()]
    second = [
        json.loads(line)
        for line in invoke(other, "export", "--format", "jsonl").splitlines()
    ]
    assert [r["actors"] for r in second] == [r["actors"] for r in first]
    assert {a.get("name_as_given") for r in first for a in r["actors"]} >= {
        given[0]["actor1"]
    }


def test_a_file_from_the_wild_comes_back_with_its_own_columns(database_url):
    """15 of ACLED's columns in mixed case, a pandas index, an analyst's own column."""
    path = DATA / "wild_subset.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        [header, *rows] = list(csv.reader(handle))
    names = [name.lower() for name in header]
    assert names[0] == ""  # the row index pandas writes
    given = [dict(zip(names[1:], row[1:], strict=True)) for row in rows]
    invoke(database_url, "init-db")
    invoke(database_url, "import", str(path))
    exported = rows_of(invoke(database_url, "export", "--format", "acled-csv"))
    assert len(exported) == len(given)
    assert "analyst_comment" in exported[0] and "" not in exported[0]
    by_notes = {row["notes"]: row for row in exported}
    assert len(by_notes) == len(given)  # the notes tell the invented rows apart
    for row in given:
        back = by_notes[row["notes"]]
        assert {column: back[column] for column in row} == row
