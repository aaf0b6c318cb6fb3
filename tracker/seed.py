"""Load `seed_data/`: the actor registry and the events of the seed article.

Loading is idempotent."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from tracker.errors import InvalidInput, problems_from_validation_error
from tracker.formats.jsontext import parse_json_records
from tracker.models import ActorCreate
from tracker.store.events import (
    UNKNOWN_AUTHOR,
    SaveSummary,
    save_events,
    validate_event_records,
)
from tracker.store.history import Author
from tracker.store.registry import save_actor

ACTORS_FILE = "actors.json"
EVENTS_FILE = "events.jsonl"


def seed_database(
    session: Session, directory: Path, *, author: Author = UNKNOWN_AUTHOR
) -> SaveSummary:
    """Save the registry actors, then the seed events.

    Re-seeding leaves everything unchanged."""
    try:
        actors = [
            ActorCreate.model_validate(item)
            for item in json.loads(
                (directory / ACTORS_FILE).read_text(encoding="utf-8")
            )
        ]
    except ValidationError as error:
        raise InvalidInput(
            problems_from_validation_error(error, prefix=ACTORS_FILE)
        ) from error
    for actor in actors:
        save_actor(session, actor)
    rows = parse_json_records((directory / EVENTS_FILE).read_text(encoding="utf-8"))
    events = validate_event_records(rows)
    return save_events(session, events, lines=[line for line, _ in rows], author=author)
