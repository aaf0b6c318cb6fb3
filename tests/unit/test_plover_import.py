"""PLOVER JSON -> event records: one invented file per edge case in tests/data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from tracker.errors import InvalidInput
from tracker.formats.base import ASSUMED_KEY, RawRow, RowProblem
from tracker.formats.plover.read import PLOVER_FORMAT
from tracker.models import EventCreate

DATA = Path(__file__).resolve().parents[1] / "data" / "plover"


def read(name: str) -> list[RawRow]:
    return list(PLOVER_FORMAT.read(DATA / name))


def event(row: RawRow) -> EventCreate:
    record = PLOVER_FORMAT.to_record(row)
    record.pop(ASSUMED_KEY, None)  # what reading it assumed: the import counts it
    return EventCreate.model_validate(record)


def problem(row: RawRow) -> RowProblem:
    with pytest.raises(RowProblem) as caught:
        PLOVER_FORMAT.to_record(row)
    return caught.value


def test_plover_2_record_maps_every_field():
    first, second = read("v2_records.jsonl")
    strike = event(first)
    assert (first.line, second.line) == (1, 2)
    assert (strike.dataset, strike.external_id) == ("plover", "TEST-2025-0001")
    assert (strike.event_type, strike.mode, strike.contexts) == (
        "ASSAULT",
        "drone",
        ["military"],
    )
    assert (strike.date_start, strike.date_end) == (
        dt.date(2025, 5, 24),
        dt.date(2025, 5, 25),
    )
    assert [(a.name, a.role, a.kind, a.country) for a in strike.actors] == [
        ("Russian armed forces", "initiator", "military", "RUS"),
        ("UKR CVL", "target", "civilians", "UKR"),
    ]
    place = strike.location
    assert (place.name, place.admin1, place.country, place.geo_precision) == (
        "Kyiv",
        "Kyiv City",
        "UKR",
        "exact",
    )
    assert (place.latitude, place.longitude) == (50.45, 30.52)
    assert (strike.fatalities.best, strike.injured) == (14, 30)
    (source,) = strike.sources
    assert (source.url, source.title, source.publisher) == (
        "https://news.example.org/kyiv-strike",
        "Night of drones over Kyiv",
        "Example News",
    )
    assert source.quote == "Drones struck Kyiv overnight. Fourteen people were killed."
    assert strike.title == source.quote
    assert strike.notes == "Invented test record."


def test_plover_context_with_no_2_0_name_is_kept_as_a_tag():
    _, second = read("v2_records.jsonl")
    accusation = event(second)
    assert (accusation.event_type, accusation.mode) == ("ACCUSE", "disapprove")
    assert accusation.contexts == ["diplomatic"]
    assert accusation.tags == ["plover:context=history"]
    assert accusation.sources == []
    assert accusation.title == "ACCUSE: RUS GOV -> Donald Trump"
    assert accusation.actors[0].kind == "government"


def test_plover_pretty_printed_objects_one_after_another_are_each_read():
    talks, swap = read("pretty_concatenated.json")
    assert (talks.line, swap.line) == (1, 9)
    consult = event(talks)
    assert (consult.event_type, consult.mode) == ("CONSULT", "third-party")
    assert [a.role for a in consult.actors] == ["participant", "participant"]
    assert (consult.location.name, consult.location.country) == ("Istanbul", "TUR")
    assert (event(swap).event_type, event(swap).mode) == ("RETREAT", "release")


def test_plover_cameo_codes_in_event_map_through_the_cameo_crosswalk():
    rows = read("pretty_cameo_codes.json")
    assert [row.line for row in rows] == [1, 10, 19, 27]  # where each "{" is
    fight, release, visit, protest = (event(row) for row in rows)
    assert [
        (e.external_id, e.event_type, e.mode, e.tags)
        for e in (fight, release, visit, protest)
    ] == [
        ("TEST-CAMEO-1", "ASSAULT", None, ["plover:cameo=190"]),
        ("TEST-CAMEO-2", "RETREAT", "release", ["plover:cameo=0841"]),
        ("TEST-CAMEO-3", "CONSULT", "visit", ["plover:cameo=043"]),
        ("TEST-CAMEO-4", "PROTEST", "demo", ["plover:cameo=14"]),  # 14: a number
    ]
    # The crosswalk's context joins the record's own.
    assert (fight.contexts, release.contexts) == (
        ["military"],
        ["human_rights", "legal"],
    )
    assert (
        fight.notes
        == "Coded CAMEO 190 (fight) in the file; the crosswalk gives ASSAULT."
    )
    assert fight.title == "Russian forces shelled Kharkiv overnight."
    assert release.notes == (
        "Coded CAMEO 0841 (yield) in the file; the crosswalk gives RETREAT/release."
    )
    # CAMEO 043: the actor (Turkey) hosts, so Ukraine, the visitor, is the initiator.
    assert [(a.name, a.role) for a in visit.actors] == [
        ("TUR GOV", "target"),
        ("UKR GOV", "initiator"),
    ]


def test_plover_cameo_roots_01_and_02_are_refused_as_gdelt_refuses_them():
    threat_row, appeal_row = read("cameo_appeal_root_02.jsonl")
    threat = event(threat_row)
    assert (threat.event_type, threat.mode, threat.contexts) == (
        "THREATEN",
        "restrict",
        ["economic"],
    )
    rejected = problem(appeal_row)
    assert (appeal_row.line, rejected.column, rejected.value) == (2, "event", "0231")
    assert rejected.reason == (
        "CAMEO root 02 (appeal) has no PLOVER 2.0 event type: "
        "statements and appeals are not events to import"
    )


def test_plover_id_reused_by_a_different_record_gets_a_derived_id():
    first, other, reused, repeated = read("reused_id_other_record.jsonl")
    assert event(first).external_id == "TEST-REUSED-1"
    assert event(other).external_id == "TEST-REUSED-2"
    threat = event(reused)
    assert (threat.external_id, threat.event_type) == ("TEST-REUSED-1#2", "THREATEN")
    assert threat.tags == ["plover:id=TEST-REUSED-1"]
    assert threat.notes == (
        "The file gives id TEST-REUSED-1 also to a different record (line 1); "
        "this one is imported as TEST-REUSED-1#2."
    )
    # The first record again, byte for byte: its own id, which the import refuses
    # as appearing earlier in the file.
    assert (repeated.line, event(repeated).external_id) == (4, "TEST-REUSED-1")


def test_plover_legacy_array_skips_document_and_maps_old_categories():
    fight, demand, consult = read("legacy_array.json")
    assert [row.line for row in (fight, demand, consult)] == [8, 23, 35]
    assault = event(fight)
    assert (assault.event_type, assault.mode) == ("ASSAULT", "heavy-weapons")
    assert assault.tags == ["plover:event=FIGHT"]
    assert assault.contexts == ["migration", "military"]
    assert assault.fatalities.best == 3
    assert (assault.location.name, assault.location.country) == ("Tripoli", "LBN")
    assert [(a.name, a.role, a.kind, a.country) for a in assault.actors] == [
        ("Rebel fighters", "initiator", "armed_group", None),
        ("Government troops", "target", "military", None),
    ]
    assert assault.sources[0].title == "Invented for tests"
    assert assault.notes == "Event text: shelled."
    request = event(demand)
    assert (request.event_type, request.tags) == (
        "REQUEST",
        ["plover:context=historical", "plover:event=DEMAND"],
    )
    assert [(a.name, a.kind) for a in request.actors] == [("Ukraine", "state")]


def test_plover_legacy_host_makes_the_visitor_the_initiator():
    *_, consult = read("legacy_array.json")
    visit = event(consult)
    assert (visit.event_type, visit.mode) == ("CONSULT", "visit")
    assert [(a.name, a.role) for a in visit.actors] == [
        ("President of Turkey", "target"),
        ("Prime Minister of Japan", "initiator"),
    ]
    assert "plover:mode=host" in visit.tags
    assert (visit.location.country, visit.location.geo_precision) == ("IRQ", "country")


def test_plover_broken_json_line_is_rejected_and_reading_goes_on():
    first, broken, third = read("broken_json_line.jsonl")
    assert event(first).external_id == "TEST-BAD-1"
    rejected = problem(broken)
    assert (broken.line, rejected.column) == (2, "record")
    assert rejected.reason.startswith("not valid JSON: ")
    assert rejected.reason.endswith("(line 3, column 1)")  # where the parser stopped
    assert (third.line, event(third).external_id) == (3, "TEST-BAD-3")


def test_plover_impossible_date_is_rejected():
    _, second = read("bad_date.jsonl")
    rejected = problem(second)
    assert (second.line, rejected.column, rejected.value) == (2, "date", "2025-13-01")
    assert rejected.reason == "is not a date written YYYY-MM-DD"


def test_plover_category_without_a_2_0_type_is_rejected():
    crime, unknown = read("unknown_category.jsonl")
    rejected = problem(crime)
    assert (crime.line, rejected.column, rejected.value) == (1, "event", "CRIME")
    assert rejected.reason.startswith("PLOVER category CRIME has no 2.0 equivalent")
    rejected = problem(unknown)
    assert (unknown.line, rejected.column, rejected.value) == (2, "event", "BOMBARD")
    assert rejected.reason.startswith("unknown PLOVER event type 'BOMBARD'")


def test_plover_latitude_out_of_range_is_refused_in_the_event_loc_key():
    (row,) = read("latitude_out_of_range.jsonl")
    with pytest.raises(ValidationError) as caught:
        event(row)
    (error,) = caught.value.errors()
    field = ".".join(str(part) for part in error["loc"])
    assert field == "location.latitude"
    assert error["msg"] == "Input should be less than or equal to 90"
    assert PLOVER_FORMAT.column_for(field) == "event_loc.lat"


def test_plover_record_without_id_or_with_no_event_is_rejected():
    no_id, no_event = read("missing_id_and_no_event.jsonl")
    rejected = problem(no_id)
    assert (no_id.line, rejected.column) == (1, "id")
    assert rejected.reason == "is missing: every PLOVER record needs an id"
    rejected = problem(no_event)
    assert (no_event.line, rejected.column) == (2, "has_event")
    assert rejected.reason == "the record says it codes no event"


def test_plover_bytes_that_are_not_utf8_refuse_the_file_naming_the_line():
    with pytest.raises(InvalidInput) as caught:
        read("broken_encoding.jsonl")
    (refused,) = caught.value.problems
    assert (refused.line, refused.field) == (2, "encoding")
    assert refused.reason == "byte b'\\xff' is not UTF-8 text; save the file as UTF-8"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plover/v2_records.jsonl", True),
        ("plover/legacy_array.json", True),
        ("plover/pretty_concatenated.json", True),
        ("plover/pretty_cameo_codes.json", True),
        ("native/records.jsonl", False),
        ("gdelt/valid_strike.CSV", False),
    ],
)
def test_plover_sniff_needs_json_with_event_and_actor_keys(name, expected):
    path = DATA.parent / name
    assert PLOVER_FORMAT.sniff(path.read_text(encoding="utf-8"), path) is expected


def test_plover_stream_reads_a_large_array_across_chunk_boundaries(tmp_path):
    record = (
        '{\n  "id": "TEST-%d",\n  "date": "2025-05-24",\n'
        '  "actor": [{"code": "RUS", "entity_text": "%s"}],\n  "event": ["ASSAULT"]\n}'
    )
    path = tmp_path / "big.json"
    records = [record % (n, "x" * (n % 90)) for n in range(3000)]
    path.write_text("[\n" + ",\n".join(records) + "\n]\n", encoding="utf-8")
    assert path.stat().st_size > 4 * 64 * 1024  # several chunks
    rows = list(PLOVER_FORMAT.read(path))
    assert [row.line for row in rows] == [2 + 6 * n for n in range(3000)]
    assert [event(row).external_id for row in rows[-2:]] == ["TEST-2998", "TEST-2999"]


def test_plover_location_district_is_the_places_admin2():
    # Issue 14: Mordecai's `district` names the place's admin2; named alone, it is
    # also the place's name.
    town, district = (event(row).location for row in read("district.jsonl"))
    assert (town.name, town.admin2, town.admin1) == (
        "Kupiansk",
        "Kupianskyi",
        "Kharkiv Oblast",
    )
    assert (district.name, district.admin2, district.geo_precision) == (
        "Kupianskyi",
        "Kupianskyi",
        "near",
    )
    assert PLOVER_FORMAT.column_for("location.admin2") == "event_loc.district"
