"""Likely duplicates found before a write, and the open candidates a filter holds.

Small invented events around one strike on Kharkiv, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tracker.db import session_scope
from tracker.matching.candidates import (
    count_events_with_open_candidates,
    dismiss_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.matching.likely_duplicates import CANDIDATE_ROWS, find_likely_duplicates
from tracker.models import DuplicateCandidate, Event, EventCreate
from tracker.query.filters import EventFilter
from tracker.store.events import create_event, save_events

KHARKIV = (49.9935, 36.2304)
KM_NORTH = 1 / 111.19  # degrees of latitude per kilometre, near enough
RUSSIA = "Military Forces of Russia"


def strike(**fields: Any) -> dict[str, Any]:
    """A missile strike on Kharkiv on 24 May 2025 killing 14; `fields` override."""
    latitude, longitude = fields.pop("at", KHARKIV)
    record = {
        "title": "Missile strike on Kharkiv",
        "event_type": "ASSAULT",
        "mode": "heavy-weapons",
        "date_start": "2025-05-24",
        "location": {
            "name": "Kharkiv",
            "country": "UKR",
            "latitude": latitude,
            "longitude": longitude,
        },
        "actors": [{"name": RUSSIA, "role": "initiator"}],
        "fatalities": {"best": 14},
        "sources": [{"url": "https://example.org/kharkiv", "quote": "Hit."}],
    }
    return record | fields


def add(engine, record: dict[str, Any]) -> int:
    with session_scope(engine) as session:
        return create_event(session, EventCreate.model_validate(record)).id


def likely(engine, record: dict[str, Any], **options: Any):
    with session_scope(engine) as session:
        return find_likely_duplicates(
            session, EventCreate.model_validate(record), **options
        )


def event_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def test_find_likely_duplicates_of_the_same_strike_names_it_with_reasons(engine):
    known = add(engine, strike())
    before = event_count(engine)
    [found] = likely(engine, strike(title="Kharkiv hit again?", date_end="2025-05-25"))
    assert (found.id, found.title, found.place) == (
        known,
        "Missile strike on Kharkiv",
        "Kharkiv",
    )
    assert found.date == "24 May 2025 (day)"
    # type 0.3 + dates 0.25 * 1/2 + place 0.25 * 1 + actors 0.2 * 1/1
    assert found.score == pytest.approx(0.88, abs=0.005)
    assert found.reasons == (
        "same type ASSAULT; dates overlap (24–25 May 2025 (day) vs 24 May 2025 (day)); "
        f"0.0 km apart; shared actor {RUSSIA}; same fatalities (14)"
    )
    assert event_count(engine) == before  # asking writes nothing


@pytest.mark.parametrize(
    ("why", "known", "new"),
    [
        ("20 km apart", {"at": (KHARKIV[0] + 20 * KM_NORTH, KHARKIV[1])}, {}),
        ("a consultation is not a strike", {"event_type": "CONSULT", "mode": None}, {}),
        ("a day later", {"date_start": "2025-05-25"}, {}),
        ("only a proposal", {"status": "proposed"}, {}),
        ("retracted", {"status": "retracted"}, {}),
        (
            "no coordinates, another place, no shared actor",
            {"location": {"name": "Chuhuiv", "country": "UKR"}},
            {"actors": []},
        ),
        (
            "another named place, though an actor is shared",
            {"location": {"name": "Eastern front", "country": "UKR"}},
            {},
        ),
        (
            "no place on either side, no shared actor",
            {"location": None},
            {"location": None, "actors": [{"name": "Someone", "role": "initiator"}]},
        ),
    ],
)
def test_find_likely_duplicates_leaves_out_events_that_differ(engine, why, known, new):
    add(engine, strike(**known))
    assert likely(engine, strike(**new)) == [], why


def test_find_likely_duplicates_without_coordinates_matches_by_actor_or_name(engine):
    known = add(engine, strike())
    unplaced = strike(location=None, fatalities={"best": 3})
    [by_actor] = likely(engine, unplaced)
    assert by_actor.id == known
    assert "no place to compare; shared actor Military Forces of Russia" in (
        by_actor.reasons
    )
    # type 0.3 + dates 0.25 + place 0 + actors 0.2
    assert by_actor.score == pytest.approx(0.75)
    named = strike(location={"name": "kharkiv", "country": "UKR"}, actors=[])
    [by_name] = likely(engine, named)
    assert by_name.id == known and "same place Kharkiv" in by_name.reasons
    assert by_name.score == pytest.approx(0.8)  # 0.3 + 0.25 + 0.25 + 0


def test_find_likely_duplicates_excludes_the_event_itself_and_a_dataset(engine):
    own = add(engine, strike())
    other = add(engine, strike(dataset="acled", external_id="a-1", title="ACLED"))
    assert {d.id for d in likely(engine, strike())} == {own, other}
    assert [d.id for d in likely(engine, strike(), exclude_id=own)] == [other]
    assert [d.id for d in likely(engine, strike(), exclude_dataset="acled")] == [own]
    # The same dataset record (a re-import) is not its own duplicate.
    same = strike(dataset="acled", external_id="a-1")
    assert [d.id for d in likely(engine, same)] == [own]


def open_events_in_sql(engine, where: str = "") -> int:
    """Independent count: events of open candidates, confirmed or disputed."""
    query = f"""
        SELECT count(*) FROM event e
        WHERE e.status IN ('confirmed', 'disputed') {where}
          AND e.id IN (SELECT event_id FROM duplicate_candidate WHERE status = 'open'
                       UNION SELECT other_id FROM duplicate_candidate
                       WHERE status = 'open')"""
    with session_scope(engine) as session:
        return session.execute(text(query)).scalar_one()


def test_count_events_with_open_candidates_follows_the_filter_and_decisions(engine):
    acled = add(engine, strike(dataset="acled", external_id="a-1"))
    gdelt = add(engine, strike(dataset="gdelt", external_id="g-1", title="GDELT"))
    talks = {"event_type": "CONSULT", "mode": None}
    add(engine, strike(dataset="ucdp", external_id="u-1", **talks))
    with session_scope(engine) as session:
        assert count_events_with_open_candidates(session, EventFilter()).events == 0
        assert find_duplicate_candidates(session, [acled, gdelt]) == 1
        found = count_events_with_open_candidates(session, EventFilter())
    assert found.events == open_events_in_sql(engine) == 2
    assert found.first_event_id in (acled, gdelt)
    with session_scope(engine) as session:
        consult = EventFilter(event_types=("CONSULT",))
        assert count_events_with_open_candidates(session, consult).events == 0
        june = EventFilter(since=dt.date(2025, 6, 1))
        assert count_events_with_open_candidates(session, june).events == 0
        [candidate] = session.execute(select(DuplicateCandidate)).scalars()
        dismiss_candidate(session, candidate.id)
    with session_scope(engine) as session:
        gone = count_events_with_open_candidates(session, EventFilter())
    assert gone.events == open_events_in_sql(engine) == 0
    assert gone.first_event_id is None


def test_find_likely_duplicates_keeps_the_nearest_of_many_sharing_an_actor(engine):
    # More events share the actor in the year before than are checked exactly
    # (CANDIDATE_ROWS): those nearest the record's dates must be the ones kept.
    earlier = [
        EventCreate.model_validate(
            strike(
                location=None,
                title=f"Shelling {n}",
                date_start=(dt.date(2024, 6, 1) + dt.timedelta(days=n % 300)),
                external_id=f"old-{n}",
                dataset="acled",
            )
        )
        for n in range(CANDIDATE_ROWS + 10)
    ]
    with session_scope(engine) as session:
        save_events(session, earlier)
    known = add(engine, strike(location=None, title="The strike"))
    [found] = likely(engine, strike(location=None))
    assert (found.id, found.title) == (known, "The strike")


def test_find_likely_duplicates_by_actor_finds_a_long_event_still_running(engine):
    # Months before, but running on the day: found through its end date.
    since_january = strike(
        location=None, date_start="2025-01-01", date_end="2025-05-28", title="Since"
    )
    known = add(engine, since_january)
    [found] = likely(engine, strike(location=None))
    assert found.id == known
    assert "vs 1 January – 28 May 2025 (day)); no place to compare" in found.reasons
