"""Write the registry: actors (names resolved in a few statements), places, sources.

One rule for every write path (bulk import, single saves, the dashboard's form), so a
name resolves to the same actor whichever way it came in:

- A name that is an alias of an actor resolves to that actor: an alias is an analyst's
  (or the seed registry's) explicit word.
- A name ending in an ACLED period of office, "(2000-)" or "(1991-1999)", names the
  same actor as the name without it: ACLED writes "Government of Russia (2000-)" for
  the government since 2000 and "Military Forces of Ukraine (2014-2019)" for that
  army before the next president. It resolves to the actor the bare name resolves to,
  which is created under the bare name when unknown, and the suffixed name is kept
  as an alias of that actor (written once, never per event). An actor an older
  import registered under the suffixed name itself is still found when the bare name
  is not known.
- Any other name resolves by its name, then by an alias, and is created if unknown.

Names are compared case-insensitively (`name_key`).

Places and sources are found by their key (`LocationIn.key`, `SourceIn.key`) and
created when new; `save_actor` writes a registry actor with its aliases (the seed).
A place's admin2 is not part of its key (migration 0013): an import fills it in on a
place found without one and never overwrites it (`fill_in_admin2`), while a single
save, an analyst's explicit word, sets it (`resolve_location`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from tracker.errors import InvalidInput, Problem
from tracker.models import (
    Actor,
    ActorAlias,
    ActorCreate,
    ActorKind,
    ActorRef,
    Location,
    LocationIn,
    Source,
    SourceIn,
)
from tracker.query.registry import find_actor
from tracker.vocab.actor_names import name_key, without_period

CHUNK = 1000  # keys per IN (...) list

ACTORS, ALIASES = Actor.__table__, ActorAlias.__table__


class Resolved(NamedTuple):
    """The registry actor a name resolved to."""

    id: int
    # The name is not the actor's registry name (an alias or a suffixed name), so
    # an event keeps the name it gave beside the actor (EventActor.name_as_given).
    renamed: bool


def resolve_actor_names(
    session: Session, refs: Mapping[str, ActorRef]
) -> dict[str, Resolved]:
    """The registry actor each name resolves to, by `name_key` (the keys of `refs`).

    Unknown actors are created, and suffixed names added as aliases, with one
    statement each for all of them; look-ups take one statement per 1,000 names."""
    names = {key: ref.name.strip() for key, ref in refs.items()}
    bare = {key: without_period(name) for key, name in names.items()}
    periods = {key for key in names if name_key(bare[key]) != key}
    by_alias = _ids_by_alias(session, set(names) | {name_key(bare[k]) for k in periods})
    by_name = _ids_by_name(
        session, list(names.values()) + [bare[key] for key in periods]
    )
    resolved: dict[str, Resolved] = {}
    for key in names:
        base = name_key(bare[key])
        if key in periods:
            found = by_alias.get(key) or by_name.get(base) or by_alias.get(base)
            if found is not None:
                resolved[key] = Resolved(found, renamed=True)
            elif key in by_name:  # registered under this name by an older import
                resolved[key] = Resolved(by_name[key], renamed=False)
        elif key in by_name:
            resolved[key] = Resolved(by_name[key], renamed=False)
        elif key in by_alias:
            resolved[key] = Resolved(by_alias[key], renamed=True)
    missing = [key for key in names if key not in resolved]
    if missing:
        created = _add_actors(session, {bare[key]: refs[key] for key in missing})
        for key in missing:
            resolved[key] = Resolved(created[name_key(bare[key])], key in periods)
    _add_aliases(
        session,
        {
            names[key]: resolved[key].id
            for key in periods
            if resolved[key].renamed and key not in by_alias and key not in by_name
        },
    )
    return resolved


def resolve_actor(session: Session, ref: ActorRef) -> Actor:
    """The registry actor `ref` names, created if unknown (`resolve_actor_names`).

    A new actor is of kind 'other' unless `ref` gives a kind."""
    key = name_key(ref.name)
    actor_id = resolve_actor_names(session, {key: ref})[key].id
    return session.execute(select(Actor).where(Actor.id == actor_id)).scalar_one()


def save_actor(session: Session, data: ActorCreate) -> Actor:
    """Create or update a registry actor by name.

    Any aliases the actor does not have yet are added."""
    actor = find_actor(session, data.name)
    if actor is None:
        actor = Actor(name=data.name, kind=data.kind.value, country=data.country)
        session.add(actor)
    else:
        actor.kind, actor.country = data.kind.value, data.country
    session.flush()
    for alias in data.aliases:
        key = alias.strip().casefold()
        owner = session.scalars(
            select(ActorAlias).where(ActorAlias.alias_key == key)
        ).first()
        if owner is None:
            session.add(
                ActorAlias(actor_id=actor.id, alias=alias.strip(), alias_key=key)
            )
        elif owner.actor_id != actor.id:
            raise InvalidInput(
                [Problem("aliases", f"{alias!r} already names another actor")]
            )
    session.flush()
    return actor


def _add_registry_row(session: Session, model: type, values: dict, *, key: str):
    """Insert a registry row (actor, place, source) and return it.

    Two writers may both find a name missing and insert it at once: the second
    insert does nothing and both go on with the one row, instead of the second
    failing on the unique key."""
    _insert_new(session, model.__table__, [values])
    return session.scalars(
        select(model).where(getattr(model, key) == values[key])
    ).one()


def resolve_location(session: Session, data: LocationIn) -> Location:
    """The registry place matching `data`.

    It has the same name, admin1, country, coordinates and precision; an admin2 in
    `data` is written to it, the place keeping its own when `data` has none."""
    key = data.key()
    location = session.scalars(
        select(Location).where(Location.location_key == key)
    ).first()
    if location is None:
        values = data.model_dump(exclude={"geo_precision"})
        values |= {"geo_precision": data.geo_precision.value, "location_key": key}
        location = _add_registry_row(session, Location, values, key="location_key")
    elif data.admin2 is not None and location.admin2 != data.admin2:
        location.admin2 = data.admin2
        session.add(location)
        session.flush()
    return location


_FILL_IN_ADMIN2 = (
    update(Location.__table__)
    .where(
        Location.__table__.c.location_key == bindparam("place_key"),
        Location.__table__.c.admin2.is_(None),
    )
    .values(admin2=bindparam("place_admin2"))
)


def first_admin2(place: dict[str, Any], admin2: str | None) -> None:
    """Give a place row gathered for a batch the admin2 of a later event at it, when
    the first event named none (the first named wins, in file order)."""
    if admin2 and not place.get("admin2"):
        place["admin2"] = admin2


def fill_in_admin2(session: Session, admin2_by_key: Mapping[str, str | None]) -> None:
    """Give the places of these keys their admin2 where they have none yet.

    An import finds places stored before admin2 was read (or by a format without
    it) by their unchanged key; a place keeps the admin2 it has."""
    rows = [
        {"place_key": key, "place_admin2": admin2}
        for key, admin2 in admin2_by_key.items()
        if admin2
    ]
    if rows:
        session.execute(_FILL_IN_ADMIN2, rows)


def resolve_source(session: Session, data: SourceIn) -> Source:
    """The source `data` names, created if new.

    Missing publisher/title/date are filled in."""
    key = data.key()
    source = session.scalars(select(Source).where(Source.source_key == key)).first()
    if source is None:
        values = data.model_dump(exclude={"quote"}) | {"source_key": key}
        return _add_registry_row(session, Source, values, key="source_key")
    for name in ("publisher", "title", "published"):
        if getattr(source, name) is None and getattr(data, name) is not None:
            setattr(source, name, getattr(data, name))
    return source


def _ids_by_alias(session: Session, keys: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(keys)):
        query = select(ALIASES.c.alias_key, ALIASES.c.actor_id).where(
            ALIASES.c.alias_key.in_(chunk)
        )
        found.update((key, i) for key, i in session.execute(query))
    return found


def _ids_by_name(session: Session, names: Sequence[str]) -> dict[str, int]:
    """Ids of the actors called one of `names`, by `name_key` of their name."""
    found: dict[str, int] = {}
    unique = sorted(set(names))
    for chunk in _chunks(unique):
        keys = [name_key(name) for name in chunk]
        # lower() in SQLite folds ASCII only: the exact name finds the others.
        query = select(ACTORS.c.name, ACTORS.c.id).where(
            or_(func.lower(ACTORS.c.name).in_(keys), ACTORS.c.name.in_(chunk))
        )
        found.update((name_key(name), i) for name, i in session.execute(query))
    return found


def _add_actors(session: Session, refs: Mapping[str, ActorRef]) -> dict[str, int]:
    """Insert actors named as the keys of `refs`; their ids by `name_key`.

    The first name given of several that differ only in case is the one kept."""
    rows: dict[str, dict[str, Any]] = {}
    for name, ref in refs.items():
        rows.setdefault(
            name_key(name),
            {
                "name": name,
                "kind": (ref.kind or ActorKind.OTHER).value,
                "country": ref.country,
            },
        )
    _insert_new(session, ACTORS, list(rows.values()))
    return _ids_by_name(session, [row["name"] for row in rows.values()])


def _add_aliases(session: Session, aliases: Mapping[str, int]) -> None:
    """Add each name as an alias of its actor (alias text -> actor id)."""
    rows: dict[str, dict[str, Any]] = {}
    for alias, actor_id in aliases.items():
        rows.setdefault(
            name_key(alias),
            {"actor_id": actor_id, "alias": alias, "alias_key": name_key(alias)},
        )
    if rows:
        _insert_new(session, ALIASES, list(rows.values()))


def _insert_new(session: Session, table, rows: list[dict[str, Any]]) -> None:
    """Insert registry rows; one another writer added meanwhile is left alone."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(table).on_conflict_do_nothing(), rows)


def _chunks(items: Sequence) -> Iterable[Sequence]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
