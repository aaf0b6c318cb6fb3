"""The real ACLED and UCDP GED samples in ../shared/real_data, and the tiny edge-case
files, through the import pipeline on both backends.

Expected values are read from the sample files here, by the csv module, never pasted:
ACLED's terms forbid copying its rows into this repository. The tests skip when
../shared is absent, and fail instead when TRACKER_REQUIRE_REAL_DATA=1."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlmodel import Session

from tracker.db import session_scope
from tracker.errors import problems_from_validation_error
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.base import ImportFormat, RowProblem
from tracker.formats.ucdp import UCDP_FORMAT
from tracker.importing import ImportFailed, import_file
from tracker.models import Actor, Event, EventCreate, Location, Source
from tracker.query.events import get_event_record

from ..conftest import require_shared

DATA = Path(__file__).resolve().parents[1] / "data"
# (directory, file, format, encoding) of each real sample.
SAMPLES = [
    ("acled", "peacerep_ukraine-map_ACLED-Ukraine.csv", ACLED_FORMAT, "utf-8"),
    ("acled", "acledR_acled_old_deletion_dummy.csv", ACLED_FORMAT, "utf-8"),
    ("ucdp", "peacerep_ukraine-map_UCDP-Ukraine.csv", UCDP_FORMAT, "cp1252"),
]
SAMPLE_IDS = [name for _, name, _, _ in SAMPLES]


def sample(directory: str, name: str) -> Path:
    return require_shared() / "real_data" / directory / name


def file_rows(path: Path, encoding: str) -> list[dict[str, str]]:
    """The sample's rows as the csv module reads them: the expected values."""
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def map_every_row(fmt: ImportFormat, path: Path) -> tuple[dict[str, dict], Counter]:
    """Each row mapped and validated: valid records by external id, and the
    (column, reason) of each rejected row. Cached: several tests ask; none mutates."""
    valid: dict[str, dict] = {}
    rejected: Counter = Counter()
    for row in fmt.read(path):
        try:
            record = fmt.to_record(row)
            EventCreate.model_validate(record)
        except RowProblem as problem:
            rejected[(problem.column, problem.reason)] += 1
        except ValidationError as error:
            [first, *_] = problems_from_validation_error(error, line=row.line)
            rejected[(fmt.column_for(first.field), first.reason)] += 1
        else:
            valid[record["external_id"]] = record
    return valid, rejected


def counts(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (Event, Actor, Location, Source)
        }


def run(engine, path: Path, **options):
    with session_scope(engine) as session:
        return import_file(session, path, **options)


# --- Mapping every row of each sample (no database) -----------------------------------


@pytest.mark.parametrize(
    ("directory", "name", "fmt", "encoding"), SAMPLES, ids=SAMPLE_IDS
)
def test_real_sample_every_row_maps_or_has_a_reason_and_95_percent_map(
    directory, name, fmt, encoding
):
    path = sample(directory, name)
    valid, rejected = map_every_row(fmt, path)
    total = len(file_rows(path, encoding))
    assert len(valid) + sum(rejected.values()) == total
    assert len(valid) >= 0.95 * total
    assert all(column and reason for column, reason in rejected)


def test_real_ucdp_maps_every_row_and_flags_exactly_those_out_of_order():
    # Issue 17: rows whose published figures break low <= best <= high are kept
    # as published, flagged, instead of refused.
    path = sample("ucdp", "peacerep_ukraine-map_UCDP-Ukraine.csv")
    out_of_order = {
        row["id"]
        for row in file_rows(path, "cp1252")
        if not int(row["low"]) <= int(row["best"]) <= int(row["high"])
    }
    valid, rejected = map_every_row(UCDP_FORMAT, path)
    assert not rejected
    flagged = {key for key, record in valid.items() if record["figures_flag"]}
    assert flagged == out_of_order and len(flagged) > 0


def registry_name(name: str) -> str:
    """The registry actor ACLED's name resolves to: its period of office ("(2000-)",
    "(2014-2019)") dropped (issue 12)."""
    return re.sub(r" \(\d{4}-(\d{4})?\)$", "", name)


def assert_acled_event(
    record: dict[str, Any],
    row: dict[str, str],
    date: dt.date,
    name: Callable[[str], str] = str,
):
    """An ACLED record matches its file row, field by field; `name` turns the
    file's actor names into the names the record gives."""
    assert record["external_id"] == row["event_id_cnty"]
    assert record["date_start"] == date
    assert (record["acled_event_type"], record["acled_sub_event_type"]) == (
        row["event_type"],
        row["sub_event_type"],
    )
    precision = {"1": "day", "2": "week", "3": "month"}[row["time_precision"]]
    assert record["date_precision"] == precision
    location = record["location"]
    assert (location["name"], location["admin1"]) == (row["location"], row["admin1"])
    assert (location["latitude"], location["longitude"]) == (
        float(row["latitude"]),
        float(row["longitude"]),
    )
    assert record["fatalities"]["best"] == int(row["fatalities"])
    assert record["notes"] == row["notes"].strip()
    by_role = Counter((a["name"], a["role"]) for a in record["actors"])
    assert by_role[(name(row["actor1"]), "initiator")] == 1
    if row["actor2"]:
        assert by_role[(name(row["actor2"]), "target")] == 1
    assert sorted(s["publisher"] for s in record["sources"]) == sorted(
        {name.strip() for name in row["source"].split(";") if name.strip()}
    )


def test_real_peacerep_acled_events_match_the_file_field_by_field():
    path = sample("acled", "peacerep_ukraine-map_ACLED-Ukraine.csv")
    valid, _ = map_every_row(ACLED_FORMAT, path)
    rows = file_rows(path, "utf-8")
    picked = [
        rows[0],
        next(r for r in rows if r["time_precision"] == "2"),
        next(r for r in rows if r["actor2"] and r["assoc_actor_2"]),
        next(r for r in rows if r["civilian_targeting"]),
    ]
    for row in picked:
        day = dt.datetime.strptime(row["event_date"], "%d/%m/%Y %H:%M:%S").date()
        record = valid[row["event_id_cnty"]]
        assert_acled_event(record, row, day)
        assert record["location"]["country"] == "UKR"
    assert "civilians targeted" in valid[picked[3]["event_id_cnty"]]["tags"]


def test_real_acledr_events_match_the_file_field_by_field():
    path = sample("acled", "acledR_acled_old_deletion_dummy.csv")
    valid, _ = map_every_row(ACLED_FORMAT, path)
    rows = file_rows(path, "utf-8")
    picked = [
        rows[0],
        next(r for r in rows if r["event_id_cnty"].startswith("UKR")),
        next(r for r in rows if r["time_precision"] == "3"),
        next(r for r in rows if r["assoc_actor_1"] and r["actor2"]),
    ]
    for row in picked:
        assert_acled_event(
            valid[row["event_id_cnty"]], row, dt.date.fromisoformat(row["event_date"])
        )
    assert valid[picked[1]["event_id_cnty"]]["location"]["country"] == "UKR"


def ucdp_date(text: str) -> dt.date:
    for form in ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %H:%M"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise AssertionError(f"unexpected date {text!r}")


def test_real_ucdp_events_match_the_file_field_by_field():
    path = sample("ucdp", "peacerep_ukraine-map_UCDP-Ukraine.csv")
    valid, _ = map_every_row(UCDP_FORMAT, path)
    rows = [r for r in file_rows(path, "cp1252") if r["id"] in valid]
    picked = [
        rows[0],
        next(r for r in rows if r["type_of_violence"] == "3"),
        next(r for r in rows if r["date_prec"] == "2"),
        next(r for r in rows if "’" in r["source_headline"]),  # 0x92 in the file
    ]
    for row in picked:
        record = valid[row["id"]]
        start, end = ucdp_date(row["date_start"]), ucdp_date(row["date_end"])
        assert (record["date_start"], record["date_end"] or start) == (start, end)
        assert record["fatalities"] == {
            "low": int(row["low"]),
            "best": int(row["best"]),
            "high": int(row["high"]),
        }
        assert record["civilians_killed"] == int(row["deaths_civilians"])
        sides = [row["side_a"], row["side_b"]]
        if row["type_of_violence"] != "3":  # participants, listed by name
            sides.sort()
        assert [a["name"] for a in record["actors"]] == sides
        assert record["location"]["name"] == row["where_coordinates"]
        assert record["location"]["country"] == "UKR"
        assert (record["location"]["latitude"], record["location"]["longitude"]) == (
            float(row["latitude"]),
            float(row["longitude"]),
        )
        first_headline = row["source_headline"].split(";")[0]
        assert record["sources"][0]["title"] == " ".join(first_headline.split())
        assert f"ucdp:code_status={row['code_status']}" in record["tags"]


# --- Through the import pipeline, on SQLite and PostgreSQL ----------------------------


@pytest.mark.parametrize(
    ("directory", "name", "fmt", "encoding"), SAMPLES, ids=SAMPLE_IDS
)
def test_real_sample_imports_with_skip_invalid_every_valid_row(
    engine, directory, name, fmt, encoding
):
    path = sample(directory, name)
    valid, rejected = map_every_row(fmt, path)
    report = run(engine, path, mode="skip_invalid")
    assert (report.format, report.detected) == (fmt.name, True)
    assert (report.rows, report.added, report.rejected) == (
        len(valid) + sum(rejected.values()),
        len(valid),
        sum(rejected.values()),
    )
    assert all(p.line and p.field and p.reason for p in report.problems)
    assert counts(engine)["Event"] == len(valid)


@pytest.mark.parametrize(
    ("directory", "name", "fmt", "encoding"),
    [SAMPLES[0], SAMPLES[2]],  # the 9,000-row acledR file only once: it is slow
    ids=[SAMPLE_IDS[0], SAMPLE_IDS[2]],
)
def test_real_sample_imported_twice_is_unchanged_the_second_time(
    engine, directory, name, fmt, encoding
):
    path = sample(directory, name)
    first = run(engine, path, mode="skip_invalid")
    before = counts(engine)
    again = run(engine, path, mode="skip_invalid")
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.added)
    assert again.rejected == first.rejected
    assert counts(engine) == before


def test_real_acled_event_reads_back_from_the_database_as_in_the_file(engine):
    path = sample("acled", "peacerep_ukraine-map_ACLED-Ukraine.csv")
    run(engine, path, format_name="acled")
    row = next(r for r in file_rows(path, "utf-8") if r["actor2"])
    with session_scope(engine) as session:
        event_id = session.execute(
            select(Event.id).where(
                Event.dataset == "acled", Event.external_id == row["event_id_cnty"]
            )
        ).scalar_one()
        record = get_event_record(session, event_id).model_dump()
    day = dt.datetime.strptime(row["event_date"], "%d/%m/%Y %H:%M:%S").date()
    assert_acled_event(record, row, day, registry_name)


# --- Edge-case files through the pipeline ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "column", "value", "reason"),
    [
        (
            "acled/latitude_out_of_range.csv",
            3,
            "latitude",
            123.4,
            "Input should be less than or equal to 90",
        ),
        (
            "acled/duplicate_id.csv",
            4,
            "event_id_cnty",
            "XTST1",
            "this id appears earlier in the file; each event must appear once",
        ),
        (
            "ucdp/duplicate_id.csv",
            3,
            "id",
            "900001",
            "this id appears earlier in the file; each event must appear once",
        ),
        (
            "ucdp/end_before_start.csv",
            2,
            "date_end",
            "6/1/2022 12:00:00 AM",
            "ends before date_start (2022-06-03), read month-first",
        ),
    ],
)
def test_edge_case_file_with_one_bad_row_writes_nothing(
    engine, name, line, column, value, reason
):
    before = counts(engine)
    with pytest.raises(ImportFailed) as caught:
        run(engine, DATA / name)
    [problem] = caught.value.report.problems
    assert (problem.line, problem.field, problem.value, problem.reason) == (
        line,
        column,
        value,
        reason,
    )
    assert counts(engine) == before


@pytest.mark.parametrize(
    ("name", "format_name", "events"),
    [
        ("acled/bom_upper_case.csv", "acled", 1),
        ("acled/day_first_variant.csv", "acled", 1),
        ("ucdp/windows_1252.csv", "ucdp", 3),
        ("ucdp/clean_utf8.csv", "ucdp", 5),
        ("ucdp/published_out_of_order.csv", "ucdp", 4),
    ],
)
def test_edge_case_file_is_detected_and_imported(engine, name, format_name, events):
    report = run(engine, DATA / name)
    assert (report.format, report.detected, report.added) == (
        format_name,
        True,
        events,
    )
    assert counts(engine)["Event"] == events
