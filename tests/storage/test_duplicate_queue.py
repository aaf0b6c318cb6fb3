"""The duplicates queue's reads and its "not a duplicate" write, on SQLite and
PostgreSQL: pages of candidates with their count, narrowed by the filter, and a
dismissal noted in both events' histories without a new version."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.storage.test_duplicates import add, event
from tracker.db import session_scope
from tracker.errors import InvalidInput
from tracker.matching.candidates import (
    count_duplicate_candidates,
    dismiss_candidate,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import Event, EventChange
from tracker.query.filters import EventFilter
from tracker.store.history import Author, event_history, state_at

# Far enough apart that only the two events of each place pair up.
PLACES = {
    "Kharkiv": (49.9935, 36.2304),
    "Odesa": (46.4825, 30.7233),
    "Lviv": (49.8397, 24.0297),
}
ANA = Author("ana", via="duplicates queue")


def location(name: str) -> dict:
    latitude, longitude = PLACES[name]
    return {
        "name": name,
        "country": "UKR",
        "latitude": latitude,
        "longitude": longitude,
    }


@pytest.fixture
def pairs(engine) -> dict[str, tuple[int, int]]:
    """An ACLED and a GDELT strike at each place, scanned: three open candidates."""
    made = {}
    with session_scope(engine) as session:
        for name in PLACES:
            made[name] = tuple(
                add(
                    session,
                    event(
                        dataset,
                        title=f"Strike on {name} ({dataset})",
                        location=location(name),
                        external_id=f"{dataset}-{name}",
                        sources=[{"url": f"https://example.org/{dataset}/{name}"}],
                    ),
                )
                for dataset in ("acled", "gdelt")
            )
        assert find_duplicate_candidates(session) == 3
    return made


def listed(engine, **options):
    with session_scope(engine) as session:
        return list_duplicate_candidates(session, **options)


def counted(engine, **options) -> int:
    with session_scope(engine) as session:
        return count_duplicate_candidates(session, **options)


def history_rows(engine) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(EventChange)
        return session.execute(query).scalar_one()


def test_list_duplicate_candidates_in_pages_gives_each_candidate_once(engine, pairs):
    whole = [row.id for row in listed(engine)]
    pages = [
        [row.id for row in listed(engine, limit=2, offset=start)] for start in (0, 2, 4)
    ]
    assert pages[0] + pages[1] == whole and len(whole) == 3
    assert pages[2] == []
    assert counted(engine) == 3


@pytest.mark.parametrize(
    ("event_filter", "places"),
    [
        (EventFilter(), {"Kharkiv", "Odesa", "Lviv"}),
        # Either side matching keeps the pair: the ACLED strike's GDELT twin shows.
        (EventFilter(datasets=("acled",)), {"Kharkiv", "Odesa", "Lviv"}),
        (EventFilter(text="odesa"), {"Odesa"}),
        (EventFilter(text="odesa (gdelt)"), {"Odesa"}),
        (EventFilter(datasets=("ucdp",)), set()),
    ],
)
def test_list_duplicate_candidates_by_filter_keeps_pairs_with_a_matching_event(
    engine, pairs, event_filter, places
):
    rows = listed(engine, event_filter=event_filter)
    assert {row.event.place for row in rows} == places
    assert counted(engine, event_filter=event_filter) == len(places)


def test_list_duplicate_candidates_without_a_filter_shows_proposed_pairs(engine):
    with session_scope(engine) as session:
        for dataset in ("acled", "gdelt"):
            add(session, event(dataset, status="proposed"))
        find_duplicate_candidates(session)
    assert counted(engine, event_filter=EventFilter()) == 1
    # A filter counts confirmed and disputed events unless it names statuses.
    assert counted(engine, event_filter=EventFilter(datasets=("acled",))) == 0
    asked = EventFilter(datasets=("acled",), statuses=("proposed",))
    assert counted(engine, event_filter=asked) == 1


def test_dismiss_candidate_notes_it_in_both_histories_at_the_same_version(
    engine, pairs
):
    acled, gdelt = pairs["Odesa"]
    [row] = listed(engine, event_id=acled)
    with session_scope(engine) as session:
        before = state_at(session, acled, 1)
        dismiss_candidate(session, row.id, author=ANA)
    with session_scope(engine) as session:
        for event_id, other in ((acled, gdelt), (gdelt, acled)):
            assert session.get(Event, event_id).version == 1
            [note, created] = event_history(session, event_id)
            assert (note.version, note.action, note.username) == (1, "dismiss", "ana")
            assert note.via == f"duplicates queue: not a duplicate of event {other}"
            assert note.changes is None and created.action == "create"
        assert state_at(session, acled, 1) == before
    assert counted(engine) == 2
    assert counted(engine, status="dismissed") == 1


def test_merge_candidate_names_its_author_in_both_histories(engine, pairs):
    acled, gdelt = pairs["Lviv"]
    [row] = listed(engine, event_id=acled)
    with session_scope(engine) as session:
        merge_candidate(session, row.id, keep=acled, author=ANA)
    with session_scope(engine) as session:
        [away, _created] = event_history(session, gdelt)
        [into, _created] = event_history(session, acled)
    assert (away.action, away.version, away.username) == ("merge", 2, "ana")
    assert away.via == f"duplicates queue: merged into event {acled}"
    assert into.via == f"duplicates queue: event {gdelt} merged into this one"


def test_dismiss_candidate_already_decided_notes_nothing(engine, pairs):
    [row] = listed(engine, limit=1)
    with session_scope(engine) as session:
        dismiss_candidate(session, row.id, author=ANA)
    before = history_rows(engine)
    with session_scope(engine) as session, pytest.raises(InvalidInput) as error:
        dismiss_candidate(session, row.id, author=ANA)
    assert f"candidate #{row.id} is already dismissed" in str(error.value)
    assert history_rows(engine) == before
