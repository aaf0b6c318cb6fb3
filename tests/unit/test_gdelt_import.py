"""GDELT rows -> event records: one invented file per edge case in tests/data/gdelt."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from tracker.errors import InvalidInput
from tracker.formats.base import RawRow, RowProblem
from tracker.formats.gdelt.read import GDELT_FORMAT, fips_countries
from tracker.models import EventCreate, validate_iso3

DATA = Path(__file__).resolve().parents[1] / "data" / "gdelt"


def read(name: str) -> list[RawRow]:
    return list(GDELT_FORMAT.read(DATA / name))


def event(row: RawRow) -> EventCreate:
    return EventCreate.model_validate(GDELT_FORMAT.to_record(row))


def problem(row: RawRow) -> RowProblem:
    with pytest.raises(RowProblem) as caught:
        GDELT_FORMAT.to_record(row)
    return caught.value


def test_gdelt_valid_row_maps_every_field():
    (row,) = read("valid_strike.CSV")
    strike = event(row)
    assert row.line == 1
    assert (strike.dataset, strike.external_id) == ("gdelt", "900000001")
    assert (strike.event_type, strike.mode, strike.contexts) == (
        "ASSAULT",
        "heavy-weapons",
        ["military"],
    )
    assert (strike.date_start, strike.date_end) == (dt.date(2025, 5, 24), None)
    assert strike.date_precision == "day"
    assert strike.status == "proposed"
    assert strike.tags == ["gdelt:cameo=195", "gdelt:goldstein=-10.0", "gdelt:quad=4"]
    place = strike.location
    assert (place.name, place.admin1, place.country) == ("Kyiv", "Kyyiv, Misto", "UKR")
    assert (place.latitude, place.longitude, place.geo_precision) == (
        50.4333,
        30.5167,
        "exact",
    )
    assert [(a.name, a.role, a.kind, a.country) for a in strike.actors] == [
        ("RUSSIA", "initiator", "military", "RUS"),
        ("KYIV", "target", "civilians", "UKR"),
    ]
    assert [s.url for s in strike.sources] == [
        "https://news.example.org/2025/05/24/strike"
    ]
    assert strike.title == "Fight: RUSSIA -> KYIV in Kyiv"
    assert "actor codes RUSMIL / UKRCVL" in strike.notes


def test_gdelt_statement_root_01_is_rejected_with_the_reason():
    first, second = read("statement_root_01.CSV")
    assert event(first).event_type == "ASSAULT"
    rejected = problem(second)
    assert second.line == 2
    assert (rejected.column, rejected.value) == ("EventCode", "010")
    assert rejected.reason.startswith(
        "CAMEO root 01 (make public statement) has no PLOVER 2.0 event type"
    )


def test_gdelt_row_of_60_fields_is_rejected_naming_the_count():
    first, second = read("short_row.CSV")
    assert event(first).external_id == "900000001"
    rejected = problem(second)
    assert second.line == 2
    assert (rejected.column, rejected.value) == ("record", 60)
    assert rejected.reason == "expected 61 tab-separated fields, got 60"


def test_gdelt_impossible_sqldate_is_rejected():
    _, second = read("bad_date.CSV")
    rejected = problem(second)
    assert (second.line, rejected.column, rejected.value) == (2, "SQLDATE", "20251332")
    assert rejected.reason == "is not a date written YYYYMMDD"


def test_gdelt_latitude_out_of_range_is_refused_in_the_actiongeo_column():
    _, second = read("latitude_out_of_range.CSV")
    with pytest.raises(ValidationError) as caught:
        event(second)
    (error,) = caught.value.errors()
    field = ".".join(str(part) for part in error["loc"])
    assert field == "location.latitude"
    assert error["msg"] == "Input should be less than or equal to 90"
    assert GDELT_FORMAT.column_for(field) == "ActionGeo_Lat"


def test_gdelt_unknown_fips_code_is_rejected():
    _, second = read("unknown_fips.CSV")
    rejected = problem(second)
    assert (second.line, rejected.column, rejected.value) == (
        2,
        "ActionGeo_CountryCode",
        "QQ",
    )
    assert "is not a FIPS 10-4 country code" in rejected.reason


def test_gdelt_unknown_cameo_code_is_rejected():
    _, second = read("unknown_cameo.CSV")
    rejected = problem(second)
    assert (second.line, rejected.column, rejected.value) == (2, "EventCode", "999")
    assert rejected.reason.startswith("unknown CAMEO code '999'")


def test_gdelt_byte_that_is_not_utf8_rejects_its_row_naming_the_column():
    first, second = read("broken_encoding.CSV")
    assert event(first).location.name == "Kyiv"
    rejected = problem(second)
    assert (second.line, rejected.column) == (2, "ActionGeo_FullName")
    assert rejected.reason == "byte b'\\xff' is not UTF-8 text"


def test_gdelt_sourceurl_that_is_no_web_address_keeps_an_identifiable_source():
    (row,) = read("source_not_a_url.CSV")
    imported = event(row)
    (source,) = imported.sources
    assert (source.url, source.title, source.publisher) == (
        None,
        "GDELT 900000001",
        "GDELT",
    )
    assert imported.notes.endswith("SOURCEURL is not a web address: BBC Monitoring.")


def test_gdelt_row_without_actors_or_place_is_still_an_event():
    (row,) = read("no_actors.CSV")
    imported = event(row)
    assert (imported.actors, imported.location) == ([], None)
    assert imported.title == "Fight"


def test_gdelt_event_code_keeps_its_leading_zero():
    (row,) = read("leading_zero_code.CSV")
    imported = event(row)
    assert (imported.event_type, imported.mode) == ("RETREAT", "release")
    assert "gdelt:cameo=0841" in imported.tags


def test_gdelt_host_a_visit_makes_the_visitor_the_initiator():
    (row,) = read("host_a_visit.CSV")
    imported = event(row)
    assert (imported.event_type, imported.mode) == ("CONSULT", "visit")
    assert [(a.name, a.role) for a in imported.actors] == [
        ("UKRAINE", "initiator"),
        ("TURKEY", "target"),
    ]
    assert imported.actors[1].kind == "state"
    assert (imported.location.name, imported.location.country) == ("Istanbul", "TUR")


def test_gdelt_sea_has_no_country_and_general_admin1_is_dropped():
    (row,) = read("sea_and_general_admin1.CSV")
    place = event(row).location
    assert (place.name, place.admin1, place.country) == ("Black Sea", None, None)


def test_gdelt_1_rows_of_58_and_57_fields_are_read():
    with_url, without_url = read("gdelt1_58_columns.CSV")
    assert [s.url for s in event(with_url).sources] == [
        "https://news.example.org/2025/05/24/strike"
    ]
    assert [s.title for s in event(without_url).sources] == ["GDELT 900000002"]
    assert event(without_url).location.name == "Kyiv"


# Three rows of the shared sample (20191024143000.export.CSV) in the shapes tools
# write; what each row says, read by eye from the sample: (GLOBALEVENTID, EventCode,
# ActionGeo_FullName's first part, its FIPS country as ISO3, SOURCEURL's host).
SAMPLE_ROWS = [
    ("881991164", "141", "Makei", "RUS", "belsat.eu"),
    ("881992543", "173", "Ukraine", "UKR", "www.politico.com"),
    ("881991017", "0874", "Moscow", "RUS", "globalnews.ca"),
]
SHAPES = {  # file -> the line of its first record
    "header_62_columns.CSV": 2,  # gdeltPyR's 62 columns, tab, GDELT's names
    "gdeltpyr_normcols.csv": 2,  # comma, pandas index, "actor1geofullname" names
    "headerless_trailing_tab.CSV": 1,  # an empty 62nd field
    "headerless_index_first.CSV": 1,  # a pandas index, then the 61 fields
    "headerless_description_after_code.CSV": 1,  # gdeltPyR's 62, no header
}


@pytest.mark.parametrize(("name", "first_line"), SHAPES.items())
def test_gdelt_header_and_extra_column_shapes_read_every_field_in_place(
    name, first_line
):
    rows = read(name)
    events = [event(row) for row in rows]
    assert [row.line for row in rows] == [first_line, first_line + 1, first_line + 2]
    assert [
        (
            e.external_id,
            next(t for t in e.tags if t.startswith("gdelt:cameo=")),
            e.location.name,
            e.location.country,
            e.sources[0].url.split("/")[2],
        )
        for e in events
    ] == [
        (event_id, f"gdelt:cameo={code}", place, country, host)
        for event_id, code, place, country, host in SAMPLE_ROWS
    ]
    assert [(e.event_type, e.mode) for e in events] == [
        ("PROTEST", "demo"),
        ("COERCE", "arrest"),
        ("RETREAT", "disarm"),
    ]
    assert {e.date_start for e in events} == {dt.date(2019, 10, 24)}
    protest = events[0]
    assert [(a.name, a.role) for a in protest.actors] == [
        ("BELARUSIAN", "initiator"),
        ("POLITICAL PRISONER", "target"),
    ]
    assert (protest.location.latitude, protest.location.longitude) == (
        56.3743,
        28.2813,
    )
    assert "gdelt:quad=3" in protest.tags and "gdelt:goldstein=-6.5" in protest.tags


def test_gdelt_header_of_a_few_columns_in_any_case_with_day_for_sqldate():
    (row,) = read("header_subset_day_column.csv")
    strike = event(row)
    assert row.line == 2
    assert (strike.external_id, strike.date_start) == (
        "900000001",
        dt.date(2025, 5, 24),
    )
    assert (strike.event_type, strike.mode) == ("ASSAULT", "heavy-weapons")
    assert (strike.location.name, strike.location.country) == ("Kyiv", "UKR")
    assert [s.url for s in strike.sources] == [
        "https://news.example.org/2025/05/24/strike"
    ]
    # Columns the file does not have are not mentioned as unknown.
    assert strike.notes == "GDELT event 900000001, CAMEO 195."


def test_gdelt_code_whose_leading_zero_a_spreadsheet_dropped_is_read_by_its_root():
    swap_row, statement_row = read("spreadsheet_dropped_zeros.csv")
    swap = event(swap_row)
    assert (swap.event_type, swap.mode) == ("RETREAT", "release")
    assert "gdelt:cameo=0841" in swap.tags
    assert "EventCode 841 read as 0841 (EventRootCode 08)" in swap.notes
    assert swap.location.geo_precision == "exact"  # ActionGeo_Type written "4.0"
    # "010" written 10 is a statement (root 01), not a demand (root 10).
    rejected = problem(statement_row)
    assert (statement_row.line, rejected.column, rejected.value) == (
        3,
        "EventCode",
        "010",
    )
    assert rejected.reason.startswith("CAMEO root 01 (make public statement)")


def test_gdelt_header_without_sqldate_refuses_the_file_naming_the_column():
    with pytest.raises(InvalidInput) as caught:
        read("header_without_sqldate.csv")
    (missing,) = caught.value.problems
    assert (missing.field, missing.line) == ("SQLDATE", 1)
    assert missing.reason == "the header has no such column; a GDELT event needs it"


def test_gdelt_row_of_62_fields_that_cannot_be_aligned_is_rejected(tmp_path):
    fields = (DATA / "valid_strike.CSV").read_text("utf-8").rstrip("\n").split("\t")
    misplaced = tmp_path / "misplaced.CSV"  # a field between SQLDATE and MonthYear
    misplaced.write_text("\t".join([*fields[:2], "x", *fields[2:]]) + "\n", "utf-8")
    (row,) = list(GDELT_FORMAT.read(misplaced))
    rejected = problem(row)
    assert (rejected.column, rejected.value) == ("record", 62)
    assert rejected.reason.startswith("expected 61 tab-separated fields, got 62, and")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        *((DATA / name, True) for name in SHAPES),
        (DATA / "header_subset_day_column.csv", True),
        (DATA.parent / "acled" / "bom_upper_case.csv", False),
        (DATA / "valid_strike.CSV", True),
        (DATA.parent / "native" / "flat_only.csv", False),
        (DATA.parent / "plover" / "v2_records.jsonl", False),
    ],
)
def test_gdelt_sniff_knows_each_gdelt_shape_and_no_other_file(path, expected):
    sample = path.read_text(encoding="utf-8")
    assert GDELT_FORMAT.sniff(sample, path) is expected


def test_fips_table_maps_to_known_iso3_codes_once_each():
    path = Path(__file__).resolve().parents[2] / "tracker" / "data" / "fips_iso3.csv"
    lines = [line for line in path.read_text().splitlines() if not line[:1] == "#"]
    codes = [row["fips"] for row in csv.DictReader(lines)]
    assert len(codes) == len(set(codes)) == len(fips_countries())
    for fips, country in fips_countries().items():
        assert len(fips) == 2
        assert country.iso3 is None or validate_iso3(country.iso3) == country.iso3
    assert fips_countries()["UP"].iso3 == "UKR"
    assert fips_countries()["RS"].iso3 == "RUS"
    assert fips_countries()["TU"].iso3 == "TUR"
