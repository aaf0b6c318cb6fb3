"""The seed files: valid records, stable ids, verbatim quotes, no invented days."""

from __future__ import annotations

import datetime as dt
import json

from tests.conftest import REPO_ROOT, SEED_ARTICLE, require_shared
from tracker.formats.jsontext import parse_json_records
from tracker.models import ActorCreate
from tracker.store.events import validate_event_records

SEED = REPO_ROOT / "seed_data"
PUBLISHED = dt.date(2025, 5, 28)


def seed_rows():
    return parse_json_records((SEED / "events.jsonl").read_text(encoding="utf-8"))


def test_seed_events_are_valid_records_with_unique_external_ids():
    events = validate_event_records(seed_rows())
    assert len(events) >= 10
    ids = [e.external_id for e in events]
    assert len(set(ids)) == len(ids)
    assert {e.dataset for e in events} == {"seed"}


def test_seed_events_are_dated_no_later_than_publication():
    for event in validate_event_records(seed_rows()):
        assert (event.date_end or event.date_start) <= PUBLISHED, event.title
        if event.date_precision == "day":
            assert event.date_end in (None, event.date_start), event.title


def test_seed_actor_registry_is_valid_and_names_the_kremlin():
    actors = [
        ActorCreate.model_validate(a)
        for a in json.loads((SEED / "actors.json").read_text())
    ]
    russia = next(a for a in actors if a.name == "Government of Russia")
    assert "the Kremlin" in russia.aliases


def test_every_seed_quote_is_verbatim_in_the_seed_article():
    require_shared()
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    for event in validate_event_records(seed_rows()):
        for source in event.sources:
            assert source.quote and source.quote in article, event.title
            assert source.published == PUBLISHED
