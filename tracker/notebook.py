"""tracker from Python and notebooks: `tracker.open(...)` and what it returns.

A `Tracker` reads one local database (a SQLite file or URL, a PostgreSQL URL) with
the dashboard's filter as keyword arguments, read by the one filter parser
(`tracker.query.filters.parse_filter`): `events()` gives a DataFrame (or records,
or chunks of a DataFrame) of the native CSV export's rows, `timeline()` the
dashboard's figures per period. Each call is one read-only unit of work."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from dataclasses import fields
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tracker.config import normalise_database_url
from tracker.db import current_revision, make_engine, session_scope
from tracker.errors import ConfigurationError, InvalidFilter, Problem
from tracker.query.events import count_events
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import Period, choose_period, date_bounds

if TYPE_CHECKING:  # pandas is imported by the calls that make DataFrames
    import pandas as pd

    from tracker.remote import RemoteTracker

FILTER_FIELDS = tuple(item.name for item in fields(EventFilter))
REMOTE_PREFIXES = ("http://", "https://")
AUTO_PERIOD = "auto"  # the period the dashboard would choose


def open_tracker(
    target: str | os.PathLike[str], *, token: str | None = None
) -> Tracker | RemoteTracker:
    """A `Tracker` over the database `target` names: a SQLite file's path, or a
    URL (`sqlite:///events.db`, `postgresql+psycopg://user@host/db`).

    A server's URL (`https://tracker.example.org`, with `token=` from `tracker
    token create`) is read through its JSON API: a `tracker.remote.RemoteTracker`,
    whose reads give the same records and DataFrames. A database that does not
    exist or was never initialised (`tracker init-db`) is refused rather than
    made."""
    text = os.fspath(target)
    if text.startswith(REMOTE_PREFIXES):
        from tracker.remote import RemoteTracker

        return RemoteTracker(text, token=token)
    if token is not None:
        raise ValueError("token= is for a server's URL: a database is opened without")
    if "://" in text:
        url = normalise_database_url(text)
        path = _sqlite_file(url)
    else:
        path = Path(text).expanduser().resolve()
        url = f"sqlite:///{path}"
    if path is not None and not path.is_file():
        # SQLite would make an empty file there and answer "no events".
        raise FileNotFoundError(f"no tracker database at {path}")
    return Tracker(url)


def _sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database or one in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return None
    return Path(parsed.database)


class Tracker:
    """One tracker database, read with the dashboard's filters.

    Filters are keyword arguments named as `EventFilter`'s fields (`since`,
    `until`, `event_types`, `countries`, `actors`, `min_fatalities`, ...): a value
    is a string, a number, a date or a list of them; refused values raise
    `InvalidFilter` (a ValueError) naming each field and why."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine = make_engine(url)
        try:
            revision = current_revision(self._engine)
        except OperationalError as error:
            self._engine.dispose()
            raise ConfigurationError(f"cannot open {self}: {error.orig}") from error
        if revision is None:
            self._engine.dispose()
            raise ConfigurationError(
                f"{self} has no tracker schema yet: run `tracker init-db`"
            )

    def __repr__(self) -> str:
        shown = self._engine.url.render_as_string(hide_password=True)
        return f"<Tracker {shown}>"

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connections (the object cannot read afterwards)."""
        self._engine.dispose()

    def count(self, **filters: Any) -> int:
        """How many events match."""
        event_filter = read_filter(filters)
        with session_scope(self._engine) as session:
            return count_events(session, event_filter)

    def events(
        self,
        *,
        as_records: bool = False,
        chunksize: int | None = None,
        **filters: Any,
    ) -> pd.DataFrame | list[dict[str, Any]] | Iterator[pd.DataFrame]:
        """The matching events, in date order, in the native CSV export's columns.

        A DataFrame with dtypes (dates datetime64, vocabularies categorical, counts
        Int64, text string); with `as_records`, a list of dicts of plain Python
        values; with `chunksize`, an iterator of DataFrames of at most that many
        rows, read a batch at a time (for results larger than memory)."""
        from tracker.frames import event_frame, iter_event_dicts

        event_filter = read_filter(filters)
        chunksize = read_chunksize(chunksize, as_records=as_records)
        if chunksize is not None:
            return self._chunks(event_filter, chunksize)
        with session_scope(self._engine) as session:
            if as_records:
                return list(iter_event_dicts(session, event_filter))
            return event_frame(session, event_filter)

    def _chunks(
        self, event_filter: EventFilter, chunksize: int
    ) -> Iterator[pd.DataFrame]:
        from tracker.frames import iter_event_frames

        # The session stays open while the chunks are read; closing the iterator
        # (or dropping it) ends it.
        with session_scope(self._engine) as session:
            yield from iter_event_frames(session, event_filter, chunksize=chunksize)

    def timeline(self, period: str = "week", **filters: Any) -> pd.DataFrame:
        """The dashboard's timeline figures per period (`day`, `week`, `month` or
        `year`; weeks start on Monday; `auto`: the dashboard's choice for the span
        of the matching events): events, mean conflict-cooperation score,
        cooperation and material-conflict counts, fatalities (best, low, high) and
        the count of each PLOVER type, indexed by the period's first day."""
        from tracker.frames import timeline_frame

        bins = read_period(period)
        event_filter = read_filter(filters)
        with session_scope(self._engine) as session:
            if bins is None:
                bounds = date_bounds(session, event_filter)
                bins = choose_period(*bounds) if bounds else Period.DAY
            return timeline_frame(session, event_filter, bins)


def read_chunksize(chunksize: Any, *, as_records: bool) -> int | None:
    """`events()`'s `chunksize`: None, or a whole number of rows from 1."""
    if as_records and chunksize is not None:
        raise ValueError("give as_records or chunksize, not both")
    if chunksize is None:
        return None
    if isinstance(chunksize, bool) or not isinstance(chunksize, Integral):
        raise ValueError(f"chunksize must be a whole number (got {chunksize!r})")
    if chunksize < 1:
        raise ValueError(f"chunksize must be 1 or more (got {chunksize})")
    return int(chunksize)


def read_period(period: Any) -> Period | None:
    """`timeline()`'s period; None for `auto`; InvalidFilter naming `period`."""
    if period == AUTO_PERIOD:
        return None
    try:
        return Period(str(period).lower())
    except ValueError:
        choices = ", ".join([*(p.value for p in Period), AUTO_PERIOD])
        raise InvalidFilter(
            [Problem(field="period", reason=f"must be one of {choices}", value=period)]
        ) from None


def read_filter(values: Mapping[str, Any]) -> EventFilter:
    """The EventFilter of keyword arguments, read by `parse_filter` after turning
    Python values into the strings it reads; any refusal raises `InvalidFilter`."""
    unknown = [name for name in values if name not in FILTER_FIELDS]
    problems = [
        Problem(field=name, reason="is not a filter: use " + ", ".join(FILTER_FIELDS))
        for name in unknown[:1]
    ]
    problems += [Problem(field=name, reason="is not a filter") for name in unknown[1:]]
    texts = {
        name: _as_text(value) for name, value in values.items() if name not in unknown
    }
    event_filter, refused = parse_filter(texts)
    problems += refused
    if problems:
        raise InvalidFilter(problems)
    return event_filter


def _as_text(value: Any) -> Any:
    """A keyword argument's value as the parser reads it: text, or a list of text.
    Anything else is passed on for the parser to refuse by name."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value  # a moment is not a day: refused rather than cut silently
    if isinstance(value, dt.date | int):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_as_text(item) for item in value]
    return value
