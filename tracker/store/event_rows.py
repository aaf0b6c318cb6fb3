"""The rows of one event: its columns, actors in roles, sources and links.

What an event is as rows, written without a version or a history entry: the door
(`tracker.store.events`) calls these inside its recorded writes, and
`tracker.store.bulk` writes an import's batches with `event_values` and `write_links`
and records them itself (`record_imported`). Nothing else writes event rows.

Functions flush, never commit."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, select

from tracker.errors import Problem
from tracker.models import (
    Event,
    EventActor,
    EventCreate,
    EventLink,
    EventSource,
    LinkIn,
    SourceRecord,
)
from tracker.query.events import find_event_by_external_id
from tracker.store import registry
from tracker.vocab import taxonomy
from tracker.vocab.actor_names import name_key

LATER_HASHED_FIELDS = ("figures_flag", "source_record")


def content_hash(data: EventCreate) -> str:
    """A stable fingerprint of a validated event, to tell an unchanged re-import."""
    # Fields added since hashes were first stored count only when set, so an
    # unchanged re-import still hashes as before them.
    later: dict[str, Any] = {
        name: True for name in LATER_HASHED_FIELDS if getattr(data, name) is None
    }
    # A place's admin2 is the registry place's, not the event's (migration 0013):
    # left out, every event hashes as it did before admin2 was read.
    later["location"] = {"admin2"}
    canonical = json.dumps(
        data.model_dump(mode="json", exclude=later), sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def event_columns(session: Session, data: EventCreate) -> dict[str, Any]:
    """The event table's column values for `data`, with derived fields filled in."""
    location = (
        registry.resolve_location(session, data.location) if data.location else None
    )
    return event_values(data, location.id if location else None)


def event_values(
    data: EventCreate, location_id: int | None, *, digest: str | None = None
) -> dict[str, Any]:
    """The event table's column values for `data` at a resolved location.

    Quad class and score are derived from type and mode; the content hash lets a
    re-import tell an unchanged record (`digest`: that hash, when already known)."""
    return {
        "title": data.title,
        "notes": data.notes,
        "event_type": data.event_type,
        "mode": data.mode,
        "contexts": data.contexts,
        "quad_class": taxonomy.quad_class(data.event_type),
        "score": taxonomy.score(data.event_type, data.mode),
        "acled_event_type": data.acled_event_type,
        "acled_sub_event_type": data.acled_sub_event_type,
        "date_start": data.date_start,
        "date_end": data.date_end,
        "date_precision": data.date_precision.value,
        "location_id": location_id,
        "fatalities_low": data.fatalities.low,
        "fatalities_best": data.fatalities.best,
        "fatalities_high": data.fatalities.high,
        "civilians_killed": data.civilians_killed,
        "children_killed": data.children_killed,
        "injured": data.injured,
        "status": data.status.value,
        "confidence": data.confidence,
        "tags": data.tags,
        "dataset": data.dataset,
        "external_id": data.external_id,
        "figures_flag": data.figures_flag,
        "content_hash": digest or content_hash(data),
    }


def write_participants(session: Session, event: Event, data: EventCreate) -> None:
    """Replace the event's actors-in-roles and cited sources with those in `data`."""
    # A form or a restore gives the registry's names: the name an import gave
    # (ACLED's "... (2000-)") stays with the actor it still names in that role.
    given_before = {
        (link.actor_id, link.role): link.name_as_given
        for link in session.exec(
            select(EventActor).where(EventActor.event_id == event.id)
        )
    }
    session.exec(delete(EventActor).where(EventActor.event_id == event.id))
    session.exec(delete(EventSource).where(EventSource.event_id == event.id))
    resolved = registry.resolve_actor_names(
        session, {name_key(ref.name): ref for ref in data.actors}
    )
    seen_roles: set[tuple[int, str]] = set()
    for ref in data.actors:
        actor = resolved[name_key(ref.name)]
        if (actor.id, ref.role.value) not in seen_roles:
            seen_roles.add((actor.id, ref.role.value))
            given = (
                ref.name
                if actor.renamed
                else given_before.get((actor.id, ref.role.value))
            )
            session.add(
                EventActor(
                    event_id=event.id,
                    actor_id=actor.id,
                    role=ref.role.value,
                    name_as_given=given,
                )
            )
    cited: dict[int, EventSource] = {}
    for source_in in data.sources:
        source = registry.resolve_source(session, source_in)
        if source.id in cited:  # two quotes from one source: keep both
            earlier = cited[source.id]
            earlier.quote = " […] ".join(
                q for q in (earlier.quote, source_in.quote) if q
            )
            continue
        cited[source.id] = EventSource(
            event_id=event.id, source_id=source.id, quote=source_in.quote
        )
        session.add(cited[source.id])
    if data.source_record is not None:  # an edit without one leaves the stored one
        row = data.source_record.model_dump()
        session.merge(
            SourceRecord(event_id=event.id, event_version=event.version, **row)
        )
    session.flush()


def _link_target(session: Session, event: Event, link: LinkIn) -> int | None:
    """The id of the event `link` points at, or None if there is no such event."""
    if link.id is not None:
        return link.id if session.get(Event, link.id) is not None else None
    dataset = link.dataset or event.dataset
    target = (
        find_event_by_external_id(session, dataset, link.external_id)
        if dataset
        else None
    )
    return target.id if target else None


def write_links(
    session: Session, event: Event, links: Sequence[LinkIn], *, line: int | None = None
) -> list[Problem]:
    """Replace the event's outgoing links.

    Return a Problem for each target not found."""
    session.exec(delete(EventLink).where(EventLink.event_id == event.id))
    problems, seen = [], set()
    for index, link in enumerate(links):
        target_id = _link_target(session, event, link)
        where = f"links.{index}"
        if target_id is None:
            target = link.id if link.id is not None else link.external_id
            problems.append(
                Problem(where, "no event with that id", line=line, value=target)
            )
        elif target_id == event.id:
            problems.append(Problem(where, "an event cannot link to itself", line=line))
        elif (target_id, link.relation) not in seen:
            seen.add((target_id, link.relation))
            session.add(
                EventLink(
                    event_id=event.id, target_id=target_id, relation=link.relation.value
                )
            )
    session.flush()
    return problems
