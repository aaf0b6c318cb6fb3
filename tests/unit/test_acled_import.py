"""Reading ACLED CSV files: one tiny invented file per edge case in tests/data/acled,
and the mapping of invented rows written here (never rows copied from ACLED)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tracker.errors import InvalidInput, problems_from_validation_error
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.base import RawRow, RowProblem
from tracker.models import EventCreate

DATA = Path(__file__).resolve().parents[1] / "data" / "acled"

# An invented row in ACLED's shape, keyed by the normalised column names.
ROW: dict[str, str] = {
    "event_id_cnty": "XTST7",
    "event_date": "2024-03-05",
    "year": "2024",
    "time_precision": "1",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Russia (2000-)",
    "assoc_actor_1": "",
    "inter1": "8",
    "actor2": "",
    "assoc_actor_2": "",
    "inter2": "0",
    "civilian_targeting": "",
    "iso": "804",
    "country": "Ukraine",
    "admin1": "Kharkiv",
    "admin2": "",
    "admin3": "",
    "location": "Testivka",
    "latitude": "49.5",
    "longitude": "36.5",
    "geo_precision": "1",
    "source": "Invented Wire",
    "notes": "Invented: shelling of Testivka. Casualties unknown.",
    "fatalities": "0",
    "tags": "",
}


def mapped(**changes: str) -> dict[str, Any]:
    """The record of the invented row with `changes`, validated by EventCreate."""
    record = ACLED_FORMAT.to_record(RawRow(2, {**ROW, **changes}))
    EventCreate.model_validate(record)
    return record


def refused(**changes: str) -> RowProblem:
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(RawRow(2, {**ROW, **changes}))
    return caught.value


def rows(name: str) -> list[RawRow]:
    return list(ACLED_FORMAT.read(DATA / name))


# --- Sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first_line", "expected"),
    [
        ("event_id_cnty,event_date,sub_event_type,actor1", True),
        ("\ufeffEVENT_ID_CNTY,EVENT_DATE,SUB_EVENT_TYPE", True),
        ("id,iso,event_id_cnty,event_date,year,event_type,sub_event_type", True),
        ("id,relid,year,type_of_violence,side_a,side_b", False),
        ("id,title,event_type,mode,date_start", False),
        # Files from the wild (issue 17): no event_id_cnty, an unnamed index column.
        (",Event_Date,EVENT_TYPE,sub_event_type,Location", True),
        ("Unnamed: 0,event_date,sub_event_type", True),
        ("event_date,event_type,location", False),  # no sub-event type: not ACLED
    ],
)
def test_acled_sniff_header_names_decide(first_line, expected):
    assert ACLED_FORMAT.sniff(first_line + "\nx,y\n", Path("f.csv")) is expected


# --- Edge-case files ------------------------------------------------------------------


def test_acled_read_bom_and_upper_case_header_maps_the_row():
    [row] = rows("bom_upper_case.csv")
    record = ACLED_FORMAT.to_record(row)
    event = EventCreate.model_validate(record)
    assert row.line == 2 and event.external_id == "XTST1"
    assert event.date_start == dt.date(2025, 5, 16)  # "16 May 2025"
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Violence against civilians",
        "Attack",
    )
    target = next(a for a in event.actors if a.role == "target")
    assert (target.name, target.kind, target.country) == (
        "Civilians (Ukraine)",
        "civilians",
        "UKR",
    )
    assert "civilians targeted" in event.tags
    assert (event.fatalities.low, event.fatalities.best) == (3, 3)


def test_acled_read_peacerep_variant_reads_day_first_dates_and_ignores_id():
    [row] = rows("day_first_variant.csv")
    event = EventCreate.model_validate(ACLED_FORMAT.to_record(row))
    assert event.external_id == "XTST1"  # not the leading `id` column
    assert event.date_start == dt.date(2024, 3, 5)  # 05/03/2024 00:00:00
    assert (event.date_precision, event.date_end) == ("week", None)
    assert event.location.geo_precision == "near"
    assert {"civilians targeted", "crowd size=no report"} <= set(event.tags)
    assert [s.publisher for s in event.sources] == [
        "Invented Wire",
        "Other Invented Daily",
    ]


def test_acled_bad_date_rejects_that_row_naming_line_and_column():
    found = rows("bad_date.csv")
    assert [row.line for row in found] == [2, 3, 4]
    ACLED_FORMAT.to_record(found[0])
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(found[1])
    problem = caught.value
    assert (problem.column, problem.value) == ("event_date", "2024-02-31")
    assert problem.reason == "is not a valid date: day is out of range for month"
    ACLED_FORMAT.to_record(found[2])


def test_acled_latitude_out_of_range_is_refused_by_validation_on_latitude():
    good, bad = rows("latitude_out_of_range.csv")
    EventCreate.model_validate(ACLED_FORMAT.to_record(good))
    with pytest.raises(ValidationError) as caught:
        EventCreate.model_validate(ACLED_FORMAT.to_record(bad))
    [problem] = problems_from_validation_error(caught.value, line=bad.line)
    assert problem.field == "location.latitude" and problem.line == 3
    assert ACLED_FORMAT.column_for(problem.field) == "latitude"
    assert problem.reason == "Input should be less than or equal to 90"
    assert problem.value == 123.4


def test_acled_unknown_sub_event_type_names_the_known_types():
    [row] = rows("unknown_type.csv")
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(row)
    assert (caught.value.column, caught.value.value) == (
        "sub_event_type",
        "Pillow fight",
    )
    assert caught.value.reason.startswith(
        "unknown ACLED pair 'Explosions/Remote violence' / 'Pillow fight'"
    )
    assert "Air/drone strike" in caught.value.reason


def test_acled_missing_required_column_refuses_the_file_before_any_row():
    with pytest.raises(InvalidInput) as caught:
        rows("missing_column.csv")
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("sub_event_type", 1)
    assert problem.reason == "required column is missing from the header"


def test_acled_broken_encoding_refuses_the_file_naming_line_and_column():
    reader = ACLED_FORMAT.read(DATA / "broken_encoding.csv")
    first = next(reader)  # valid UTF-8 (Cyrillic) before the stray byte
    assert first.values["admin1"] == "Харків"
    with pytest.raises(InvalidInput) as caught:
        next(reader)
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("notes", 3)
    assert problem.reason == "byte b'\\xff' is not UTF-8 text; save the file as UTF-8"


def test_acled_field_over_the_csv_limit_refuses_the_file_naming_the_line(tmp_path):
    path = tmp_path / "huge.csv"
    header = ",".join(ROW)
    good = ",".join(ROW.values())
    huge = ",".join({**ROW, "notes": '"' + "x" * 140_000 + '"'}.values())
    path.write_text(f"{header}\n{good}\n{huge}\n", encoding="utf-8")
    reader = ACLED_FORMAT.read(path)
    assert next(reader).line == 2
    with pytest.raises(InvalidInput) as caught:
        next(reader)
    [problem] = caught.value.problems
    assert (problem.field, problem.line) == ("row", 3)
    assert problem.reason == (
        "cannot be read as CSV: field larger than field limit (131072)"
    )


def test_acled_multiline_notes_keep_line_numbers_of_each_row_start():
    first, second = rows("multiline_notes.csv")
    assert (first.line, second.line) == (2, 5)
    assert ACLED_FORMAT.to_record(first)["notes"] == (
        "First line.\nSecond line.\nThird line."
    )
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(second)
    assert (caught.value.column, caught.value.value) == ("event_date", "not a date")
    assert caught.value.reason.startswith("is not a date: expected YYYY-MM-DD")


def test_acled_row_with_a_surplus_field_is_rejected():
    first, second = rows("wrong_width.csv")
    ACLED_FORMAT.to_record(first)
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(second)
    assert (caught.value.column, second.line) == ("row", 3)
    assert caught.value.reason == "has 32 fields but the header has 31"


def test_acled_unknown_inter_code_is_rejected():
    [row] = rows("unknown_inter.csv")
    with pytest.raises(RowProblem) as caught:
        ACLED_FORMAT.to_record(row)
    assert (caught.value.column, caught.value.value) == ("inter1", "Aliens")
    assert caught.value.reason.startswith("unknown ACLED inter code; expected 0-8")


# --- Mapping of invented rows ---------------------------------------------------------


def test_acled_row_maps_type_place_source_and_external_id():
    record = mapped()
    assert (record["event_type"], record["mode"]) == ("ASSAULT", "heavy-weapons")
    assert (record["dataset"], record["external_id"]) == ("acled", "XTST7")
    assert record["location"] == {
        "name": "Testivka",
        "country": "UKR",
        "admin1": "Kharkiv",
        "admin2": None,  # the row's admin2 is blank
        "latitude": 49.5,
        "longitude": 36.5,
        "geo_precision": "exact",
    }
    assert record["sources"] == [
        {"title": "ACLED: Invented Wire", "publisher": "Invented Wire"}
    ]
    assert record["title"] == (
        "Shelling/artillery/missile attack: Military Forces of Russia (2000-) "
        "in Testivka"
    )


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-05",
        "2024-03-05T00:00:00Z",
        "05/03/2024",
        "05/03/2024 00:00:00",
        "5 March 2024",
        "05-Mar-2024",
    ],
)
def test_acled_event_date_forms_all_read_day_first(text):
    assert mapped(event_date=text)["date_start"] == dt.date(2024, 3, 5)


def test_acled_event_date_in_another_year_than_the_year_column_is_rejected():
    problem = refused(event_date="05/03/2023")
    assert (problem.column, problem.value) == ("event_date", "05/03/2023")
    assert problem.reason == "is in 2023 but the year column says 2024"


@pytest.mark.parametrize(
    ("code", "precision"),
    [("1", "day"), ("2", "week"), ("3", "month"), ("", "day")],
)
def test_acled_time_precision_keeps_the_date_and_sets_the_precision(code, precision):
    record = mapped(time_precision=code)
    assert record["date_precision"] == precision
    assert record["date_start"] == dt.date(2024, 3, 5)


@pytest.mark.parametrize(
    ("code", "precision"), [("1", "exact"), ("2", "near"), ("3", "admin1")]
)
def test_acled_geo_precision_codes_map_to_ours(code, precision):
    assert mapped(geo_precision=code)["location"]["geo_precision"] == precision


@pytest.mark.parametrize(
    ("column", "code"), [("time_precision", "4"), ("geo_precision", "0")]
)
def test_acled_unknown_precision_code_is_rejected(column, code):
    problem = refused(**{column: code})
    assert (problem.column, problem.value) == (column, code)
    assert problem.reason == "expected 1, 2, 3 or blank"


def test_acled_actors_take_roles_by_side_and_kinds_from_names_and_inter_codes():
    record = mapped(
        actor1="Rebels of Testland",
        inter1="Rebel group",
        assoc_actor_1="Militia A; Militia B",
        actor2="Military Forces of Ukraine (2019-)",
        inter2="1",
        assoc_actor_2="Civilians (Ukraine)",
    )
    assert [
        (a["name"], a["role"], a["kind"], a["country"]) for a in record["actors"]
    ] == [
        ("Rebels of Testland", "initiator", "armed_group", None),
        ("Militia A", "participant", None, None),
        ("Militia B", "participant", None, None),
        ("Military Forces of Ukraine (2019-)", "target", "military", "UKR"),
        ("Civilians (Ukraine)", "target", "civilians", "UKR"),
    ]


@pytest.mark.parametrize(
    ("iso", "country", "expected"),
    [
        ("804", "Ukraine", "UKR"),
        ("", "Russia", "RUS"),
        ("", "Red Sea", None),
        ("0", "Kosovo", None),
    ],
)
def test_acled_country_from_numeric_iso_else_name(iso, country, expected):
    record = mapped(iso=iso, country=country)
    assert record["location"]["country"] == expected
    # A name with no ISO code (a sea, Kosovo) stays in the source record, not a tag.
    assert record["source_record"]["cells"]["country"] == country
    assert not record["tags"]


def test_acled_fatalities_are_low_and_best_and_must_be_whole_numbers():
    assert mapped(fatalities="12")["fatalities"] == {"low": 12, "best": 12}
    problem = refused(fatalities="several")
    assert (problem.column, problem.value) == ("fatalities", "several")
    assert problem.reason == "is not a whole number"


def test_acled_tags_keep_acled_tags_and_civilian_targeting():
    record = mapped(
        tags="crowd size=about 20; local administrators",
        admin2="Testovskyi",
        admin3="Testivska",
        civilian_targeting="Civilians targeted",
    )
    assert set(record["tags"]) == {
        "crowd size=about 20",
        "local administrators",
        "civilians targeted",
    }


def test_acled_row_is_kept_verbatim_as_the_source_record():
    record = mapped(
        admin2="Testovskyi",
        admin3=" Testivska ",
        region="Europe",
        timestamp="1708472503",
        actor2="",
    )
    source = record["source_record"]
    assert source["format"] == "acled"
    assert source["columns"][:3] == ["event_id_cnty", "event_date", "year"]
    cells = source["cells"]
    # Every cell as written, blanks around it included; empty cells are left out.
    assert cells["admin3"] == " Testivska "
    assert (cells["admin2"], cells["region"], cells["timestamp"]) == (
        "Testovskyi",
        "Europe",
        "1708472503",
    )
    assert "actor2" not in cells and "actor2" in source["columns"]


def test_acled_long_title_is_cut_to_300_characters_with_an_ellipsis():
    record = mapped(actor1="Brigade " + "x" * 150, actor2="Battalion " + "y" * 150)
    assert len(record["title"]) == 300 and record["title"].endswith("…")


def test_acled_actor_name_over_200_characters_is_refused_on_actor1():
    with pytest.raises(ValidationError) as caught:
        mapped(actor1="Brigade " + "x" * 200)
    [problem] = problems_from_validation_error(caught.value)
    assert ACLED_FORMAT.column_for(problem.field) == "actor1"
    assert problem.reason == "String should have at most 200 characters"


def test_acled_territory_sub_event_gets_the_territory_context():
    record = mapped(event_type="Battles", sub_event_type="government regains territory")
    assert record["acled_sub_event_type"] == "Government regains territory"
    assert (record["event_type"], record["contexts"]) == ("ASSAULT", ["territory"])


def test_acled_column_for_names_the_file_column():
    assert ACLED_FORMAT.column_for("location.latitude") == "latitude"
    assert ACLED_FORMAT.column_for("date_start") == "event_date"
    assert ACLED_FORMAT.column_for("fatalities.best") == "fatalities"
    assert ACLED_FORMAT.column_for("sources.2.title") == "source"
    assert ACLED_FORMAT.column_for("actors.3.name") == (
        "actor1, assoc_actor_1, actor2, assoc_actor_2"
    )
    assert ACLED_FORMAT.column_for("external_id") == "event_id_cnty"
    assert ACLED_FORMAT.column_for("record") == "record"


def test_acled_admin2_is_the_places_district_trimmed_and_cut_not_refused():
    # Issue 14: ACLED's admin2 names the place's district; a blank one is none, a
    # long one is cut (rows with one imported before admin2 was read).
    assert mapped(admin2="  Kharkivskyi ")["location"]["admin2"] == "Kharkivskyi"
    assert mapped(admin2="   ")["location"]["admin2"] is None
    long = mapped(admin2="D" * 250)["location"]["admin2"]
    assert len(long) == 200 and long.startswith("DDD")
