"""The analyst's own codes as filters (issue 14): ACLED event and sub-event type,
dataset, admin1, actor kind, a fatalities range, civilians targeted and tags, on
SQLite and PostgreSQL.

Two specifications: a handful of events written here, whose matches for each filter
are listed by hand; and the real ACLED sample of ../shared, whose matching rows are
counted here from the file with the csv module (never pasted: ACLED's terms)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import require_shared
from tracker.db import session_scope
from tracker.extraction.proposals import EXTRACTION_DATASET
from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.acled.write import ACLED_DATASET
from tracker.formats.gdelt.read import GDELT_DATASET
from tracker.formats.native.read import NATIVE_DATASET
from tracker.formats.plover.read import PLOVER_DATASET
from tracker.formats.ucdp import UCDP_DATASET
from tracker.importing import import_file
from tracker.models import EventCreate
from tracker.query.events import count_events, list_events
from tracker.query.facets import DATASET_CHOICES, search_admin1
from tracker.query.filter_values import HAND_ENTERED
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.rollup import uses_rollup
from tracker.query.stats import Period, count_events_by_period
from tracker.query.timeline import headline_figures
from tracker.store.events import create_event
from tracker.store.history import Author

ANALYST = Author("analyst", via="test")


def _event(title: str, **extra) -> EventCreate:
    values = {
        "title": title,
        "event_type": "ASSAULT",
        "date_start": "2022-03-01",
        "location": {"name": "Pokrovsk", "country": "UKR", "admin1": "Donetsk"},
        "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
    }
    return EventCreate.model_validate(values | extra)


EVENTS = [
    _event(
        "Shelling of Pokrovsk",
        dataset="acled",
        external_id="A1",
        acled_event_type="Explosions/Remote violence",
        acled_sub_event_type="Shelling/artillery/missile attack",
        fatalities={"best": 3},
        tags=["civilians targeted"],
    ),
    _event(
        "Clash near Avdiivka",
        dataset="acled",
        external_id="A2",
        acled_event_type="Battles",
        acled_sub_event_type="Armed clash",
        fatalities={"low": 10, "best": 12},
        location={"name": "Avdiivka", "country": "UKR", "admin1": "donetsk"},
        actors=[
            {"name": "Military Forces of Russia", "role": "initiator"},
            {"name": "Military Forces of Ukraine", "role": "target"},
        ],
    ),
    _event(
        "Strike on Kharkiv market",
        dataset="ucdp",
        external_id="U1",
        fatalities={"best": 0},
        location={"name": "Kharkiv", "country": "UKR", "admin1": "Kharkiv"},
        tags=["Market", "Civilians Targeted"],
    ),
    _event(
        "Protest in Kyiv, entered by hand",
        event_type="PROTEST",
        location={"name": "Kyiv", "country": "UKR", "admin1": "Kyiv City"},
        actors=[
            {"name": "Protesters (Ukraine)", "role": "initiator", "kind": "civilians"}
        ],
        tags=["market"],
    ),
    _event(
        "Talks recorded as form",
        event_type="CONSULT",
        dataset="form",
        location={"name": "Istanbul", "country": "TUR", "admin1": "Istanbul"},
        actors=[
            {"name": "Government of Turkey", "role": "mediator", "kind": "government"}
        ],
    ),
]

# Each filter (as a URL or the CLI would give it) and the titles it must match,
# worked out by hand from EVENTS above.
CASES = [
    ({"acled_event_types": ["battles"]}, {"Clash near Avdiivka"}),
    (
        {"acled_sub_event_types": ["SHELLING/ARTILLERY/MISSILE ATTACK"]},
        {"Shelling of Pokrovsk"},
    ),
    (
        {"acled_event_types": ["Battles", "Explosions/Remote violence"]},
        {"Shelling of Pokrovsk", "Clash near Avdiivka"},
    ),
    (
        {"datasets": ["acled"]},
        {"Shelling of Pokrovsk", "Clash near Avdiivka"},
    ),
    (
        {"datasets": ["form"]},
        {"Protest in Kyiv, entered by hand", "Talks recorded as form"},
    ),
    (
        {"datasets": ["ucdp", "form"]},
        {
            "Strike on Kharkiv market",
            *{"Protest in Kyiv, entered by hand", "Talks recorded as form"},
        },
    ),
    (
        {"admin1": ["DONETSK"]},
        {"Shelling of Pokrovsk", "Clash near Avdiivka"},
    ),
    ({"admin1": ["Kyiv"]}, set()),  # a province, not a place name or a prefix
    (
        {"actor_kinds": ["civilians"]},
        {"Protest in Kyiv, entered by hand"},
    ),
    (
        {"actor_kinds": ["government", "civilians"]},
        {"Protest in Kyiv, entered by hand", "Talks recorded as form"},
    ),
    ({"max_fatalities": "3"}, {"Shelling of Pokrovsk", "Strike on Kharkiv market"}),
    (
        {"min_fatalities": "1", "max_fatalities": "12"},
        {"Shelling of Pokrovsk", "Clash near Avdiivka"},
    ),
    ({"max_fatalities": "0"}, {"Strike on Kharkiv market"}),
    (
        {"civilians_targeted": "1"},
        {"Shelling of Pokrovsk", "Strike on Kharkiv market"},
    ),
    (
        {"tags": ["MARKET"]},
        {"Strike on Kharkiv market", "Protest in Kyiv, entered by hand"},
    ),
    ({"tags": ["market"], "civilians_targeted": "1"}, {"Strike on Kharkiv market"}),
    (
        {"datasets": ["acled"], "admin1": ["Donetsk"], "civilians_targeted": "1"},
        {"Shelling of Pokrovsk"},
    ),
]


@pytest.fixture
def filled(engine):
    with session_scope(engine) as session:
        for data in EVENTS:
            create_event(session, data, author=ANALYST)
    return engine


@pytest.mark.parametrize(("values", "titles"), CASES, ids=[str(v) for v, _ in CASES])
def test_each_filter_matches_the_events_worked_out_by_hand(filled, values, titles):
    event_filter, problems = parse_filter(values)
    assert problems == []
    assert not uses_rollup(event_filter)
    with session_scope(filled) as session:
        rows = list_events(session, event_filter, limit=100)
        counted = count_events(session, event_filter)
        headline = headline_figures(session, event_filter)
        by_month = count_events_by_period(session, event_filter, Period.MONTH)
    assert {row.title for row in rows} == titles
    assert counted == len(titles)
    assert headline.events == len(titles)
    assert sum(c.count for c in by_month) == len(titles)


def test_the_filter_round_trips_through_the_url(filled):
    event_filter, _ = parse_filter(
        {
            "acled_sub_event_types": ["armed clash"],
            "datasets": ["ACLED"],
            "admin1": ["Donetsk"],
            "actor_kinds": ["Military"],
            "min_fatalities": "1",
            "max_fatalities": "20",
            "civilians_targeted": "yes",
            "tags": ["market"],
        }
    )
    assert EventFilter.from_query_string(event_filter.to_query_string()) == (
        event_filter
    )
    assert event_filter.acled_sub_event_types == ("Armed clash",)
    assert event_filter.datasets == ("acled",)
    assert event_filter.actor_kinds == ("military",)
    described = event_filter.describe()
    for words in (
        "ACLED sub-event type Armed clash",
        "dataset acled",
        "admin1 Donetsk",
        "actor kind military",
        "with 1 to 20 killed",
        "targeting civilians",
        "tag market",
    ):
        assert words in described


@pytest.mark.parametrize(
    ("values", "field", "reason"),
    [
        ({"acled_event_types": ["Shelling"]}, "acled_event_types", "ACLED event type"),
        ({"acled_sub_event_types": ["Battles"]}, "acled_sub_event_types", "sub-event"),
        ({"datasets": ["ACLED data!"]}, "datasets", "dataset name"),
        ({"actor_kinds": ["tank"]}, "actor_kinds", "must be one of"),
        ({"max_fatalities": "-1"}, "max_fatalities", "whole number"),
        ({"civilians_targeted": "maybe"}, "civilians_targeted", "1 or 0"),
        ({"tags": ["x" * 101]}, "tags", "longer than 100"),
    ],
)
def test_a_refused_value_names_its_field_and_reason(values, field, reason):
    event_filter, problems = parse_filter(values)
    assert event_filter == EventFilter()
    assert [p.field for p in problems] == [field]
    assert reason in problems[0].reason


def _sample_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_real_acled_sample_counts_equal_the_file(engine):
    """Shelling in Donetsk oblast in 2022 and the other codes of the question that
    opened issue 14, counted from the file itself."""
    path = require_shared() / "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
    with session_scope(engine) as session:
        report = import_file(session, path, format_name=ACLED_FORMAT.name)
    assert report.added == len(_sample_rows(path))  # the question needs every row
    rows = _sample_rows(path)
    shelling = "Shelling/artillery/missile attack"

    def expected(test) -> int:
        return sum(1 for row in rows if test(row))

    def donetsk_shelling(year: str):
        values = {
            "acled_sub_event_types": [shelling],
            "admin1": ["Donetsk"],
            "datasets": ["acled"],
            "since": f"{year}-01-01",
            "until": f"{year}-12-31",
        }
        count = expected(
            lambda r: (
                r["sub_event_type"] == shelling
                and r["admin1"] == "Donetsk"
                and r["year"] == year
            )
        )
        return values, count

    cases = [
        donetsk_shelling("2023"),  # most of the sample's
        donetsk_shelling("2022"),  # the year of the example: few here
        (
            {"acled_event_types": ["Battles"]},
            expected(lambda r: r["event_type"] == "Battles"),
        ),
        (
            {"civilians_targeted": "1"},
            expected(lambda r: r["civilian_targeting"] != ""),
        ),
        (
            {"admin1": ["Kharkiv"], "min_fatalities": "1", "max_fatalities": "5"},
            expected(
                lambda r: r["admin1"] == "Kharkiv" and 1 <= int(r["fatalities"]) <= 5
            ),
        ),
        ({"datasets": ["ucdp"]}, 0),
    ]
    with session_scope(engine) as session:
        for values, count in cases:
            event_filter, problems = parse_filter(values)
            assert problems == []
            assert count_events(session, event_filter) == count, values
            figures = headline_figures(session, event_filter)
            assert figures.events == count, values
    assert cases[0][1] > 50  # the sample holds the question's events


def test_the_panel_offers_admin1_regions_and_every_dataset_name(filled):
    with session_scope(filled) as session:
        found = {choice.value for choice in search_admin1(session, "DON")}
        everything = {choice.value for choice in search_admin1(session, "")}
    assert found == {"Donetsk", "donetsk"}  # as the places were written
    assert everything == {"Donetsk", "donetsk", "Kharkiv", "Kyiv City", "Istanbul"}
    offered = {choice.value for choice in DATASET_CHOICES}
    written = {
        ACLED_DATASET,
        UCDP_DATASET,
        GDELT_DATASET,
        PLOVER_DATASET,
        NATIVE_DATASET,
        EXTRACTION_DATASET,
        "seed",
        HAND_ENTERED,
    }
    assert offered == written
