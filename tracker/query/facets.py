"""Facets: the values a filter or form can take (actors, countries, places, events to
link to), found in SQL.

Choices are searched in the database rather than shipped whole to the browser, so
the filter panel stays light with thousands of actors and places."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pycountry
from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from tracker.models import Actor, ActorAlias, Event, Location


@dataclass(frozen=True)
class Choice:
    """One value a filter control offers, with the label to show."""

    value: str
    label: str


# Names of actors and places hold at most 200 characters, so a longer search matches
# nothing; refusing it early also keeps the LIKE pattern within SQLite's limit.
NAME_LENGTH = 200


def _too_long(search: str) -> bool:
    return len(search.strip()) > NAME_LENGTH


def _pattern(search: str) -> str:
    # No name holds a NUL, and PostgreSQL refuses one in a pattern: dropped.
    escaped = search.replace("\x00", "").strip().lower().replace("\\", "\\\\")
    return "%" + escaped.replace("%", "\\%").replace("_", "\\_") + "%"


def search_actors(
    session: Session, search: str = "", *, limit: int = 50
) -> list[Choice]:
    """Registry actors whose name or an alias contains `search`, alphabetically.

    The value is the registry name; an actor found by an alias only is labelled
    with it, "Government of Russia (alias: the Kremlin)", so the analyst sees why it
    is offered and a dropdown that filters its options by label keeps it."""
    if _too_long(search):
        return []
    if not search.strip():
        query = select(Actor.name).order_by(Actor.name).limit(limit)
        return [Choice(name, name) for name in session.execute(query).scalars()]
    pattern = _pattern(search)
    # One alias per actor (the first, alphabetically) names why it matched.
    by_alias = (
        select(ActorAlias.actor_id, func.min(ActorAlias.alias).label("alias"))
        .where(func.lower(ActorAlias.alias).like(pattern, escape="\\"))
        .group_by(ActorAlias.actor_id)
        .subquery()
    )
    by_name = func.lower(Actor.name).like(pattern, escape="\\")
    query = (
        select(Actor.name, by_name.label("by_name"), by_alias.c.alias)
        .outerjoin(by_alias, by_alias.c.actor_id == Actor.id)
        .where(or_(by_name, by_alias.c.alias.is_not(None)))
        .order_by(Actor.name)
        .limit(limit)
    )
    return [
        Choice(name, name if named else f"{name} (alias: {alias})")
        for name, named, alias in session.execute(query)
    ]


def country_choices(session: Session) -> list[Choice]:
    """The countries of known places, labelled with their names."""
    codes = session.execute(
        select(Location.country).where(Location.country.is_not(None)).distinct()
    ).scalars()
    choices = [Choice(code, f"{_country_name(code)} ({code})") for code in codes]
    return sorted(choices, key=lambda choice: choice.label)


def _country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


# The datasets tracker's importers and forms write, as the filter names them (a
# test holds this list and the importers' names in step).
DATASET_CHOICES: tuple[Choice, ...] = (
    Choice("acled", "ACLED"),
    Choice("ucdp", "UCDP GED"),
    Choice("gdelt", "GDELT"),
    Choice("plover", "PLOVER"),
    Choice("native", "tracker CSV"),
    Choice("seed", "Seed article"),
    Choice("extraction", "Extracted from articles"),
    Choice("form", "Entered by hand"),
)


def search_admin1(
    session: Session, search: str = "", *, limit: int = 50
) -> list[Choice]:
    """First-level regions (admin1) of known places containing `search`."""
    return _search_admin(session, Location.admin1, search, limit)


def search_admin2(
    session: Session, search: str = "", *, limit: int = 50
) -> list[Choice]:
    """Second-level units (admin2: districts, raions) of known places containing
    `search`."""
    return _search_admin(session, Location.admin2, search, limit)


def _search_admin(session: Session, column, search: str, limit: int) -> list[Choice]:
    if _too_long(search):
        return []
    query = select(column).where(column.is_not(None)).distinct()
    if search.strip():
        pattern = _pattern(search)
        query = query.where(func.lower(column).like(pattern, escape="\\"))
    query = query.order_by(column).limit(limit)
    return [Choice(name, name) for name in session.execute(query).scalars()]


def search_places(
    session: Session, search: str = "", *, limit: int = 50
) -> list[Choice]:
    """Place names and admin1 regions containing `search`, alphabetically."""
    if _too_long(search):
        return []
    names = select(Location.name.label("place"))
    regions = select(Location.admin1.label("place")).where(Location.admin1.is_not(None))
    if search.strip():
        pattern = _pattern(search)
        names = names.where(func.lower(Location.name).like(pattern, escape="\\"))
        regions = regions.where(func.lower(Location.admin1).like(pattern, escape="\\"))
    places = names.union(regions).subquery()
    query = select(places.c.place).order_by(places.c.place).limit(limit)
    return [Choice(place, place) for place in session.execute(query).scalars()]


# Ids the database hands out fit in a 64-bit integer; a longer run of digits is text.
EVENT_ID_DIGITS = 18


def search_events(
    session: Session,
    search: str = "",
    *,
    exclude_id: int | None = None,
    chosen: tuple[int, ...] = (),
    limit: int = 20,
) -> list[Choice]:
    """Events to link to: the one whose id is `search` (a leading "#" allowed), then
    those whose title contains it, latest first; the `chosen` ones always included.

    Labelled "#12 Title (2025-05-24)", valued by the id as text. `exclude_id` (the
    event being edited) is never offered: an event cannot link to itself. Latest
    first along the (date_start, id) index, so a common word stops after `limit`."""
    text = search.strip().removeprefix("#").strip()
    rows: list[Any] = []
    if chosen:
        rows += session.execute(_event_choice_query().where(Event.id.in_(chosen)))
    if text.isdigit() and len(text) <= EVENT_ID_DIGITS:
        rows += session.execute(_event_choice_query().where(Event.id == int(text)))
    if not _too_long(text):
        query = _event_choice_query().order_by(Event.date_start.desc(), Event.id.desc())
        if text:
            pattern = _pattern(text)
            query = query.where(func.lower(Event.title).like(pattern, escape="\\"))
        rows += session.execute(query.limit(limit))
    choices, seen = [], {exclude_id}
    for event_id, title, date_start in rows:
        if event_id not in seen:
            seen.add(event_id)
            choices.append(Choice(str(event_id), f"#{event_id} {title} ({date_start})"))
    return choices


def _event_choice_query() -> Select:
    return select(Event.id, Event.title, Event.date_start)
