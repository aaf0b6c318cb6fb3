"""What the events table shows besides the filter, read from and written to the URL.

The sort (`sort=fatalities_best&desc=1`), the page (`page=3`), the keyset cursor the
page starts from, and the extra columns (`cols=admin1,dataset`) all live in the query
string, so a reload, Back and a shared link show the same table. A page reached
through its links carries the cursor of the row before it (`after`) or after it
(`before`, read in the reverse order), so no page is read by OFFSET from the top; a
page number alone (typed, or "last") is read from whichever end is nearer.
Pure: no database, no Dash."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from tracker.query.filters import EventFilter

PAGE_SIZE = 50
SORT_KEYS = ("date_start", "event_type", "fatalities_best")
DEFAULT_SORT = "date_start"
# Extra columns a reader may add, in the order they appear; value: the header.
OPTIONAL_COLUMNS: dict[str, str] = {
    "initiators": "Initiators",
    "targets": "Targets",
    "other_actors": "Other actors",
    "acled_event_type": "ACLED event type",
    "acled_sub_event_type": "ACLED sub-event type",
    "admin1": "Admin1",
    "admin2": "Admin2",
    "dataset": "Dataset",
    "notes": "Notes",
    "source": "Source",
}
# The table's own keys in the URL; a changed filter drops the page ones.
TABLE_KEYS = ("sort", "desc", "page", "after", "before", "cols")
PAGE_KEYS = ("page", "after", "before")
MAX_PAGE = 10**9
_WHOLE = re.compile(r"-?\d{1,18}")


@dataclass(frozen=True)
class TableState:
    """The table's settings: sort, page, the cursor it starts from, extra columns."""

    sort: str = DEFAULT_SORT
    descending: bool = False
    page: int = 1
    after: str | None = None  # the cursor (as text) of the row before the page
    before: str | None = None  # the cursor (as text) of the row after the page
    columns: tuple[str, ...] = ()

    def to_pairs(self) -> list[tuple[str, str]]:
        """The settings that differ from the defaults, as URL query pairs."""
        pairs: list[tuple[str, str]] = []
        if self.sort != DEFAULT_SORT:
            pairs.append(("sort", self.sort))
        if self.descending:
            pairs.append(("desc", "1"))
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        if self.after is not None:
            pairs.append(("after", self.after))
        elif self.before is not None:
            pairs.append(("before", self.before))
        if self.columns:
            pairs.append(("cols", ",".join(self.columns)))
        return pairs

    def sorted_by(self, sort: str, descending: bool) -> TableState:
        """The table sorted anew: back to its first page."""
        return replace(self, sort=sort, descending=descending).at_page(1)

    def at_page(
        self, page: int, *, after: str | None = None, before: str | None = None
    ) -> TableState:
        """The table at `page`, starting from a cursor when one is known."""
        return replace(self, page=page, after=after, before=before)

    def with_columns(self, columns: Sequence[str]) -> TableState:
        """The table with these extra columns (unknown names dropped)."""
        chosen = set(columns)
        return replace(self, columns=tuple(c for c in OPTIONAL_COLUMNS if c in chosen))


def _first(value: Any) -> str | None:
    """The first text of a query value (a repeated key gives a list)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def read_table_state(query: Mapping[str, Any]) -> TableState:
    """The table's settings from the URL's query values; a value that means nothing
    falls back to the default rather than failing the page."""
    sort = _first(query.get("sort"))
    page_text = (_first(query.get("page")) or "").strip()
    page = int(page_text) if page_text.isdigit() and len(page_text) < 10 else 1
    columns = [c.strip() for c in (_first(query.get("cols")) or "").split(",")]
    after, before = _first(query.get("after")), _first(query.get("before"))
    return TableState(
        sort=sort if sort in SORT_KEYS else DEFAULT_SORT,
        descending=_first(query.get("desc")) in ("1", "true"),
        page=min(max(page, 1), MAX_PAGE),
        after=after or None,
        before=None if after else before or None,
    ).with_columns(columns)


def table_search(event_filter: EventFilter, state: TableState) -> str:
    """The URL query string ("?..." or "") of the filter and the table settings."""
    query = "&".join(
        q for q in (event_filter.to_query_string(), urlencode(state.to_pairs())) if q
    )
    return "?" + query if query else ""


def cursor_text(token: Sequence[Any]) -> str:
    """A cursor token (`tracker.query.listing.cursor_to_token`) as URL text."""
    return ",".join(str(value) for value in token)


def cursor_token(text: str | None) -> list[Any] | None:
    """A cursor's URL text back as a token: whole numbers as numbers, the rest as
    text; `cursor_from_token` judges whether it fits the sort."""
    if not text:
        return None
    return [int(v) if _WHOLE.fullmatch(v) else v for v in text.split(",")]


def last_page(total: int, size: int | None = None) -> int:
    """The number of the last page (1 for an empty table)."""
    return max(1, -(-total // (size or PAGE_SIZE)))


@dataclass(frozen=True)
class PageSpan:
    """Which rows a page holds: rows `first`..`last` (1-based) of `total`."""

    page: int
    first: int
    last: int
    total: int

    def describe(self) -> str:
        """E.g. "rows 1–50 of 12,345"."""
        if self.total == 0:
            return "no rows"
        return f"rows {self.first:,}–{self.last:,} of {self.total:,}"


def page_span(page: int, total: int, size: int | None = None) -> PageSpan:
    """The rows of `page` (clamped to the pages there are) of a `total`-row table."""
    size = size or PAGE_SIZE
    page = min(max(page, 1), last_page(total, size))
    first = (page - 1) * size + 1
    return PageSpan(page, min(first, total), min(page * size, total), total)
