"""ACLED-compatible CSV rows, and CSV written in chunks: rules that need no database.

The records are built like the seed events (seed_data/events.jsonl)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from tracker.exporting import UTF8_BOM, iter_csv_chunks, write_csv
from tracker.formats import EXPORT_NAMES, EXPORTS
from tracker.formats.acled.verbatim import acled_export_row
from tracker.formats.acled.write import (
    ACLED_COLUMNS,
    acled_row,
    acled_sides,
    disorder_type,
)
from tracker.formats.native.cells import CSV_COLUMNS, csv_row
from tracker.models import EventRecord

ARTICLE = {
    "url": None,
    "publisher": "National & International News",
    "title": "Russia proposes second round of Ukraine peace talks",
    "published": dt.date(2025, 5, 28),
    "quote": "14 Ukrainians, including 6 children, were killed",
}
UKRAINE = {
    "name": "Ukraine",
    "country": "UKR",
    "admin1": None,
    "latitude": 49.0,
    "longitude": 32.0,
    "geo_precision": "country",
}
ISTANBUL = {
    "name": "Istanbul",
    "country": "TUR",
    "admin1": "Istanbul",
    "latitude": 41.01384,
    "longitude": 28.94966,
    "geo_precision": "exact",
}
RUSSIAN_FORCES = {
    "name": "Military Forces of Russia",
    "kind": "military",
    "country": "RUS",
}
UKRAINIAN_FORCES = {
    "name": "Military Forces of Ukraine",
    "kind": "military",
    "country": "UKR",
}
CIVILIANS = {"name": "Civilians (Ukraine)", "kind": "civilians", "country": "UKR"}
RUSSIA = {"name": "Government of Russia", "kind": "government", "country": "RUS"}
UKRAINE_GOV = {"name": "Government of Ukraine", "kind": "government", "country": "UKR"}
TURKEY = {"name": "Government of Turkey", "kind": "government", "country": "TUR"}
UPDATED = dt.datetime(2025, 5, 29, 12, 0, tzinfo=dt.UTC)


def role(actor: dict[str, Any], name: str) -> dict[str, Any]:
    return {**actor, "role": name}


def record(**changes: Any) -> EventRecord:
    """Seed event 06, the ballistic-missile attack, with `changes` applied."""
    values: dict[str, Any] = {
        "id": 6,
        "title": "Ballistic-missile attack kills 14 Ukrainians, including 6 children",
        "notes": "The place is not named.",
        "event_type": "ASSAULT",
        "mode": "heavy-weapons",
        "contexts": ["military"],
        "quad_class": 4,
        "score": -10.0,
        "acled_event_type": "Explosions/Remote violence",
        "acled_sub_event_type": "Shelling/artillery/missile attack",
        "date_start": dt.date(2025, 5, 24),
        "date_end": dt.date(2025, 5, 25),
        "date_precision": "week",
        "location": UKRAINE,
        "actors": [role(RUSSIAN_FORCES, "initiator"), role(CIVILIANS, "target")],
        "fatalities": {"low": None, "best": 14, "high": None},
        "civilians_killed": 14,
        "children_killed": 6,
        "injured": None,
        "status": "confirmed",
        "confidence": 0.85,
        "tags": ["seed"],
        "sources": [ARTICLE],
        "links": [],
        "dataset": "seed",
        "external_id": "000_33f574f717f29a05-06",
        "created_at": UPDATED,
        "updated_at": UPDATED,
        "version": 1,
    }
    return EventRecord(**(values | changes))


def test_acled_columns_are_the_31_codebook_columns_in_the_current_order():
    # shared/reference/formats.md 1.1
    expected = (
        "event_id_cnty event_date year time_precision disorder_type event_type "
        "sub_event_type actor1 assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 "
        "interaction civilian_targeting iso region country admin1 admin2 admin3 "
        "location latitude longitude geo_precision source source_scale notes "
        "fatalities tags timestamp"
    ).split()
    assert ACLED_COLUMNS == tuple(expected)
    assert len(ACLED_COLUMNS) == 31


def test_acled_row_of_the_missile_attack_is_coded_as_formats_md_section_5_says():
    row = acled_row(record())
    assert set(row) == set(ACLED_COLUMNS)
    assert row == row | {
        "event_id_cnty": "TRK6",
        "event_date": "2025-05-24",
        "year": 2025,
        "time_precision": 2,
        "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "actor1": "Military Forces of Russia",
        "assoc_actor_1": None,
        "inter1": 8,  # state forces outside their home state
        "actor2": "Civilians (Ukraine)",
        "inter2": 7,
        "interaction": 78,
        "civilian_targeting": "Civilians targeted",
        "iso": 804,
        "region": None,
        "country": "Ukraine",
        "location": "Ukraine",
        "latitude": 49.0,
        "longitude": 32.0,
        "geo_precision": 3,
        "source": "National & International News",
        "fatalities": 14,
        "tags": "seed",
        "timestamp": int(UPDATED.timestamp()),
    }


def test_acled_row_notes_carry_children_killed_which_acled_has_no_column_for():
    notes = acled_row(record())["notes"]
    assert notes.startswith("The place is not named.")
    assert "Civilians killed: 14." in notes
    assert "Children killed: 6." in notes
    assert notes.endswith("Date: 24–25 May 2025 (week).")


def test_acled_row_of_an_event_imported_from_acled_keeps_the_acled_id():
    row = acled_row(record(dataset="acled", external_id="UKR95500"))
    assert row["event_id_cnty"] == "UKR95500"


@pytest.mark.parametrize(
    ("start", "end", "precision", "event_date", "code", "date_note"),
    [
        ("2025-05-24", None, "day", "2025-05-24", 1, None),
        ("2025-05-24", "2025-05-25", "day", "2025-05-24", 1, "24–25 May 2025 (day)"),
        ("2025-05-24", "2025-05-28", "week", "2025-05-26", 2, "24–28 May 2025 (week)"),
        ("2025-05-01", "2025-05-28", "month", "2025-05-14", 3, "May 2025 (month)"),
        ("2025-06-01", None, "month", "2025-06-15", 3, "June 2025 (month)"),
        ("2025-01-01", None, "year", "2025-07-02", 3, "2025 (year)"),
    ],
)
def test_acled_row_dates_a_period_to_its_middle_with_acled_time_precision(
    start, end, precision, event_date, code, date_note
):
    row = acled_row(
        record(
            date_start=dt.date.fromisoformat(start),
            date_end=dt.date.fromisoformat(end) if end else None,
            date_precision=precision,
            notes=None,
            civilians_killed=None,
            children_killed=None,
        )
    )
    assert (row["event_date"], row["time_precision"]) == (event_date, code)
    assert row["notes"] == (f"Date: {date_note}." if date_note else None)


def test_acled_row_of_a_verbal_event_acled_would_not_record_has_empty_types():
    threat = record(
        event_type="THREATEN",
        mode="restrict",
        acled_event_type=None,
        acled_sub_event_type=None,
        location=None,
        actors=[role(RUSSIA, "target")],
    )
    row = acled_row(threat)
    assert (row["disorder_type"], row["event_type"], row["sub_event_type"]) == (
        None,
        None,
        None,
    )
    assert row["actor2"] == "Government of Russia"
    assert row["iso"] is None and row["country"] is None


def test_acled_row_without_its_own_pair_falls_back_to_the_crosswalk():
    row = acled_row(
        record(mode="drone", acled_event_type=None, acled_sub_event_type=None)
    )
    assert (row["event_type"], row["sub_event_type"]) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )


@pytest.mark.parametrize(
    ("event_type", "sub_event_type", "expected"),
    [
        ("Battles", "Armed clash", "Political violence"),
        (
            "Protests",
            "Excessive force against protesters",
            "Political violence; Demonstrations",
        ),
        ("Protests", "Peaceful protest", "Demonstrations"),
        ("Riots", "Violent demonstration", "Demonstrations"),
        ("Riots", "Mob violence", "Political violence"),
        ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
        ("Violence against civilians", "Attack", "Political violence"),
        ("Strategic developments", "Agreement", "Strategic developments"),
    ],
)
def test_disorder_type_follows_the_codebook_table(event_type, sub_event_type, expected):
    assert disorder_type(event_type, sub_event_type) == expected


def test_acled_row_of_talks_names_both_parties_and_leaves_the_host_out():
    talks = record(
        event_type="CONSULT",
        mode="third-party",
        acled_event_type="Strategic developments",
        acled_sub_event_type="Agreement",
        location=ISTANBUL,
        actors=[
            role(TURKEY, "host"),
            role(RUSSIA, "participant"),
            role(UKRAINE_GOV, "participant"),
        ],
        fatalities={"low": None, "best": None, "high": None},
    )
    row = acled_row(talks)
    assert (row["actor1"], row["actor2"]) == (
        "Government of Russia",
        "Government of Ukraine",
    )
    assert (row["inter1"], row["inter2"], row["interaction"]) == (8, 8, 88)
    assert row["civilian_targeting"] is None
    assert (row["iso"], row["country"], row["admin1"]) == (792, "Türkiye", "Istanbul")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (
        41.0138,
        28.9497,
        1,
    )
    assert row["fatalities"] == 0  # ACLED: 0 also means no information


def test_acled_sides_put_further_initiators_and_targets_in_the_associated_actors():
    actors = [
        role(RUSSIAN_FORCES, "initiator"),
        role(RUSSIA, "initiator"),
        role(UKRAINIAN_FORCES, "target"),
        role(CIVILIANS, "target"),
        role(TURKEY, "mediator"),
    ]
    row = acled_row(record(actors=actors))
    assert (row["actor1"], row["assoc_actor_1"]) == (
        "Military Forces of Russia",
        "Government of Russia",
    )
    assert (row["actor2"], row["assoc_actor_2"]) == (
        "Military Forces of Ukraine",
        "Civilians (Ukraine)",
    )
    assert (row["inter1"], row["inter2"], row["interaction"]) == (8, 1, 18)
    assert row["civilian_targeting"] == "Civilians targeted"
    assert acled_sides([]) == ([], [])


@pytest.mark.parametrize(
    ("actors", "location", "expected"),
    [
        ([role(UKRAINIAN_FORCES, "initiator")], UKRAINE, (1, None, 10)),
        ([role(RUSSIA, "initiator"), role(UKRAINE_GOV, "target")], None, (None,) * 3),
        (
            [{"name": "Wagner Group", "kind": "armed_group", "role": "initiator"}],
            UKRAINE,
            (None, None, None),
        ),
    ],
    ids=["state-forces-alone-at-home", "no-country", "armed-group"],
)
def test_acled_inter_codes_are_left_empty_when_the_kind_or_place_cannot_tell(
    actors, location, expected
):
    row = acled_row(record(actors=actors, location=location))
    assert (row["inter1"], row["inter2"], row["interaction"]) == expected


@pytest.mark.parametrize(
    ("precision", "code"), [("exact", 1), ("near", 2), ("admin1", 3), ("country", 3)]
)
def test_acled_geo_precision_maps_ours_onto_acled_codes(precision, code):
    row = acled_row(record(location=UKRAINE | {"geo_precision": precision}))
    assert row["geo_precision"] == code


@pytest.mark.parametrize(
    ("fatalities", "expected"),
    [
        ({"low": 10, "best": 14, "high": 20}, 14),
        ({"low": 10, "best": None, "high": 20}, 10),
        ({"low": None, "best": None, "high": 20}, 0),
    ],
)
def test_acled_fatalities_are_the_best_estimate_else_the_low_else_zero(
    fatalities, expected
):
    row = acled_row(record(fatalities=fatalities, civilians_killed=None))
    assert row["fatalities"] == expected


def test_acled_row_neutralises_formulas_but_keeps_negative_numbers_numeric():
    payload = "=10+20+cmd|' /C calc'!A0"
    evil = {"name": "@SUM(A1)", "kind": "other", "role": "initiator"}
    row = acled_row(
        record(
            notes=payload,
            actors=[evil],
            location=UKRAINE | {"name": "-Kyiv", "longitude": -32.5},
        )
    )
    assert row["notes"].startswith("'" + payload)
    assert row["actor1"] == "'@SUM(A1)"
    assert row["location"] == "'-Kyiv"
    assert row["longitude"] == -32.5


def test_write_csv_of_acled_rows_writes_the_header_and_one_row_per_event():
    buffer = io.StringIO()
    count = write_csv([record(), record(id=7)], buffer, ACLED_COLUMNS, acled_row)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert count == 2
    assert tuple(rows[0]) == ACLED_COLUMNS
    assert [r["event_id_cnty"] for r in rows] == ["TRK6", "TRK7"]


def test_csv_exports_offer_the_native_and_acled_columns():
    assert EXPORTS["native"].columns == CSV_COLUMNS
    assert EXPORTS["acled"].columns == ACLED_COLUMNS
    # An event imported from ACLED gives its row back (tracker.formats.acled.verbatim).
    assert EXPORTS["acled"].row is acled_export_row
    assert [name for name, fmt in EXPORTS.items() if fmt.is_csv] == ["native", "acled"]


def test_the_older_export_names_still_name_their_format():
    # Regression, issue #13: `--format csv` and `acled-csv` keep working.
    assert EXPORT_NAMES["csv"] is EXPORTS["native"]
    assert EXPORT_NAMES["acled-csv"] is EXPORTS["acled"]
    assert list(EXPORT_NAMES) == [
        "native",
        "csv",
        "acled",
        "acled-csv",
        "jsonl",
        "geojson",
        "parquet",
    ]


def test_iter_csv_chunks_yields_the_header_with_the_first_rows_then_the_rest():
    records = [record(id=i) for i in range(1, 6)]
    chunks = list(iter_csv_chunks(records, rows_per_chunk=2, byte_order_mark=True))
    assert len(chunks) == 3
    assert chunks[0].startswith(UTF8_BOM + "id,title,")
    assert not chunks[1].startswith(UTF8_BOM)
    rows = list(csv.DictReader(io.StringIO("".join(chunks).removeprefix(UTF8_BOM))))
    assert [row["id"] for row in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0] == {k: str(v or "") for k, v in csv_row(records[0]).items()}


def test_iter_csv_chunks_without_events_yields_only_the_header():
    chunks = list(iter_csv_chunks([], columns=ACLED_COLUMNS, row=acled_row))
    assert chunks == [",".join(ACLED_COLUMNS) + "\n"]


def test_iter_csv_chunks_lets_an_error_in_the_records_propagate():
    def failing():
        yield record(id=1)
        raise RuntimeError("database went away")

    chunks = iter_csv_chunks(failing(), rows_per_chunk=1)
    assert next(chunks).count("\n") == 2  # header and the first row
    with pytest.raises(RuntimeError, match="database went away"):
        next(chunks)


def test_acled_row_writes_the_places_admin2_into_acleds_admin2_column():
    # Issue 14: admin2 is a place's district, read from ACLED and written back.
    place = ISTANBUL | {"admin2": "Fatih"}
    assert acled_row(record(location=place))["admin2"] == "Fatih"
    assert acled_row(record(location=ISTANBUL))["admin2"] is None
