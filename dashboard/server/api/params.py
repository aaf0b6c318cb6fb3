"""The query parameters of the API's reads: the filter (read by `parse_filter`, as
the dashboard's URL and the CLI are), then each endpoint's own (`limit`, `cursor`,
`fields`, `period`, `q`). Every value refused, and every parameter the endpoint does
not know (a misspelt filter would otherwise silently match everything), is a
problem naming the field and the reason."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import fields as dataclass_fields
from typing import Any

from dashboard.server.api.answers import invalid
from tracker.errors import Problem
from tracker.models import EventRecord
from tracker.query.events import Cursor, cursor_from_token, cursor_to_token
from tracker.query.filter_values import read_whole_number
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import Period

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
FILTER_FIELDS = tuple(f.name for f in dataclass_fields(EventFilter))
EVENT_FIELDS = tuple(EventRecord.model_fields)
TIMELINE_PERIODS = (Period.WEEK, Period.MONTH, Period.YEAR)
MAX_SEARCH_LENGTH = 200
Query = Mapping[str, list[str]]


def one(query: Query, name: str) -> str | None:
    """The single value of `name` (None when absent or empty)."""
    values = [v for v in query.get(name, []) if v.strip()]
    return values[-1].strip() if values else None


def check_known(
    query: Query, own: Sequence[str], problems: list[Problem], *, with_filter: bool
) -> None:
    """A problem for each parameter this endpoint does not take."""
    known = set(own) | (set(FILTER_FIELDS) if with_filter else set())
    problems.extend(
        Problem(name[:60], "is not a parameter of this endpoint")
        for name in query
        if name not in known
    )


def read_filter(query: Query, problems: list[Problem]) -> EventFilter:
    """The filter of the query string; its refused values join `problems`."""
    event_filter, refused = parse_filter(
        {k: v for k, v in query.items() if k in FILTER_FIELDS}
    )
    problems.extend(refused)
    return event_filter


def read_limit(query: Query, problems: list[Problem]) -> int:
    """`limit`: 1 to MAX_LIMIT events a page, DEFAULT_LIMIT when not given."""
    text = one(query, "limit")
    if text is None:
        return DEFAULT_LIMIT
    reason = f"must be a whole number from 1 to {MAX_LIMIT}"
    try:
        limit = read_whole_number(text)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(Problem("limit", reason, value=text[:20]))
        return DEFAULT_LIMIT
    return limit


def encode_cursor(cursor: Cursor) -> str:
    """A listing's cursor as an opaque, URL-safe token."""
    text = json.dumps(cursor_to_token(cursor), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def read_cursor(query: Query, problems: list[Problem]) -> Cursor | None:
    """`cursor`: where the page starts, as a `next` link gave it."""
    text = one(query, "cursor")
    if text is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        token = json.loads(raw)
        if not isinstance(token, list):
            raise ValueError("not a list")
        return cursor_from_token("date_start", token)
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        problems.append(
            Problem("cursor", "is not a cursor of this API: use the `next` link")
        )
        return None


def read_fields(query: Query, problems: list[Problem]) -> tuple[str, ...] | None:
    """`fields`: the fields of each event to send (comma-separated or repeated);
    None for all. The id is always sent."""
    names = [
        name.strip()
        for value in query.get("fields", [])
        for name in value.split(",")
        if name.strip()
    ]
    if not names:
        return None
    unknown = [name for name in names if name not in EVENT_FIELDS]
    for name in unknown[:3]:
        problems.append(
            Problem("fields", f"{name[:40]!r} is not a field of an event", value=None)
        )
    return tuple(dict.fromkeys(["id", *names]))


def read_period(query: Query, problems: list[Problem]) -> Period | None:
    """`period`: week, month or year; None to choose one from the filter's span,
    as the timeline page does."""
    text = one(query, "period")
    if text is None:
        return None
    allowed = {p.value: p for p in TIMELINE_PERIODS}
    if text.lower() not in allowed:
        problems.append(
            Problem("period", f"must be one of {', '.join(allowed)}", value=text[:20])
        )
        return None
    return allowed[text.lower()]


def read_search(query: Query, problems: list[Problem]) -> str:
    """`q`: the words a name contains (empty: every name)."""
    text = one(query, "q") or ""
    if len(text) > MAX_SEARCH_LENGTH:
        problems.append(
            Problem("q", f"is longer than {MAX_SEARCH_LENGTH} characters", value=None)
        )
    return text.replace("\x00", "")


def raise_problems(problems: list[Problem]) -> None:
    """ApiError 400 naming every problem, if there is any."""
    if problems:
        raise invalid(problems)


def query_of(args: Any) -> dict[str, list[str]]:
    """The request's query string as name -> every value."""
    return args.to_dict(flat=False)
