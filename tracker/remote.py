"""tracker.open() on a server's URL: the JSON API read into the same records and
DataFrames as a local database gives.

`events()` pages through GET /api/v1/events by its `next` link, the largest page
the API allows, and makes each record the native export's row with the export's
own `csv_row` (undoing only the apostrophe it puts before a formula, which a
DataFrame does not hold), then the DataFrame with `tracker.frames`, so the columns
and dtypes are the local mode's by construction. The `dataset` column's categories
are the server's datasets (GET /api/v1/datasets), as a local read takes the
database's. `timeline()` is GET /api/v1/timeline made into the local DataFrame.

Filters are read here by the same parser as the local mode and sent as its query
string; a value the server still refuses (its JSON `problems`) raises the same
`InvalidFilter`. A refused token (401, 403) raises `PermissionDenied`, too many
requests (429) `RateLimited`, with what the server said.

Imported only when a server's URL is opened: httpx and pydantic take a while."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import httpx

from tracker.errors import InvalidFilter, PermissionDenied, Problem, TrackerError
from tracker.formats.native.cells import csv_row, unescape_cell
from tracker.formats.native.kinds import DATE_COLUMNS, TIMESTAMP_COLUMNS
from tracker.notebook import read_chunksize, read_filter, read_period

if TYPE_CHECKING:
    import pandas as pd

    from tracker.models import EventRecord

API_PATH = "/api/v1"
PAGE_LIMIT = 1000  # the API's largest page (its `limit` refuses more)
TIMEOUT_SECONDS = 60.0


class RemoteError(TrackerError):
    """The server answered with an error that is not about the filter, or could not
    be reached (`status` None)."""

    def __init__(self, status: int | None, message: str):
        # No status: the server was not reached at all.
        super().__init__(
            message if status is None else f"the server answered {status}: {message}"
        )
        self.status = status


class RateLimited(RemoteError):
    """Too many requests with this token: wait `retry_after` seconds."""

    def __init__(self, message: str, retry_after: float | None):
        super().__init__(429, message)
        self.retry_after = retry_after


class RemoteTracker:
    """A tracker server, read through its JSON API with a token; the same reads as
    `tracker.notebook.Tracker` (`count`, `events`, `timeline`), with the same
    keyword filters. The server's timeline has no `day` period."""

    def __init__(
        self, url: str, *, token: str | None, timeout: float = TIMEOUT_SECONDS
    ) -> None:
        root = url.rstrip("/")
        if root.endswith(API_PATH):
            root = root[: -len(API_PATH)]
        self.url = root
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(
            base_url=root + API_PATH, headers=headers, timeout=timeout
        )
        try:
            # Refuse a wrong address or token now, as a local open refuses a
            # missing database, rather than at the first read.
            self._datasets()
        except BaseException:
            self._client.close()
            raise

    def __repr__(self) -> str:
        return f"<RemoteTracker {self.url}>"

    def __enter__(self) -> RemoteTracker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection to the server."""
        self._client.close()

    def count(self, **filters: Any) -> int:
        """How many events match (their ids read page by page)."""
        query = _query(filters)
        return sum(len(page) for page in self._pages(query, fields="id"))

    def events(
        self,
        *,
        as_records: bool = False,
        chunksize: int | None = None,
        **filters: Any,
    ) -> pd.DataFrame | list[dict[str, Any]] | Iterator[pd.DataFrame]:
        """The matching events, in date order, in the native CSV export's columns:
        a DataFrame, records (`as_records`) or DataFrames of at most `chunksize`
        rows, as `tracker.notebook.Tracker.events` gives them."""
        from tracker.frames import record_of_row

        query = _query(filters)
        chunksize = read_chunksize(chunksize, as_records=as_records)
        if as_records:
            return [record_of_row(row) for row in self._rows(query)]
        if chunksize is not None:
            return self._chunks(query, chunksize)
        frames = list(self._chunks(query, PAGE_LIMIT * 10))
        if len(frames) == 1:
            return frames[0]
        import pandas as pd

        return pd.concat(frames, ignore_index=True)

    def timeline(self, period: str = "week", **filters: Any) -> pd.DataFrame:
        """The timeline figures per period (`week`, `month`, `year`, or `auto`),
        as `tracker.notebook.Tracker.timeline` gives them."""
        from tracker.frames import timeline_frame_of
        from tracker.query.stats import PeriodCount
        from tracker.query.timeline import FatalityPoint, ScorePoint

        bins = read_period(period)
        query = _query(filters)
        if bins is not None:
            query.append(("period", bins.value))
        answer = self._get("/timeline", query)
        return timeline_frame_of(
            [_dated(PeriodCount, item) for item in answer["counts"]],
            [_dated(ScorePoint, item) for item in answer["scores"]],
            [_dated(FatalityPoint, item) for item in answer["fatalities"]],
        )

    def _chunks(
        self, query: list[tuple[str, str]], chunksize: int
    ) -> Iterator[pd.DataFrame]:
        from tracker.frames import categories_of_datasets, event_dtypes, frame_of_rows

        dtypes = event_dtypes(categories_of_datasets(self._datasets()))
        rows = self._rows(query)
        chunk = list(islice(rows, chunksize))
        yield frame_of_rows(chunk, dtypes)
        while len(chunk) == chunksize:
            chunk = list(islice(rows, chunksize))
            if chunk:
                yield frame_of_rows(chunk, dtypes)

    def _rows(self, query: list[tuple[str, str]]) -> Iterator[tuple]:
        from pydantic import TypeAdapter

        from tracker.models import EventRecord

        records = TypeAdapter(list[EventRecord])
        for page in self._pages(query):
            yield from (row_of_record(r) for r in records.validate_python(page))

    def _pages(
        self, query: list[tuple[str, str]], *, fields: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The `data` of every page of the listing, following `next`."""
        first = [*query, ("limit", str(PAGE_LIMIT))]
        if fields is not None:
            first.append(("fields", fields))
        answer = self._get("/events", first)
        yield answer["data"]
        while answer["next"]:
            answer = self._get(answer["next"], None)
            yield answer["data"]

    def _datasets(self) -> list[str]:
        return self._get("/datasets", [])["data"]

    def _get(self, path: str, query: list[tuple[str, str]] | None) -> dict[str, Any]:
        """The JSON body of a GET; the server's refusals as tracker's errors."""
        try:
            response = self._client.get(path, params=query)
        except httpx.HTTPError as error:
            raise RemoteError(None, f"cannot reach {self.url}: {error}") from error
        if response.status_code == 200:
            return response.json()
        raise refusal(response)


def refusal(response: httpx.Response) -> Exception:
    """The error of an API's refusal: `InvalidFilter` for refused parameters (400),
    `PermissionDenied` for a token refused (401, 403), `RateLimited` (429)."""
    try:
        body = response.json()
    except ValueError:
        body = {"error": response.text[:200] or response.reason_phrase}
    message = str(body.get("error") or response.reason_phrase)
    problems = [
        Problem(p.get("field", ""), p.get("reason", ""), value=p.get("value"))
        for p in body.get("problems") or []
    ]
    reasons = "; ".join(f"{p.field}: {p.reason}" for p in problems)
    detail = f"{message} ({reasons})" if reasons else message
    status = response.status_code
    if status == 400 and problems:
        return InvalidFilter(problems)
    if status in (401, 403):
        return PermissionDenied(f"the server refused the token ({status}): {detail}")
    if status == 429:
        retry = response.headers.get("Retry-After")
        return RateLimited(detail, float(retry) if retry and retry.isdigit() else None)
    return RemoteError(status, detail)


def _query(filters: dict[str, Any]) -> list[tuple[str, str]]:
    """The keyword filters, read as the local mode reads them, as query pairs."""
    return parse_qsl(read_filter(filters).to_query_string())


def _dated(kind: type, item: dict[str, Any]) -> Any:
    """A timeline point of its JSON (the period's first day as ISO text)."""
    return kind(**item | {"period_start": dt.date.fromisoformat(item["period_start"])})


def row_of_record(record: EventRecord) -> tuple:
    """An API record as the row `tracker.event_columns` reads from the database:
    the native export's cells, text as stored, days as dates, moments in UTC."""
    cells = csv_row(record)
    for column, value in cells.items():
        if isinstance(value, str):
            cells[column] = unescape_cell(value)
    for column in DATE_COLUMNS:
        cells[column] = getattr(record, column)
    for column in TIMESTAMP_COLUMNS:
        cells[column] = _utc(getattr(record, column))
    return tuple(cells.values())


def _utc(moment: dt.datetime) -> dt.datetime:
    # A naive moment is UTC, as the database stores it (see tracker.frames._utc).
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)
