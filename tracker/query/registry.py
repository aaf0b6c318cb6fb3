"""Read the registry: an actor by name or alias, actor names, places by name, the
registry names of events' actors, and the datasets events came from.

The pickers of the event form, the look-ups before a write and the actors matching
compares; nothing here writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func
from sqlmodel import Session, select

from tracker.models import Actor, ActorAlias, Event, EventActor, Location
from tracker.query.facets import search_actors
from tracker.query.filters import among_ids

CHUNK = 500  # ids per IN (...) list


def find_actor(session: Session, name: str) -> Actor | None:
    """The registry actor called `name`, by its name or one of its aliases.

    The match ignores case."""
    key = name.strip().casefold()
    actor = session.exec(select(Actor).where(func.lower(Actor.name) == key)).first()
    if actor is not None:
        return actor
    return session.exec(
        select(Actor).join(ActorAlias).where(ActorAlias.alias_key == key)
    ).first()


def find_locations(session: Session, name: str, *, limit: int = 10) -> list[Location]:
    """Registry places whose name starts with `name`, ignoring case; exact names first.

    SQLite folds the case of ASCII letters only, PostgreSQL of every letter."""
    key = " ".join(name.replace("\x00", "").split()).lower()
    if not key or len(key) > 200:  # no place name is longer: nothing can match
        return []
    pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    lowered = func.lower(Location.name)
    query = (
        select(Location)
        .where(lowered.like(pattern, escape="\\"))
        .order_by(case((lowered == key, 0), else_=1), Location.name, Location.id)
        .limit(limit)
    )
    return list(session.exec(query))


def list_datasets(session: Session) -> list[str]:
    """The datasets the events were imported from, alphabetically (the categories
    of a DataFrame's `dataset` column, the same in every chunk)."""
    found = session.exec(
        select(Event.dataset).distinct().where(Event.dataset.is_not(None))
    )
    return sorted(found)


def event_actor_names(
    session: Session, event_ids: Iterable[int]
) -> dict[int, dict[int, str]]:
    """Each event's actors as {actor id: registry name}, in chunks of ids."""
    names: dict[int, dict[int, str]] = {}
    ids = sorted(set(event_ids))
    for i in range(0, len(ids), CHUNK):
        query = (
            select(EventActor.event_id, Actor.id, Actor.name)
            .join(Actor, Actor.id == EventActor.actor_id)
            .where(among_ids(EventActor.event_id, ids[i : i + CHUNK]))
        )
        for event_id, actor_id, name in session.execute(query):
            names.setdefault(event_id, {})[actor_id] = name
    return names


@dataclass(frozen=True)
class ActorEntry:
    """A registry actor with every other name it goes by."""

    id: int
    name: str
    kind: str
    country: str | None
    aliases: list[str]


def actors_with_aliases(
    session: Session, search: str = "", *, limit: int = 50
) -> list[ActorEntry]:
    """Registry actors whose name or an alias contains `search` (as the filter
    panel offers them, `search_actors`), alphabetically, each with all its aliases."""
    names = [choice.value for choice in search_actors(session, search, limit=limit)]
    if not names:
        return []
    actors = list(
        session.exec(select(Actor).where(Actor.name.in_(names)).order_by(Actor.name))
    )
    aliases: dict[int, list[str]] = defaultdict(list)
    for actor_id, alias in session.execute(
        select(ActorAlias.actor_id, ActorAlias.alias)
        .where(ActorAlias.actor_id.in_([a.id for a in actors]))
        .order_by(ActorAlias.alias)
    ):
        aliases[actor_id].append(alias)
    return [ActorEntry(a.id, a.name, a.kind, a.country, aliases[a.id]) for a in actors]
