"""EventFilter: the one filter object behind the CLI listing, export, charts and map.

It turns into SQL conditions (`conditions`), into and out of a URL query string (so a
dashboard view is a permalink), and into words (`describe`). `parse_filter` is the one
reader of filter values from outside (URL, callback, CLI): it checks every value
against limits that hold on SQLite and PostgreSQL and says what it refused and why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import parse_qs, urlencode

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from tracker.errors import Problem
from tracker.query.filter_values import (
    FIELD_READERS,
    HAND_ENTERED,
    LIST_FIELDS,
    MAX_LIST_VALUES,
    MAX_PROBLEMS_NAMED,
    SHOWN_VALUE_LENGTH,
)
from tracker.query.sql_text import mostly_true
from tracker.tables import (
    actor,
    actor_alias,
    event,
    event_actor,
    event_source,
    location,
)
from tracker.vocab import taxonomy
from tracker.vocab.codes import EventStatus

# What the figures count unless the filter names statuses: events an analyst has
# confirmed or disputed. A machine's proposals wait for review and a retraction
# withdraws an event; counting either would put unreviewed or withdrawn numbers
# into a briefing (issue #12).
COUNTED_STATUSES: tuple[str, ...] = (
    EventStatus.CONFIRMED.value,
    EventStatus.DISPUTED.value,
)

# Up to this many values a list condition is a plain IN list, as the indexes and
# the bench were tuned with; longer lists travel as one JSON array parameter.
PLAIN_IN_LIST = 100


class json_array_values(FunctionElement):  # noqa: N801 - named as SQL functions are
    """The elements of a JSON array parameter as rows of text, in a column `value`.

    SQLite calls it json_each, PostgreSQL json_array_elements_text; both name the
    column `value`, so the query around it is one code path on both databases."""

    inherit_cache = True
    name = "json_array_values"
    postgres_function = "json_array_elements_text"


class jsonb_array_values(json_array_values):  # noqa: N801
    """The same rows from a JSON list column (the tags), which PostgreSQL stores
    as JSONB and unnests with its own function."""

    inherit_cache = True
    name = "jsonb_array_values"
    postgres_function = "jsonb_array_elements_text"


@compiles(json_array_values)
def _json_each(element: json_array_values, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_each({compiler.process(element.clauses, **kw)})"


@compiles(json_array_values, "postgresql")
def _json_array_elements(
    element: json_array_values, compiler: SQLCompiler, **kw: Any
) -> str:
    arguments = compiler.process(element.clauses, **kw)
    return f"{element.postgres_function}({arguments})"


def one_of(column: ColumnElement, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values`, for a list of any length, on SQLite and PostgreSQL.

    An IN list binds one parameter a value, and PostgreSQL refuses a statement with
    more than 65,535 (a filter of 10,000 actors is used more than once in some
    statements). A long list is therefore bound as one JSON array and read back
    as rows in SQL; a short one stays an IN list, which both planners estimate
    from its length."""
    if len(values) <= PLAIN_IN_LIST:
        return column.in_(list(values))
    listed = json_array_values(bindparam(None, list(values), type_=JSON))
    return column.in_(select(literal_column("value")).select_from(listed))


def id_in(column: ColumnElement, parameter: str = "ids") -> ColumnElement[bool]:
    """`column IN :parameter`, the ids bound at execution as one JSON array,
    whatever their number (`{parameter: [1, 2, ...]}`).

    A page of 500 records reads its parts with five such conditions: as IN lists,
    each statement was built again and expanded 500 parameters at every
    execution. With one parameter a statement is built and compiled once, and
    PostgreSQL's limit of 65,535 parameters never applies; both planners still
    look each id up by its index."""
    return _in_json_ids(column, bindparam(parameter, type_=JSON))


def among_ids(column: ColumnElement, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids`, the ids bound as one JSON array as `id_in` binds them, for
    a statement built with its ids (thousands of them at a time)."""
    return _in_json_ids(column, bindparam(None, [int(i) for i in ids], type_=JSON))


def _in_json_ids(column: ColumnElement, ids: BindParameter) -> ColumnElement[bool]:
    listed = json_array_values(ids)
    wanted = select(cast(literal_column("value"), Integer)).select_from(listed)
    return column.in_(wanted)


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
    order (`event.figures_flag`, UCDP's "Check deaths" rows)."""

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
    # The analyst's own codes (issue 14): ACLED's types as imported, the dataset an
    # event came from, the province, the kind of actor, a fatality ceiling, tags.
    acled_event_types: tuple[str, ...] = ()
    acled_sub_event_types: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()  # district, raion, municipality, where known
    actor_kinds: tuple[str, ...] = ()
    max_fatalities: int | None = None
    civilians_targeted: bool = False
    tags: tuple[str, ...] = ()

    def conditions(self) -> list[ColumnElement[bool]]:
        """SQL conditions over the `event` table (joined to nothing) for this filter."""
        where: list[ColumnElement[bool]] = []
        if self.since is not None:
            where.append(
                func.coalesce(event.c.date_end, event.c.date_start) >= self.since
            )
            where.append(event.c.date_start >= self._earliest_start())
        if self.until is not None:
            where.append(event.c.date_start <= self.until)
        if self.event_types:
            where.append(
                one_of(event.c.event_type, [t.upper() for t in self.event_types])
            )
        if self.modes:
            where.append(one_of(event.c.mode, [m.lower() for m in self.modes]))
        statuses = self.counted_statuses()
        status_test = one_of(event.c.status, statuses)
        # Confirmed and disputed are nearly every event, but SQLite's sampled (or
        # absent) statistics take them for rare: a year's timeline or map read
        # every confirmed event through ix_event_status instead of the year's date
        # range (0.25 s a statement at 1M events), and `tracker list` sorted them
        # all. Proposed and retracted events alone may well be rare.
        common = set(statuses) & set(COUNTED_STATUSES)
        where.append(mostly_true(status_test) if common else status_test)
        if self.min_fatalities is not None:
            where.append(event.c.fatalities_best >= self.min_fatalities)
        if self.flagged_figures:
            where.append(event.c.figures_flag.is_not(None))
        if self.actors:
            where.append(self._actor_condition())
        if self.countries or self.places:
            where.append(self._location_condition())
        if self.text:
            where.append(self._text_condition())
        if self.acled_event_types:
            where.append(one_of(event.c.acled_event_type, list(self.acled_event_types)))
        if self.acled_sub_event_types:
            where.append(
                one_of(event.c.acled_sub_event_type, list(self.acled_sub_event_types))
            )
        if self.datasets:
            where.append(self._dataset_condition())
        if self.admin1:
            where.append(self._admin_condition(location.c.admin1, self.admin1))
        if self.admin2:
            where.append(self._admin_condition(location.c.admin2, self.admin2))
        if self.actor_kinds:
            where.append(self._actor_kind_condition())
        if self.max_fatalities is not None:
            where.append(event.c.fatalities_best <= self.max_fatalities)
        if self.civilians_targeted or self.tags:
            where.extend(self._tag_conditions())
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
        running = event.alias()
        # min() of an expression, not of the bare column: given min(date_start),
        # SQLite walks the date_start index from its first entry until a row has a
        # date_end, which is every row when none has; here it uses ix_event_date_end.
        first = func.coalesce(running.c.date_start, running.c.date_end)
        earlier = (
            select(func.min(first))
            .where(running.c.date_end >= self.since)
            .scalar_subquery()
        )
        return case((earlier < self.since, earlier), else_=self.since)

    def _actor_condition(self) -> ColumnElement[bool]:
        keys = [name.strip().casefold() for name in self.actors]
        # Aliases of their own: in a query that joins actors itself (the timeline's
        # swimlanes) these subqueries would be correlated to its rows and lose
        # their FROM clause.
        named, alias, link = actor.alias(), actor_alias.alias(), event_actor.alias()
        by_name = select(named.c.id).where(one_of(func.lower(named.c.name), keys))
        by_alias = select(alias.c.actor_id).where(one_of(alias.c.alias_key, keys))
        return exists().where(
            link.c.event_id == event.c.id,
            or_(link.c.actor_id.in_(by_name), link.c.actor_id.in_(by_alias)),
        )

    def _location_condition(self) -> ColumnElement[bool]:
        # A correlated EXISTS (one primary-key look-up per event), not
        # `location_id IN (places of the country)`: given that list, SQLite walks
        # the location_id index place by place and reads every event of the country
        # in random order, ignoring the date range; with EXISTS the date index leads.
        # correlate_except: a listing that joins location must not take this
        # subquery's own location for its own.
        matching = (
            exists()
            .where(location.c.id == event.c.location_id)
            .correlate_except(location)
        )
        if self.countries:
            matching = matching.where(
                one_of(location.c.country, [c.upper() for c in self.countries])
            )
        if self.places:
            keys = [p.strip().lower() for p in self.places]
            matching = matching.where(
                or_(
                    one_of(func.lower(location.c.name), keys),
                    one_of(func.lower(location.c.admin1), keys),
                )
            )
        return matching

    def _dataset_condition(self) -> ColumnElement[bool]:
        tests = [one_of(event.c.dataset, list(self.datasets))]
        if HAND_ENTERED in self.datasets:
            # The form stores no dataset; events added as "form" match too.
            tests.append(event.c.dataset.is_(None))
        return or_(*tests)

    @staticmethod
    def _admin_condition(column, names: Sequence[str]) -> ColumnElement[bool]:
        """The event's place has one of `names` (in any case) in `column`."""
        keys = [name.strip().lower() for name in names]
        return (
            exists()
            .where(
                location.c.id == event.c.location_id,
                one_of(func.lower(column), keys),
            )
            .correlate_except(location)
        )

    def _actor_kind_condition(self) -> ColumnElement[bool]:
        kind, link = actor.alias(), event_actor.alias()
        return exists().where(
            link.c.event_id == event.c.id,
            link.c.actor_id == kind.c.id,
            one_of(kind.c.kind, list(self.actor_kinds)),
        )

    def _tag_conditions(self) -> list[ColumnElement[bool]]:
        """Civilians targeted: the event has that tag; tags: it has any of them
        (in any case). Both given: both hold."""

        def has_any(names: Sequence[str]) -> ColumnElement[bool]:
            keys = [name.strip().lower() for name in names]
            # Both functions name their column `value`.
            value = literal_column("value")
            return exists(
                select(value)
                .select_from(jsonb_array_values(event.c.tags))
                .where(one_of(func.lower(value), keys))
            )

        found = []
        if self.civilians_targeted:
            found.append(has_any([taxonomy.CIVILIANS_TARGETED_TAG]))
        if self.tags:
            found.append(has_any(self.tags))
        return found

    def _text_condition(self) -> ColumnElement[bool]:
        pattern = f"%{_escape_like(self.text.strip().lower())}%"
        quoted = exists().where(
            event_source.c.event_id == event.c.id,
            func.lower(event_source.c.quote).like(pattern, escape="\\"),
        )
        return or_(
            func.lower(event.c.title).like(pattern, escape="\\"),
            func.lower(event.c.notes).like(pattern, escape="\\"),
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
            "acled_event_types": "ACLED type",
            "acled_sub_event_types": "ACLED sub-event type",
            "datasets": "dataset",
            "admin1": "admin1",
            "admin2": "admin2",
            "actor_kinds": "actor kind",
            "tags": "tag",
        }
        for name, label in labels.items():
            values = getattr(self, name)
            if values:
                parts.append(f"{label} {' or '.join(values)}")
        if self.text:
            parts.append(f"mentioning {self.text!r}")
        if self.min_fatalities is not None and self.max_fatalities is not None:
            parts.append(f"with {self.min_fatalities} to {self.max_fatalities} killed")
        elif self.min_fatalities is not None:
            parts.append(f"with at least {self.min_fatalities} killed")
        elif self.max_fatalities is not None:
            parts.append(f"with at most {self.max_fatalities} killed")
        if self.civilians_targeted:
            parts.append("targeting civilians")
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
        """Read a filter back from a URL query string, ignoring refused values.

        `parse_query_string` also says which values were refused and why."""
        return parse_query_string(query)[0]

    @classmethod
    def from_mapping(
        cls, values: Mapping[str, Sequence[str] | str | None]
    ) -> EventFilter:
        """Build a filter from strings or lists of strings, ignoring refused values.

        `parse_filter` also says which values were refused and why."""
        return parse_filter(values)[0]


def parse_query_string(query: str) -> tuple[EventFilter, list[Problem]]:
    """The filter of a URL query string, and the problems of the values it refused."""
    return parse_filter(parse_qs(query.lstrip("?"), keep_blank_values=True))


def parse_filter(
    values: Mapping[str, Any],
) -> tuple[EventFilter, list[Problem]]:
    """The filter that `values` (field name -> a string or a list of strings, from a
    query string, a callback or CLI options) asks for, and a problem for each value
    refused.

    The one reader of filter values from outside, so every surface takes the same
    values and refuses the same ones: the filter holds only what was accepted, and
    the caller decides whether a problem is an error (the export route, the CLI) or
    a notice beside what is shown (the dashboard's pages). Keys that are not filter
    fields are left to the caller; empty values mean "no restriction"."""
    accepted: dict[str, Any] = {}
    problems: list[Problem] = []
    for item in fields(EventFilter):
        reader = FIELD_READERS[item.name]
        texts, refused = _texts(item.name, values.get(item.name))
        problems.extend(refused)
        if not texts:
            continue
        if item.name in LIST_FIELDS:
            value, found = _read_list(item.name, texts, reader)
        else:
            value, found = _read_single(item.name, texts, reader)
        problems.extend(found)
        if value is not None:
            accepted[item.name] = value
    return EventFilter(**accepted), problems


def _texts(field: str, raw: Any) -> tuple[list[str], list[Problem]]:
    """The non-empty strings of a raw value, without NUL characters (which never
    mean anything in a filter and which PostgreSQL refuses)."""
    items = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    texts = [v.replace("\x00", "").strip() for v in items if isinstance(v, str)]
    others = [v for v in items if not isinstance(v, str) and v is not None]
    refused = [
        Problem(field=field, reason="must be text", value=_shown(v)) for v in others[:1]
    ]
    return [t for t in texts if t], refused


def _read_single(
    field: str, texts: list[str], reader: Callable[[str], Any]
) -> tuple[Any, list[Problem]]:
    if len(texts) > 1:
        reason = f"is given {len(texts)} times: give it once"
        return None, [Problem(field=field, reason=reason)]
    try:
        return reader(texts[0]), []
    except ValueError as error:
        return None, [Problem(field=field, reason=str(error), value=_shown(texts[0]))]


def _read_list(
    field: str, texts: list[str], reader: Callable[[str], Any]
) -> tuple[tuple[Any, ...] | None, list[Problem]]:
    if len(texts) > MAX_LIST_VALUES:
        reason = f"has {len(texts):,} values: at most {MAX_LIST_VALUES:,} are taken"
        return None, [Problem(field=field, reason=reason)]
    accepted: dict[Any, None] = {}  # in the order given, once each
    problems: list[Problem] = []
    for text in texts:
        try:
            accepted[reader(text)] = None
        except ValueError as error:
            problems.append(Problem(field=field, reason=str(error), value=_shown(text)))
    if len(problems) > MAX_PROBLEMS_NAMED:
        more = len(problems) - MAX_PROBLEMS_NAMED
        problems[MAX_PROBLEMS_NAMED:] = [
            Problem(field=field, reason=f"{more:,} more values refused")
        ]
    return (tuple(accepted) or None), problems


def _shown(value: Any) -> str:
    """A refused value as a message quotes it: at most SHOWN_VALUE_LENGTH characters."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > SHOWN_VALUE_LENGTH:
        return text[:SHOWN_VALUE_LENGTH] + f"… ({len(text):,} characters)"
    return text
