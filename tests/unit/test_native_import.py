"""Native CSV and JSON Lines -> event records: one file per edge case in tests/data.

The round trip through a database (export, then import) is tests/storage/
test_native_round_trip.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from tracker.errors import InvalidInput
from tracker.formats.base import RawRow, RowProblem
from tracker.formats.native.cells import escape_cell, unescape_cell
from tracker.formats.native.read import NATIVE_CSV_FORMAT, NATIVE_JSONL_FORMAT
from tracker.models import EventCreate

DATA = Path(__file__).resolve().parents[1] / "data" / "native"


def read(name: str) -> list[RawRow]:
    fmt = NATIVE_JSONL_FORMAT if name.endswith(".jsonl") else NATIVE_CSV_FORMAT
    return list(fmt.read(DATA / name))


def event(row: RawRow, fmt=NATIVE_CSV_FORMAT) -> EventCreate:
    return EventCreate.model_validate(fmt.to_record(row))


def problem(row: RawRow, fmt=NATIVE_CSV_FORMAT) -> RowProblem:
    with pytest.raises(RowProblem) as caught:
        fmt.to_record(row)
    return caught.value


def refusal(row: RawRow) -> tuple[str, str]:
    """The column and reason EventCreate gives for a row it refuses."""
    with pytest.raises(ValidationError) as caught:
        event(row)
    error = caught.value.errors()[0]
    field = ".".join(str(part) for part in error["loc"])
    return NATIVE_CSV_FORMAT.column_for(field), error["msg"].removeprefix(
        "Value error, "
    )


@pytest.mark.parametrize(
    "text", ["=1+2", "+1", "-2", "@SUM(A1)", "\t=1", "'=1", "'Tis", "''x", "Kyiv", "'"]
)
def test_unescape_cell_undoes_escape_cell(text):
    assert unescape_cell(escape_cell(text)) == text


def test_native_csv_flat_columns_map_actors_sources_and_links():
    first, second = read("flat_only.csv")
    strike = event(first)
    assert (first.line, second.line) == (2, 3)
    assert (strike.dataset, strike.external_id) == ("native", "1")
    assert (strike.event_type, strike.mode) == ("ASSAULT", "heavy-weapons")
    assert strike.date_start == dt.date(2025, 5, 24)
    assert (strike.location.name, strike.location.country) == ("Kyiv", "UKR")
    assert (strike.location.latitude, strike.location.longitude) == (50.45, 30.52)
    assert [(a.name, a.role) for a in strike.actors] == [
        ("Government of Russia", "initiator"),
        ("Civilians (Ukraine)", "target"),
    ]
    assert [(s.url, s.quote) for s in strike.sources] == [
        ("https://news.example.org/a", "A missile hit Kyiv.")
    ]
    drones = event(second)
    assert drones.title == "Drone strikes on Kharkiv; many hurt"
    assert drones.tags == ["drones", "night"]
    assert [(s.url, s.quote) for s in drones.sources] == [
        ("https://news.example.org/b", "Drones hit Kharkiv."),
        ("https://news.example.org/c", "Many were hurt."),
    ]
    assert [(link.relation, link.id) for link in drones.links] == [("follows_up", 1)]


def test_native_csv_formula_neutralisation_is_undone():
    (row,) = read("formula_cells.csv")
    imported = event(row)
    assert imported.title == '=HYPERLINK("http://evil.example")'
    assert imported.notes == "'Tis the season; the apostrophe is the author's"
    assert imported.actors[0].name == "-Unnamed group"


def test_native_csv_quote_without_a_source_url_is_rejected():
    (row,) = read("quotes_without_url.csv")
    rejected = problem(row)
    assert (row.line, rejected.column, rejected.value) == (
        2,
        "quotes",
        "A missile hit Kyiv.",
    )
    assert rejected.reason == "a quote needs its source: give the URL in source_urls"


def test_native_csv_quotes_that_do_not_pair_with_urls_are_rejected():
    (row,) = read("quotes_count_mismatch.csv")
    rejected = problem(row)
    assert (row.line, rejected.column) == (2, "quotes")
    assert rejected.reason.startswith("has 3 quotes for 2 source URLs")


def test_native_csv_link_that_is_not_relation_and_id_is_rejected():
    (row,) = read("bad_link.csv")
    rejected = problem(row)
    assert (row.line, rejected.column, rejected.value) == (2, "links", "follows up 12")
    assert rejected.reason == "must be relation:event id, e.g. follows_up:12"


def test_native_csv_edited_name_column_that_disagrees_with_actors_json_is_rejected():
    (row,) = read("actors_json_mismatch.csv")
    rejected = problem(row)
    assert (row.line, rejected.column, rejected.value) == (
        2,
        "initiators",
        "Government of Belarus",
    )
    assert rejected.reason == (
        "does not match actors_json (Government of Russia): edit both, or empty "
        "actors_json to read the flat columns alone"
    )


@pytest.mark.parametrize(
    ("name", "column", "reason"),
    [
        ("bad_date.csv", "date_start", "Input should be a valid date or datetime"),
        (
            "latitude_out_of_range.csv",
            "latitude",
            "Input should be less than or equal to 90",
        ),
        ("unknown_type.csv", "event_type", "unknown PLOVER event type 'BOMBARD'"),
    ],
)
def test_native_csv_values_the_model_refuses_name_their_column(name, column, reason):
    first, second = read(name)
    assert event(first).external_id == "1"
    found_column, found_reason = refusal(second)
    assert second.line == 3
    assert found_column == column
    assert found_reason.startswith(reason)


def test_native_csv_row_wider_than_its_header_is_rejected():
    _, wide = read("wrong_width.csv")
    rejected = problem(wide)
    assert (wide.line, rejected.column) == (3, "row")
    assert rejected.reason == "has 20 fields but the header has 19"


def test_native_csv_missing_required_column_refuses_the_file():
    with pytest.raises(InvalidInput) as caught:
        read("missing_required_column.csv")
    (refused,) = caught.value.problems
    assert (refused.line, refused.field) == (1, "date_start")
    assert refused.reason == "required column is missing from the header"


def test_native_csv_bytes_that_are_not_utf8_refuse_the_file_naming_line_and_column():
    with pytest.raises(InvalidInput) as caught:
        read("broken_encoding.csv")
    (refused,) = caught.value.problems
    assert (refused.line, refused.field) == (3, "title")
    assert refused.reason.startswith("byte b'\\xff' is not UTF-8 text")


def test_native_jsonl_gives_events_without_external_id_the_native_identity():
    accusation, rejection, acled = read("records.jsonl")
    imported = event(accusation, NATIVE_JSONL_FORMAT)
    assert (imported.dataset, imported.external_id) == ("native", "7")
    assert imported.sources[0].title == "Kremlin statement"
    assert imported.actors[0].kind == "government"
    links = event(rejection, NATIVE_JSONL_FORMAT).links
    assert [(k.relation, k.dataset, k.external_id, k.id) for k in links] == [
        ("responds_to", "native", "7", None),
        ("follows_up", "acled", "UKR1234", None),
    ]
    kept = event(acled, NATIVE_JSONL_FORMAT)
    assert (kept.dataset, kept.external_id) == ("acled", "UKR1234")


def test_native_jsonl_broken_line_is_rejected_and_reading_goes_on():
    first, broken, third = read("broken_json_line.jsonl")
    assert event(first, NATIVE_JSONL_FORMAT).title == "One"
    rejected = problem(broken, NATIVE_JSONL_FORMAT)
    assert (broken.line, rejected.column) == (2, "record")
    assert rejected.reason.startswith("not valid JSON: ")
    assert (third.line, event(third, NATIVE_JSONL_FORMAT).title) == (3, "Three")


@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("fatalities.low", "fatalities_low"),
        ("fatalities", "fatalities_best"),
        ("location.country", "country"),
        ("location.name", "location"),
        ("actors.0.kind", "actors_json"),
        ("date_end", "date_end"),
        ("record", "record"),
    ],
)
def test_native_csv_column_for_names_the_csv_column(field, column):
    assert NATIVE_CSV_FORMAT.column_for(field) == column


@pytest.mark.parametrize(
    ("fmt", "name", "expected"),
    [
        (NATIVE_CSV_FORMAT, "native/flat_only.csv", True),
        (NATIVE_CSV_FORMAT, "gdelt/valid_strike.CSV", False),
        (NATIVE_JSONL_FORMAT, "native/records.jsonl", True),
        (NATIVE_JSONL_FORMAT, "plover/v2_records.jsonl", False),
    ],
)
def test_native_sniff_knows_its_own_exports(fmt, name, expected):
    path = DATA.parent / name
    assert fmt.sniff(path.read_text(encoding="utf-8"), path) is expected
