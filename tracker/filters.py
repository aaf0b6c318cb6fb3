"""EventFilter: the one filter object behind the CLI listing, export, charts and map.

It turns into SQL conditions (`conditions`), into and out of a URL query string (so a
dashboard view is a permalink), and into words (`describe`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qs, urlencode

from sqlalchemy import ColumnElement, case, exists, func, or_, select
from sqlalchemy.orm import aliased

from tracker.models import (
    Actor,
    ActorAlias,
    Event,
    EventActor,
    EventSource,
    EventStatus,
    Location,
)

# What the figures count unless the filter names statuses: events an analyst has
# confirmed or disputed. A machine's proposals wait for review and a retraction
# withdraws an event; counting either would put unreviewed or withdrawn numbers
# into a briefing (issue #12).
COUNTED_STATUSES: tuple[str, ...] = (
    EventStatus.CONFIRMED.value,
    EventStatus.DISPUTED.value,
)


# How a yes/no filter is written in a URL or an option ("?flagged_figures=1").
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def _escape_like(text: str) -> str:
    """Make user text literal inside a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class EventFilter:
    """Which events to show: every field narrows the set; empty means no restriction.

    Dates select events whose interval [date_start, date_end] overlaps
    [since, until]. Without `statuses`, only confirmed and disputed events match
    (`COUNTED_STATUSES`): proposals and retracted events are there when asked for.
    `flagged_figures` keeps only events whose dataset published figures out of
    order (`Event.figures_flag`, UCDP's "Check deaths" rows)."""

    since: dt.date | None = None
    until: dt.date | None = None
    event_types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    text: str | None = None
    min_fatalities: int | None = None
    statuses: tuple[str, ...] = ()
    flagged_figures: bool = False

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions over the `event` table (joined to nothing) for this filter."""
        where: list[ColumnElement[bool]] = []
        if self.since is not None:
            where.append(func.coalesce(Event.date_end, Event.date_start) >= self.since)
            where.append(Event.date_start >= self._earliest_start())
        if self.until is not None:
            where.append(Event.date_start <= self.until)
        if self.event_types:
            where.append(Event.event_type.in_([t.upper() for t in self.event_types]))
        if self.modes:
            where.append(Event.mode.in_([m.lower() for m in self.modes]))
        where.append(Event.status.in_(self.counted_statuses()))
        if self.min_fatalities is not None:
            where.append(Event.fatalities_best >= self.min_fatalities)
        if self.flagged_figures:
            where.append(Event.figures_flag.is_not(None))
        if self.actors:
            where.append(self._actor_condition())
        if self.countries or self.places:
            where.append(self._location_condition())
        if self.text:
            where.append(self._text_condition())
        return where

    def counted_statuses(self) -> list[str]:
        """The statuses this filter matches: those named, else `COUNTED_STATUSES`."""
        if self.statuses:
            return [s.lower() for s in self.statuses]
        return list(COUNTED_STATUSES)

    def _earliest_start(self) -> ColumnElement:
        """The earliest start an event overlapping `since` can have: `since`, or the
        start of an earlier event still running then.

        The overlap test on coalesce(date_end, date_start) cannot use the date_start
        index; this bound, redundant but exact, can, so a date range is an index
        range scan on both ends. Its subquery reads the few events with a date_end
        through ix_event_date_end, once per query."""
        running = aliased(Event)
        # min() of an expression, not of the bare column: given min(date_start),
        # SQLite walks the date_start index from its first entry until a row has a
        # date_end, which is every row when none has; here it uses ix_event_date_end.
        first = func.coalesce(running.date_start, running.date_end)
        earlier = (
            select(func.min(first))
            .where(running.date_end >= self.since)
            .scalar_subquery()
        )
        return case((earlier < self.since, earlier), else_=self.since)

    def _actor_condition(self) -> ColumnElement[bool]:
        keys = [name.strip().casefold() for name in self.actors]
        # Aliases of their own: in a query that joins actors itself (the timeline's
        # swimlanes) these subqueries would be correlated to its rows and lose
        # their FROM clause.
        actor, alias, link = aliased(Actor), aliased(ActorAlias), aliased(EventActor)
        by_name = select(actor.id).where(func.lower(actor.name).in_(keys))
        by_alias = select(alias.actor_id).where(alias.alias_key.in_(keys))
        return exists().where(
            link.event_id == Event.id,
            or_(link.actor_id.in_(by_name), link.actor_id.in_(by_alias)),
        )

    def _location_condition(self) -> ColumnElement[bool]:
        # A correlated EXISTS (one primary-key look-up per event), not
        # `location_id IN (places of the country)`: given that list, SQLite walks
        # the location_id index place by place and reads every event of the country
        # in random order, ignoring the date range; with EXISTS the date index leads.
        # correlate_except: a listing that joins location must not take this
        # subquery's own location for its own.
        matching = (
            exists().where(Location.id == Event.location_id).correlate_except(Location)
        )
        if self.countries:
            matching = matching.where(
                Location.country.in_([c.upper() for c in self.countries])
            )
        if self.places:
            keys = [p.strip().lower() for p in self.places]
            matching = matching.where(
                or_(
                    func.lower(Location.name).in_(keys),
                    func.lower(Location.admin1).in_(keys),
                )
            )
        return matching

    def _text_condition(self) -> ColumnElement[bool]:
        pattern = f"%{_escape_like(self.text.strip().lower())}%"
        quoted = exists().where(
            EventSource.event_id == Event.id,
            func.lower(EventSource.quote).like(pattern, escape="\\"),
        )
        return or_(
            func.lower(Event.title).like(pattern, escape="\\"),
            func.lower(Event.notes).like(pattern, escape="\\"),
            quoted,
        )

    def is_empty(self) -> bool:
        """True when the filter lets every event through."""
        return self == EventFilter()

    def describe(self) -> str:
        """The filter in words, for chart titles and export headers; it names the
        statuses counted, so a figure always says what it counts."""
        parts = []
        if self.since and self.until:
            parts.append(f"from {self.since} to {self.until}")
        elif self.since:
            parts.append(f"since {self.since}")
        elif self.until:
            parts.append(f"until {self.until}")
        labels = {
            "event_types": "type",
            "modes": "mode",
            "actors": "actor",
            "countries": "country",
            "places": "place",
        }
        for name, label in labels.items():
            values = getattr(self, name)
            if values:
                parts.append(f"{label} {' or '.join(values)}")
        if self.text:
            parts.append(f"mentioning {self.text!r}")
        if self.min_fatalities is not None:
            parts.append(f"with at least {self.min_fatalities} killed")
        if self.flagged_figures:
            parts.append("with figures flagged as published out of order")
        return " ".join([self.describe_statuses(), ", ".join(parts)]).strip()

    def describe_statuses(self) -> str:
        """Which events are counted, in words: "confirmed and disputed events" by
        default, else the statuses asked for ("proposed or confirmed events")."""
        if not self.statuses:
            return " and ".join(COUNTED_STATUSES) + " events"
        return " or ".join(s.lower() for s in self.statuses) + " events"

    def to_query_string(self) -> str:
        """The filter as a URL query string; lists repeat their key."""
        pairs: list[tuple[str, str]] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, tuple):
                pairs.extend((item.name, v) for v in value)
            elif isinstance(value, bool):
                pairs.extend([(item.name, "1")] if value else [])
            elif value is not None:
                pairs.append((item.name, str(value)))
        return urlencode(pairs)

    @classmethod
    def from_query_string(cls, query: str) -> EventFilter:
        """Read a filter back from a URL query string.

        Unknown or malformed keys are ignored."""
        return cls.from_mapping(parse_qs(query.lstrip("?")))

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Sequence[str] | str | None]
    ) -> EventFilter:
        """Build a filter from strings or lists of strings.

        They come from a query string or CLI options."""
        kwargs: dict[str, Any] = {}
        for item in fields(cls):
            raw = values.get(item.name)
            items = [raw] if isinstance(raw, str) else [v for v in (raw or []) if v]
            # NUL never means anything in a filter and PostgreSQL refuses it.
            items = [v.replace("\x00", "").strip() for v in items if v]
            items = [v for v in items if v]
            if not items:
                continue
            if item.name in ("since", "until"):
                try:
                    kwargs[item.name] = dt.date.fromisoformat(items[0])
                except ValueError:
                    continue
            elif item.name == "min_fatalities":
                if items[0].isdigit():
                    kwargs[item.name] = int(items[0])
            elif item.name == "text":
                kwargs[item.name] = items[0]
            elif item.name == "flagged_figures":
                kwargs[item.name] = items[0].lower() in TRUE_WORDS
            else:
                kwargs[item.name] = tuple(items)
        return cls(**kwargs)
