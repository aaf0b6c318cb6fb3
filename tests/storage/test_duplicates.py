"""Duplicate candidates across datasets: flagged for an analyst, never merged silently.

Small invented events in two or three datasets, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from tracker.db import session_scope
from tracker.errors import InvalidInput, NotFound
from tracker.importing import import_file
from tracker.matching.candidates import (
    dismiss_candidate,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.matching.similarity import haversine_km
from tracker.models import (
    DuplicateCandidate,
    Event,
    EventCreate,
    EventLink,
    EventSource,
    Source,
)
from tracker.store.events import create_event

KHARKIV = (49.9935, 36.2304)
KM_NORTH = 1 / 111.19  # degrees of latitude per kilometre, near enough
RUSSIA = "Military Forces of Russia"


def event(dataset: str, /, **fields: Any) -> dict[str, Any]:
    """A strike on Kharkiv on 24 May 2025 recorded by `dataset`; `fields` override."""
    latitude, longitude = fields.pop("at", KHARKIV)
    record = {
        "title": f"Missile strike on Kharkiv ({dataset})",
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
        "sources": [{"url": f"https://example.org/{dataset}/kharkiv", "quote": "Hit."}],
        "dataset": dataset,
        "external_id": f"{dataset}-1",
    }
    return record | fields


def add(session, record: dict[str, Any]) -> int:
    return create_event(session, EventCreate.model_validate(record)).id


def add_pair(engine, **gdelt: Any) -> tuple[int, int]:
    """An ACLED strike on 24 May and a GDELT strike 3 km north on 24-25 May."""
    fields = {
        "title": "Russian missiles hit Kharkiv",
        "date_end": "2025-05-25",
        "at": (KHARKIV[0] + 3 * KM_NORTH, KHARKIV[1]),
    } | gdelt
    with session_scope(engine) as session:
        return add(session, event("acled")), add(session, event("gdelt", **fields))


def find(engine, ids=None) -> int:
    with session_scope(engine) as session:
        return find_duplicate_candidates(session, ids)


def listed(engine, **options):
    with session_scope(engine) as session:
        return list_duplicate_candidates(session, **options)


def counts(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            table.__name__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (Event, EventSource, EventLink, Source, DuplicateCandidate)
        }


def test_find_duplicate_candidates_of_a_nearby_strike_in_another_dataset_flags_it(
    engine,
):
    acled, gdelt = add_pair(engine)
    assert find(engine, [gdelt]) == 1
    [row] = listed(engine)
    assert (row.event.id, row.other.id) == (acled, gdelt)
    assert (row.event.dataset, row.other.dataset) == ("acled", "gdelt")
    assert row.other.title == "Russian missiles hit Kharkiv"
    assert row.other.place == "Kharkiv"
    assert row.status == "open" and row.decided_at is None
    assert row.reasons == (
        "same type ASSAULT; dates overlap (24 May 2025 (day) vs 24–25 May 2025 (day)); "
        f"3.0 km apart; shared actor {RUSSIA}"
    )
    # type 0.3 + dates 0.25 * 1/2 + place 0.25 * (1 - 3/10) + actors 0.2
    assert row.score == pytest.approx(0.8)
    assert row.counterpart(acled).id == gdelt


@pytest.mark.parametrize(
    ("why", "gdelt"),
    [
        ("a consultation is not a strike", {"event_type": "CONSULT", "mode": None}),
        ("50 km apart", {"at": (KHARKIV[0] + 50 * KM_NORTH, KHARKIV[1])}),
        ("the same dataset", {"dataset": "acled", "external_id": "acled-2"}),
        ("a week later", {"date_start": "2025-05-31", "date_end": None}),
        ("retracted", {"status": "retracted"}),
        ("no coordinates", {"location": {"name": "Kharkiv", "country": "UKR"}}),
    ],
)
def test_find_duplicate_candidates_of_an_unlike_event_flags_nothing(engine, why, gdelt):
    add_pair(engine, **gdelt)
    assert find(engine) == 0, why
    assert listed(engine, status="all") == []


def test_find_duplicate_candidates_with_another_type_of_the_family_scores_lower(
    engine,
):
    add_pair(engine, event_type="COERCE", mode=None, actors=[])
    assert find(engine) == 1
    [row] = listed(engine)
    assert row.reasons.startswith(
        "same type family (material conflict): ASSAULT and COERCE;"
    )
    assert row.reasons.endswith("; no shared actor")
    assert row.score == pytest.approx(0.15 + 0.125 + 0.175)


@pytest.mark.parametrize(
    ("date_start", "precision", "expected"),
    [
        ("2025-05-19", "week", 1),  # Monday 19 to Sunday 25 May covers the 24th
        ("2025-05-26", "week", 0),  # the next week does not
        ("2025-05-01", "month", 1),  # May covers the 24th
        ("2025-04-30", "month", 0),  # April does not, though it is 24 days before
        ("2025-02-11", "year", 1),  # 2025 covers the 24th of May
    ],
)
def test_find_duplicate_candidates_widens_each_date_to_its_precision(
    engine, date_start, precision, expected
):
    add_pair(engine, date_start=date_start, date_end=None, date_precision=precision)
    assert find(engine) == expected


def test_find_duplicate_candidates_of_a_hand_entered_event_compares_it_with_datasets(
    engine,
):
    add_pair(engine, dataset=None, external_id=None)
    assert find(engine) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((0.0, 179.99), (0.0, -179.99)),  # across the antimeridian, 2.2 km
        ((70.0, 20.0), (70.0, 20.2)),  # far north, where longitude degrees shrink
    ],
)
def test_find_duplicate_candidates_finds_near_places_wherever_they_are(
    engine, first, second
):
    assert haversine_km(*first, *second) < 10
    with session_scope(engine) as session:
        add(session, event("acled", at=first))
        add(session, event("gdelt", at=second))
    assert find(engine) == 1


def test_find_duplicate_candidates_over_all_events_records_each_pair_once(engine):
    with session_scope(engine) as session:
        ids = [add(session, event(name)) for name in ("acled", "gdelt", "ucdp")]
    assert find(engine, ids) == 3  # every pair of the three, not six
    assert find(engine) == 0  # already recorded
    pairs = {(row.event.id, row.other.id) for row in listed(engine)}
    assert pairs == {(ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2])}
    assert [r.other.id for r in listed(engine, event_id=ids[2])] == [ids[2]] * 2


def test_find_duplicate_candidates_never_raises_a_dismissed_pair_again(engine):
    add_pair(engine)
    assert find(engine) == 1
    [row] = listed(engine)
    with session_scope(engine) as session:
        dismiss_candidate(session, row.id)
    assert find(engine) == 0
    assert listed(engine) == []
    [dismissed] = listed(engine, status="dismissed")
    assert dismissed.decided_at is not None


def test_merge_candidate_retracts_links_and_moves_sources_deleting_nothing(engine):
    acled, gdelt = add_pair(engine)
    find(engine)
    [row] = listed(engine)
    before = counts(engine)
    with session_scope(engine) as session:
        merge = merge_candidate(session, row.id, keep=acled)
    assert (merge.kept, merge.retracted, merge.sources_added) == (acled, gdelt, 1)
    after = counts(engine)
    assert after["Event"] == before["Event"]
    assert after["Source"] == before["Source"]
    assert after["EventSource"] == before["EventSource"] + 1
    assert after["EventLink"] == before["EventLink"] + 1
    with session_scope(engine) as session:
        kept, other = session.get(Event, acled), session.get(Event, gdelt)
        assert (kept.status, other.status) == ("confirmed", "retracted")
        assert (kept.version, other.version) == (2, 2)
        cited = session.execute(
            select(Source.url)
            .join(EventSource)
            .where(EventSource.event_id == acled)
            .order_by(Source.url)
        ).scalars()
        assert list(cited) == [
            "https://example.org/acled/kharkiv",
            "https://example.org/gdelt/kharkiv",
        ]
        link = session.execute(select(EventLink)).scalar_one()
        assert (link.event_id, link.target_id, link.relation) == (
            gdelt,
            acled,
            "duplicate_of",
        )
    [merged] = listed(engine, status="merged")
    assert merged.decided_at is not None
    assert find(engine) == 0


def test_merge_candidate_with_an_event_outside_the_pair_changes_nothing(engine):
    acled, gdelt = add_pair(engine)
    find(engine)
    [row] = listed(engine)
    before = counts(engine)
    with session_scope(engine) as session, pytest.raises(InvalidInput) as error:
        merge_candidate(session, row.id, keep=gdelt + 100)
    assert (
        f"keep: event {gdelt + 100} is not one of candidate #{row.id}'s events "
        f"({acled} and {gdelt})"
    ) in str(error.value)
    assert counts(engine) == before
    assert listed(engine)[0].status == "open"


def test_merge_or_dismiss_of_a_decided_candidate_is_refused(engine):
    add_pair(engine)
    find(engine)
    [row] = listed(engine)
    with session_scope(engine) as session:
        dismiss_candidate(session, row.id)
    before = counts(engine)
    for decide in (
        lambda s: dismiss_candidate(s, row.id),
        lambda s: merge_candidate(s, row.id, keep=row.event.id),
    ):
        with session_scope(engine) as session, pytest.raises(InvalidInput) as error:
            decide(session)
        assert f"candidate #{row.id} is already dismissed" in str(error.value)
    assert counts(engine) == before


def test_dismiss_or_merge_of_an_unknown_candidate_says_not_found(engine):
    add_pair(engine)
    before = counts(engine)
    with session_scope(engine) as session, pytest.raises(NotFound) as error:
        dismiss_candidate(session, 999)
    assert str(error.value) == "there is no duplicate candidate with id 999"
    with session_scope(engine) as session, pytest.raises(NotFound):
        merge_candidate(session, 999, keep=1)
    assert counts(engine) == before


def test_list_duplicate_candidates_with_an_unknown_status_is_refused(engine):
    with session_scope(engine) as session, pytest.raises(InvalidInput) as error:
        list_duplicate_candidates(session, status="pending")
    assert "status: unknown status; expected one of open, dismissed, merged, all" in (
        str(error.value)
    )


def test_find_duplicate_candidates_in_one_dataset_at_one_place_flags_nothing(engine):
    # issue #4: one dataset's events are never pairs, however many share a place
    with session_scope(engine) as session:
        ids = [
            add(session, event("acled", external_id=f"acled-{n}")) for n in range(30)
        ]
    assert find(engine, ids) == 0
    assert find(engine) == 0
    assert listed(engine, status="all") == []


def test_find_duplicate_candidates_of_a_large_import_walks_from_the_smaller_dataset(
    engine,
):
    with session_scope(engine) as session:
        earlier = add(session, event("acled", external_id="acled-0"))
        gdelt = add(session, event("gdelt"))
        imported = [
            add(session, event("acled", external_id=f"acled-{n}")) for n in (1, 2, 3)
        ]
    # Three imported events against one of another dataset: the search starts from
    # the GDELT event and keeps the pairs that end in the imported events.
    assert find(engine, imported) == 3
    pairs = {(row.event.id, row.other.id) for row in listed(engine)}
    assert pairs == {(gdelt, i) for i in imported}
    assert earlier not in {i for pair in pairs for i in pair}


def test_find_duplicate_candidates_of_one_dataset_pairs_it_with_every_other(engine):
    with session_scope(engine) as session:
        acled, gdelt, ucdp = (
            add(session, event(name)) for name in ("acled", "gdelt", "ucdp")
        )
        hand = add(session, event("desk", dataset=None, external_id=None))
    with session_scope(engine) as session:
        assert find_duplicate_candidates(session, dataset="ucdp") == 3
    pairs = {(row.event.id, row.other.id) for row in listed(engine)}
    assert pairs == {(acled, ucdp), (gdelt, ucdp), (ucdp, hand)}
    assert find(engine) == 3  # the rest: acled-gdelt, acled-hand, gdelt-hand


def test_find_duplicate_candidates_later_flags_what_an_import_would_have(
    engine, tmp_path
):
    acled = [
        event("acled", external_id=f"acled-{n}", date_start=f"2025-05-{20 + n:02d}")
        for n in range(6)
    ]
    gdelt = [
        event("gdelt", external_id=f"gdelt-{n}", date_start=f"2025-05-{21 + n:02d}")
        for n in range(3)
    ]
    paths = []
    for name, records in (("acled", acled), ("gdelt", gdelt)):
        paths.append(tmp_path / f"{name}.jsonl")
        paths[-1].write_text("\n".join(json.dumps(r) for r in records), "utf-8")
    with session_scope(engine) as session:
        assert import_file(session, paths[0]).duplicate_candidates == 0
        deferred = import_file(session, paths[1], duplicate_check=False)
    assert deferred.duplicate_candidates == 0 and candidate_rows(engine) == []
    assert find(engine) == 3  # `tracker duplicates scan`
    scanned = candidate_rows(engine)
    with session_scope(engine) as session:
        session.execute(delete(DuplicateCandidate))
    assert find(engine, deferred.event_ids) == 3  # what the import itself runs
    assert candidate_rows(engine) == scanned


def candidate_rows(engine) -> list[tuple]:
    with session_scope(engine) as session:
        return session.execute(
            select(
                DuplicateCandidate.event_id,
                DuplicateCandidate.other_id,
                DuplicateCandidate.score,
                DuplicateCandidate.reasons,
            ).order_by(DuplicateCandidate.event_id, DuplicateCandidate.other_id)
        ).all()
