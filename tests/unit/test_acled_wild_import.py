"""ACLED-shaped files from the wild (issue 17): an index column first, some of the 31
columns, mixed header case, extra columns, no ids, no coordinates, no actors.

The files in tests/data/acled are invented (places such as Testivka do not exist; the
real town names are there to be found in the gazetteer); never ACLED rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.base import ASSUMED_KEY, RawRow, RowProblem
from tracker.models import EventCreate

DATA = Path(__file__).resolve().parents[1] / "data" / "acled"
WILD = DATA / "wild_subset.csv"
# ACLED's 31 export columns, from the codebook (formats.md 1.1).
ACLED_31 = (
    "event_id_cnty event_date year time_precision disorder_type event_type "
    "sub_event_type actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 "
    "interaction civilian_targeting iso region country admin1 admin2 admin3 location "
    "latitude longitude geo_precision source source_scale notes fatalities tags "
    "timestamp"
).split()
# An invented row in the wild file's shape (no id, actors or coordinates).
ROW: dict[str, str] = {
    "": "0",
    "event_date": "2024-03-05",
    "year": "2024",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "country": "Ukraine",
    "admin1": "Kharkiv",
    "location": "Testivka",
    "source": "Invented Wire",
    "notes": "Invented: shelling of Testivka.",
    "fatalities": "3",
}


def record_of(values: dict[str, str]) -> dict[str, Any]:
    return ACLED_FORMAT.to_record(RawRow(2, values, 2))


def validated(values: dict[str, str]) -> EventCreate:
    record = record_of(values)
    record.pop(ASSUMED_KEY, None)  # the import counts and drops it
    return EventCreate.model_validate(record)


def wild_file_rows() -> list[dict[str, str]]:
    """The wild file's rows as the csv module reads them: the expected values."""
    with WILD.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_wild_file_is_detected_and_every_row_maps():
    sample = WILD.read_text(encoding="utf-8")
    assert ACLED_FORMAT.sniff(sample, WILD)
    expected = wild_file_rows()
    read = list(ACLED_FORMAT.read(WILD))
    assert len(read) == len(expected) == 11
    events = [validated(dict(row.values)) for row in read]
    assert all(event.actors == [] for event in events)
    assert len({event.external_id for event in events}) == len(expected)
    assert all(event.external_id.startswith("ROW-") for event in events)


def test_wild_file_header_notes_name_the_absent_columns_and_the_assumptions():
    with WILD.open(encoding="utf-8", newline="") as handle:
        header = [name.strip().lower() for name in next(csv.reader(handle))]
    absent = [name for name in ACLED_31 if name not in header]
    assert len(absent) == 16 and len(header) == 1 + 15 + 1  # index, 15, one extra

    notes = ACLED_FORMAT.describe_file(WILD)

    assert notes[0] == "first column '' is a row index (pandas or R): ignored"
    assert notes[1] == "16 of ACLED's 31 columns absent: " + ", ".join(absent)
    said = "\n".join(notes)
    assert "no event_id_cnty column: each row's id is derived" in said
    assert "no latitude/longitude columns: rows are placed by their location" in said
    assert "no actor1 or actor2 column: events have no actors" in said
    assert notes[-1] == (
        "columns ACLED's export does not have, kept as written with each event "
        "(its source record) and given back by the ACLED export: "
        "analyst_comment"
    )


def test_full_acled_header_has_no_notes():
    path = DATA / "multiline_notes.csv"  # the 31 columns in ACLED's order
    assert ACLED_FORMAT.describe_file(path) == []


# Location cell -> (geo_precision, country) the gazetteer placement really has.
PLACEMENTS = {
    "Kharkiv": ("near", "UKR"),
    "Donetsk - Kirovskyi": ("near", "UKR"),
    "Chasiv Yar": ("near", "UKR"),
    "Kupiansk": ("near", "UKR"),
    "Mykolaivka": ("near", "UKR"),
    "Odesa": ("near", "UKR"),  # no country in the file: the gazetteer's
    ("Testivka", "Kharkiv"): ("admin1", "UKR"),  # village unknown, region's town
    "Zolochiv": ("admin1", "UKR"),  # two towns of the name, far apart
    ("Testivka", "Zakarpattia"): ("country", "UKR"),
    ("Testivka", ""): (None, None),  # no country, unknown village: not placed
}


def test_wild_file_rows_are_placed_with_the_precision_the_placement_has():
    for row, expected in zip(ACLED_FORMAT.read(WILD), wild_file_rows(), strict=True):
        event = validated(dict(row.values))
        key = expected["Location"]
        if key == "Testivka":
            key = (key, expected["Admin1"])
        precision, country = PLACEMENTS[key]
        location = event.location
        assert location.name == expected["Location"]
        assert location.admin1 == (expected["Admin1"] or None)
        assert location.country == country
        if precision is None:
            assert (location.latitude, location.longitude) == (None, None)
            assert "place from gazetteer" not in event.tags
        else:
            assert location.geo_precision == precision
            assert 44 < location.latitude < 53 and 22 < location.longitude < 41
            assert "place from gazetteer" in event.tags


def test_wild_row_says_how_it_was_placed_for_the_report():
    assert record_of(ROW)[ASSUMED_KEY] == [
        "placed at the town their admin1 is named after, through the gazetteer (admin1)"
    ]
    unknown = {**ROW, "country": "", "admin1": ""}
    assert record_of(unknown)[ASSUMED_KEY] == [
        "left without coordinates: no town, admin1 or country of theirs is known"
    ]


def test_row_with_coordinates_is_not_placed_and_has_no_assumptions():
    values = {**ROW, "latitude": "49.5", "longitude": "36.5", "event_id_cnty": "XTST1"}
    record = record_of(values)
    assert ASSUMED_KEY not in record
    assert (record["location"]["latitude"], record["location"]["longitude"]) == (
        49.5,
        36.5,
    )
    assert "place from gazetteer" not in record["tags"]


def test_event_without_actors_has_a_title_without_an_actor_part():
    assert validated(ROW).title == "Shelling/artillery/missile attack in Testivka"


def test_blank_event_type_is_the_one_the_sub_event_type_belongs_to():
    event = validated({**ROW, "event_type": "", "sub_event_type": "armed clash"})
    assert (event.acled_event_type, event.acled_sub_event_type) == (
        "Battles",
        "Armed clash",
    )


def test_event_type_that_contradicts_the_sub_event_type_is_still_refused():
    with pytest.raises(RowProblem) as caught:
        record_of({**ROW, "event_type": "Protests"})
    assert caught.value.column == "sub_event_type"


def test_empty_event_id_cell_gets_a_derived_id_and_says_so():
    record = record_of({**ROW, "event_id_cnty": ""})
    assert record["external_id"] == record_of(ROW)["external_id"]
    assert record[ASSUMED_KEY][0] == (
        "had an empty event_id_cnty: their id is derived from their content"
    )


# --- Derived ids ---------------------------------------------------------------------


def derived(values: dict[str, str]) -> str:
    return record_of(values)["external_id"]


@pytest.mark.parametrize(
    "rewritten",
    [
        {"location": "  TESTIVKA "},  # case and blanks
        {"fatalities": "3.0"},  # pandas writes counts with NaN as floats
        {"event_date": "05/03/2024"},  # a spreadsheet rewrote the date
        {"": "17"},  # another index: the rows were filtered or re-sorted
        {"year": ""},  # the year repeats the date
        {"timestamp": "1700000000"},  # ACLED's upload time
        {"analyst_comment": "checked"},  # the analyst's column, not the event's
        {"admin3": ""},  # an empty column is an absent one
    ],
)
def test_derived_id_is_the_same_for_the_same_event_written_differently(rewritten):
    assert derived({**ROW, **rewritten}) == derived(ROW)


@pytest.mark.parametrize(
    "changed",
    [
        {"notes": "Invented: a second shelling of Testivka."},
        {"fatalities": "4"},
        {"event_date": "2024-03-06"},
        {"location": "Testivka Druha"},
        {"sub_event_type": "Air/drone strike"},
    ],
)
def test_derived_id_differs_when_a_cell_of_the_event_differs(changed):
    assert derived({**ROW, **changed}) != derived(ROW)


def test_derived_id_is_row_and_sixteen_hex_digits():
    external_id = derived(ROW)
    assert external_id.startswith("ROW-") and len(external_id) == 20
    int(external_id[4:], 16)


def test_multiline_wild_file_numbers_spreadsheet_rows_apart_from_lines():
    # The notes of the first record span lines 2-4; a spreadsheet shows it as row 2.
    read = list(ACLED_FORMAT.read(DATA / "wild_multiline.csv"))
    assert [(row.spreadsheet_row, row.line) for row in read] == [(2, 2), (3, 5), (4, 6)]
    assert read[0].values["notes"].count("\n") == 2
    assert validated(dict(read[0].values)).date_start == dt.date(2024, 3, 5)
