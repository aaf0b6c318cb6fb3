"""The history invariant, over every way an event is written (issue #12).

After each write (create, update, retract, restore, import, accept, reject, merge of a
proposal, merge of a duplicate candidate, dismiss, purge), on SQLite and PostgreSQL:
the newest history entry's version is the event's version, and every version of the
event restores, by `state_at` and by an actual revert, to exactly the fields it had.

The expected fields are written out here from the records the test saves, not read
from `tracker.store.history`: `fields()` spells out every editable field with its
default.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from tests.conftest import table_counts
from tracker import review
from tracker.db import session_scope
from tracker.errors import InvalidInput
from tracker.importing import import_file
from tracker.matching.candidates import dismiss_candidate, merge_candidate
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import DuplicateCandidate, EventCreate, SourceIn
from tracker.store.events import (
    create_event,
    purge_event,
    retract_event,
    update_event,
)
from tracker.store.history import Author, current_state, event_history, state_at
from tracker.store.history import revert_event as restore
from tracker.store.merging import cite_sources

ANNA = Author("anna", via="test")
KHARKIV = {
    "name": "Kharkiv",
    "country": "UKR",
    "latitude": 49.9935,
    "longitude": 36.2304,
}
ARTICLE = {"url": "https://news.example.org/kharkiv", "quote": "Six children died."}
STRIKE = {
    "title": "Missile strike on Kharkiv",
    "event_type": "ASSAULT",
    "date_start": "2025-05-24",
    "location": KHARKIV,
    "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
    "fatalities": {"best": 14},
    "children_killed": 6,
    "sources": [{"url": "https://example.org/kharkiv", "quote": "Fourteen killed."}],
}


def fields(record: dict[str, Any]) -> dict[str, Any]:
    """Every editable field of `record` as history keeps it, defaults spelled out."""
    location = record.get("location")
    return {
        "title": record["title"],
        "notes": record.get("notes"),
        "event_type": record["event_type"],
        "mode": None,
        "contexts": [],
        "acled_event_type": None,
        "acled_sub_event_type": None,
        "date_start": record["date_start"],
        "date_end": record.get("date_end"),
        "date_precision": "day",
        "location": location
        and {"admin1": None, "admin2": None, "geo_precision": "exact"} | location,
        "actors": record.get("actors", []),
        "fatalities": {"low": None, "best": None, "high": None}
        | record.get("fatalities", {}),
        "civilians_killed": None,
        "children_killed": record.get("children_killed"),
        "injured": None,
        "status": record.get("status", "confirmed"),
        "confidence": None,
        "tags": record.get("tags", []),
        "sources": [
            {"publisher": None, "title": None, "published": None, "quote": None} | s
            for s in record.get("sources", [])
        ],
        "links": record.get("links", []),
        "figures_flag": record.get("figures_flag"),
    }


def link_to(event_id: int, relation: str = "duplicate_of", **target) -> dict:
    """A stored link as the record shows it (the target's dataset id, if any)."""
    link = {"relation": relation, "id": event_id, "external_id": None, "dataset": None}
    return link | target


def add(engine, record: dict[str, Any]) -> int:
    with session_scope(engine) as session:
        return create_event(session, EventCreate.model_validate(record), author=ANNA).id


def newest_and_stored_version(session: Session, event_id: int) -> tuple[int, int]:
    """(the newest history version, the event row's version), by plain SQL."""
    return session.execute(
        text(
            "SELECT (SELECT max(c.version) FROM event_change c"
            " WHERE c.event_id = e.id), e.version FROM event e WHERE e.id = :id"
        ),
        {"id": event_id},
    ).one()


def assert_history_holds(engine, expected: dict[int, list[dict[str, Any]]]) -> None:
    """expected[event id][v - 1] is the event's fields at version v.

    Each version is restored for real (a revert, rolled back) as well as computed."""
    for event_id, versions in expected.items():
        with Session(engine) as session:
            newest, stored = newest_and_stored_version(session, event_id)
            assert newest == stored == len(versions), f"event {event_id}"
            for version, wanted in enumerate(versions, start=1):
                assert state_at(session, event_id, version) == wanted, (
                    f"event {event_id} at version {version}"
                )
        for version, wanted in enumerate(versions, start=1):
            with Session(engine) as session:
                if not links_resolve(session, wanted):
                    continue  # refused: its own test below
                restore(
                    session,
                    event_id,
                    to_version=version,
                    expected_version=len(versions),
                    author=ANNA,
                )
                session.flush()
                assert current_state(session, event_id) == wanted, (
                    f"event {event_id} restored to version {version}"
                )
                newest, stored = newest_and_stored_version(session, event_id)
                assert newest == stored == len(versions) + 1
                session.rollback()


def links_resolve(session: Session, wanted: dict[str, Any]) -> bool:
    """Whether every event `wanted` links to is still stored."""
    targets = {link["id"] for link in wanted["links"]}
    found = session.execute(text("SELECT id FROM event")).scalars()
    return targets <= set(found)


def actions(engine, event_id: int) -> list[tuple[int, str]]:
    with session_scope(engine) as session:
        return [(e.version, e.action) for e in event_history(session, event_id)]


def test_create_update_retract_and_restore_each_keep_the_history_whole(engine):
    strike = add(engine, STRIKE)
    v1 = fields(STRIKE)
    assert_history_holds(engine, {strike: [v1]})

    edited = STRIKE | {"title": "Strike on Kharkiv", "fatalities": {"best": 16}}
    with session_scope(engine) as session:
        data = EventCreate.model_validate(edited)
        update_event(session, strike, data, expected_version=1, author=ANNA)
    v2 = fields(edited)
    assert_history_holds(engine, {strike: [v1, v2]})

    with session_scope(engine) as session:
        retract_event(session, strike, author=ANNA, tag="wrong place")
    v3 = v2 | {"status": "retracted", "tags": ["wrong place"]}
    assert_history_holds(engine, {strike: [v1, v2, v3]})

    with session_scope(engine) as session:
        restore(session, strike, to_version=1, expected_version=3, author=ANNA)
    assert_history_holds(engine, {strike: [v1, v2, v3, v1]})
    assert actions(engine, strike) == [
        (4, "revert"),
        (3, "retract"),
        (2, "update"),
        (1, "create"),
    ]


def test_importing_a_file_again_keeps_the_history_whole(engine, tmp_path):
    path = tmp_path / "partner.jsonl"
    first = STRIKE | {"dataset": "partner", "external_id": "S-1"}
    second = STRIKE | {
        "title": "Second strike on Kharkiv",
        "date_start": "2025-05-25",
        "dataset": "partner",
        "external_id": "S-2",
    }

    def import_records(*records: dict) -> list[int]:
        path.write_text("".join(json.dumps(r) + "\n" for r in records))
        with session_scope(engine) as session:
            report = import_file(session, path, format_name="native", author=ANNA)
            return report.event_ids

    s1, s2 = import_records(first, second)
    assert_history_holds(engine, {s1: [fields(first)], s2: [fields(second)]})

    # Changed fields, and a link added by the file.
    follows = {"relation": "follows_up", "external_id": "S-1"}
    second_v2 = second | {"fatalities": {"best": 9}, "links": [follows]}
    import_records(first, second_v2)
    linked = link_to(s1, "follows_up", external_id="S-1", dataset="partner")
    s2_v2 = fields(second_v2) | {"links": [linked]}
    assert_history_holds(engine, {s1: [fields(first)], s2: [fields(second), s2_v2]})

    # A file without links leaves the stored link alone.
    second_v3 = second | {"title": "Strike on Kharkiv's north"}
    import_records(first, second_v3)
    s2_v3 = fields(second_v3) | {"links": [linked]}
    assert_history_holds(engine, {s2: [fields(second), s2_v2, s2_v3]})
    assert actions(engine, s2) == [(3, "import"), (2, "import"), (1, "import")]


def proposal(number: int, **changes) -> dict[str, Any]:
    """A proposal extraction made from the article, waiting for review."""
    return (
        STRIKE
        | {
            "title": f"Proposal {number}",
            "status": "proposed",
            "sources": [ARTICLE],
            "dataset": "extraction",
            "external_id": f"article-{number:03d}",
        }
        | changes
    )


def test_accepting_and_rejecting_proposals_keep_the_history_whole(engine):
    accepted, rejected = add(engine, proposal(1)), add(engine, proposal(2))

    edit = proposal(1, title="Strike on a school in Kharkiv", sources=[])
    with session_scope(engine) as session:
        data = EventCreate.model_validate(edit)
        review.accept_proposal(session, accepted, data, expected_version=1, author=ANNA)
    with session_scope(engine) as session:
        review.reject_proposal(session, rejected, expected_version=1, author=ANNA)

    # Confirmed, and the article stays cited though the edit dropped it.
    accepted_v2 = fields(edit | {"status": "confirmed", "sources": [ARTICLE]})
    rejected_v2 = fields(proposal(2)) | {"status": "retracted", "tags": ["rejected"]}
    assert_history_holds(
        engine,
        {
            accepted: [fields(proposal(1)), accepted_v2],
            rejected: [fields(proposal(2)), rejected_v2],
        },
    )
    assert actions(engine, accepted)[0] == (2, "accept")
    assert actions(engine, rejected)[0] == (2, "reject")


def test_merging_a_proposal_keeps_both_histories_whole(engine):
    known = add(engine, STRIKE)
    waiting = add(engine, proposal(1))

    with session_scope(engine) as session:
        merge = review.merge_proposal(session, waiting, into=known, author=ANNA)
    assert (merge.sources_added, merge.quotes_added) == (1, 0)

    known_v2 = fields(STRIKE | {"sources": [*STRIKE["sources"], ARTICLE]})
    waiting_v2 = fields(proposal(1)) | {
        "status": "retracted",
        "tags": ["merged"],
        "links": [link_to(known)],
    }
    assert_history_holds(
        engine,
        {known: [fields(STRIKE), known_v2], waiting: [fields(proposal(1)), waiting_v2]},
    )
    assert actions(engine, known)[0] == actions(engine, waiting)[0] == (2, "merge")


ACLED = STRIKE | {
    "sources": [{"url": "https://acled.example.org/1", "quote": "A strike."}],
    "dataset": "acled",
    "external_id": "UKR1",
}
GDELT = ACLED | {
    "title": "Russian missiles hit Kharkiv",
    "location": KHARKIV | {"latitude": 50.0205},  # 3 km north
    "sources": [{"url": "https://gdelt.example.org/1", "quote": "Missiles hit."}],
    "dataset": "gdelt",
    "external_id": "G1",
}


def candidate_of(engine) -> int:
    """Scan for duplicates; the one candidate found."""
    with session_scope(engine) as session:
        assert find_duplicate_candidates(session) == 1
        return session.exec(select(DuplicateCandidate.id)).one()


def test_merging_a_duplicate_candidate_keeps_both_histories_whole(engine):
    kept, other = add(engine, ACLED), add(engine, GDELT)
    candidate = candidate_of(engine)

    with session_scope(engine) as session:
        merge_candidate(session, candidate, keep=kept, author=ANNA)

    kept_v2 = fields(ACLED | {"sources": [*ACLED["sources"], *GDELT["sources"]]})
    other_v2 = fields(GDELT) | {
        "status": "retracted",
        "links": [link_to(kept, external_id="UKR1", dataset="acled")],
    }
    assert_history_holds(
        engine, {kept: [fields(ACLED), kept_v2], other: [fields(GDELT), other_v2]}
    )
    with session_scope(engine) as session:
        [merged_away, _created] = event_history(session, other)
    assert merged_away.action == "merge"
    assert merged_away.via == f"test: merged into event {kept}"
    assert merged_away.changes["status"] == ["confirmed", "retracted"]


def test_dismissing_a_candidate_writes_neither_event(engine):
    first, second = add(engine, ACLED), add(engine, GDELT)
    candidate = candidate_of(engine)

    with session_scope(engine) as session:
        dismiss_candidate(session, candidate)

    assert_history_holds(engine, {first: [fields(ACLED)], second: [fields(GDELT)]})


def test_purging_an_event_records_it_and_the_links_it_takes_away(engine):
    gone = add(engine, STRIKE | {"status": "retracted"})
    follow_up = STRIKE | {
        "title": "Funerals in Kharkiv",
        "links": [{"relation": "follows_up", "id": gone}],
    }
    linking = add(engine, follow_up)

    with session_scope(engine) as session:
        purge_event(session, gone, author=ANNA)

    with session_scope(engine) as session:
        [purge, _created] = event_history(session, gone)
        last = {name: before for name, (before, _after) in purge.changes.items()}
        newest, linking_version = newest_and_stored_version(session, linking)
        linking_states = [state_at(session, linking, v) for v in (1, 2)]
    assert (purge.version, purge.action) == (2, "purge")
    assert last == fields(STRIKE | {"status": "retracted"})
    # The event that linked to it lost the link, as a version of its own.
    assert newest == linking_version == 2
    assert linking_states == [
        fields(follow_up) | {"links": [link_to(gone, "follows_up")]},
        fields(follow_up) | {"links": []},
    ]
    assert actions(engine, linking)[0] == (2, "update")


def test_restoring_a_link_to_a_purged_event_is_refused_and_changes_nothing(engine):
    gone = add(engine, STRIKE | {"status": "retracted"})
    linking = add(
        engine,
        STRIKE
        | {"title": "Funerals", "links": [{"relation": "follows_up", "id": gone}]},
    )
    with session_scope(engine) as session:
        purge_event(session, gone, author=ANNA)
    before = table_counts(engine)

    # The refusal rolls the caller's transaction back: raises outside the scope.
    with pytest.raises(InvalidInput) as refused, session_scope(engine) as session:
        restore(session, linking, to_version=1, expected_version=2, author=ANNA)

    assert refused.value.problems[0].reason == "no event with that id"
    assert table_counts(engine) == before
    assert_history_holds(
        engine,
        {
            linking: [
                fields(STRIKE | {"title": "Funerals"})
                | {"links": [link_to(gone, "follows_up")]},
                fields(STRIKE | {"title": "Funerals"}),
            ]
        },
    )


def test_citing_a_new_report_on_a_recorded_event_keeps_its_history_whole(engine):
    # The Add form's "Add its sources to event N" (issue #12): the second report's
    # source goes onto the event it repeats, as a recorded version.
    strike = add(engine, STRIKE)
    second = {"url": "https://example.org/second", "quote": "A missile killed 14."}
    again = {"url": STRIKE["sources"][0]["url"], "quote": "Six were children."}
    with session_scope(engine) as session:
        outcome = cite_sources(
            session,
            strike,
            [SourceIn.model_validate(second), SourceIn.model_validate(again)],
            author=ANNA,
        )
    assert (outcome.sources_added, outcome.quotes_added) == (1, 1)
    v1 = fields(STRIKE)
    joined = STRIKE["sources"][0] | {"quote": "Fourteen killed. […] Six were children."}
    expected = fields(STRIKE | {"sources": [joined, second]})["sources"]
    with session_scope(engine) as session:
        stored = current_state(session, strike)["sources"]
    by_url = sorted(stored, key=lambda s: s["url"])
    assert by_url == sorted(expected, key=lambda s: s["url"])
    v2 = v1 | {"sources": stored}  # as the record orders them
    assert_history_holds(engine, {strike: [v1, v2]})
    assert actions(engine, strike) == [(2, "merge"), (1, "create")]
