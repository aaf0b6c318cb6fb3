"""pandas DataFrames of a filter's events and of its timeline, with proper dtypes.

The events are the native CSV export's rows and columns (`CSV_COLUMNS`), read as
typed values by `tracker.event_columns` and turned into a DataFrame a batch at a
time: dates as datetime64, the vocabularies (event type, mode, status, precisions,
dataset) as categoricals with the same categories in every chunk (so chunks concat
without turning into objects), counts as nullable Int64, text as the string dtype.
An empty text is missing (<NA>), as it is an empty cell in the CSV.

The timeline is the dashboard's figures (`tracker.query.stats` and
`tracker.query.timeline`), one row per period. pandas only reshapes here; every
figure is computed in SQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from tracker.event_columns import iter_event_rows
from tracker.formats.native.cells import CSV_COLUMNS
from tracker.formats.native.kinds import (
    CATEGORY_COLUMNS,
    DATE_COLUMNS,
    FLOAT_COLUMNS,
    INTEGER_COLUMNS,
    TIMESTAMP_COLUMNS,
)
from tracker.formats.parquet import arrow_table
from tracker.query.filters import EventFilter
from tracker.query.registry import list_datasets
from tracker.query.stats import Period, PeriodCount, count_events_by_period
from tracker.query.timeline import (
    FatalityPoint,
    ScorePoint,
    fatalities_by_period,
    score_by_period,
)
from tracker.vocab import taxonomy
from tracker.vocab.codes import DatePrecision, EventStatus, GeoPrecision

if TYPE_CHECKING:  # an annotation only: sqlmodel (pydantic) is slow to import
    from sqlmodel import Session

DATE_DTYPE = "datetime64[s]"  # a day: what pandas makes of a date
TIMESTAMP_DTYPE = "datetime64[us, UTC]"
DEFAULT_CHUNK_ROWS = 10_000

Categories = dict[str, list[str]]


def event_categories(session: Session) -> Categories:
    """The categories of each categorical column: the vocabularies, and the
    datasets the database holds (read once, so every chunk has the same dtype)."""
    return categories_of_datasets(list_datasets(session))


def categories_of_datasets(datasets: list[str]) -> Categories:
    """The categories of each categorical column, given the database's datasets
    (a server's reader asks the API for them: `tracker.remote`)."""
    modes = sorted({m for t in taxonomy.event_types() for m in taxonomy.modes_for(t)})
    return {
        "event_type": list(taxonomy.event_types()),
        "mode": modes,
        "status": [s.value for s in EventStatus],
        "date_precision": [p.value for p in DatePrecision],
        "geo_precision": [p.value for p in GeoPrecision],
        "dataset": sorted(datasets),
    }


def event_dtypes(categories: Categories) -> dict[str, object]:
    """The dtype of every column of an events DataFrame."""
    dtypes: dict[str, object] = {"id": "int64"}
    for column in CSV_COLUMNS:
        if column in INTEGER_COLUMNS:
            dtypes[column] = "Int64"
        elif column in FLOAT_COLUMNS:
            dtypes[column] = "float64"
        elif column in DATE_COLUMNS:
            dtypes[column] = DATE_DTYPE
        elif column in TIMESTAMP_COLUMNS:
            dtypes[column] = TIMESTAMP_DTYPE
        elif column in CATEGORY_COLUMNS:
            dtypes[column] = pd.CategoricalDtype(categories[column])
        elif column != "id":
            dtypes[column] = "string"
    return dtypes


def iter_event_frames(
    session: Session, event_filter: EventFilter, *, chunksize: int = DEFAULT_CHUNK_ROWS
) -> Iterator[pd.DataFrame]:
    """The matching events as DataFrames of at most `chunksize` rows, in date
    order; one chunk (and one database batch) is held at a time. No events: one
    empty DataFrame with the columns and dtypes."""
    if chunksize < 1:
        raise ValueError(f"chunksize must be 1 or more (got {chunksize})")
    dtypes = event_dtypes(event_categories(session))
    rows = iter_event_rows(session, event_filter)
    chunk = list(islice(rows, chunksize))
    yield frame_of_rows(chunk, dtypes)
    while len(chunk) == chunksize:
        chunk = list(islice(rows, chunksize))
        if chunk:
            yield frame_of_rows(chunk, dtypes)


def event_frame(session: Session, event_filter: EventFilter) -> pd.DataFrame:
    """All the matching events as one DataFrame."""
    frames = list(iter_event_frames(session, event_filter))
    if len(frames) == 1:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def iter_event_dicts(
    session: Session, event_filter: EventFilter
) -> Iterator[dict[str, object]]:
    """The matching events as plain dicts of `CSV_COLUMNS` (dates as dates,
    timestamps as aware datetimes in UTC, missing values and empty texts as None,
    as in the DataFrames), in date order."""
    for row in iter_event_rows(session, event_filter):
        yield record_of_row(row)


def record_of_row(row: Sequence[object]) -> dict[str, object]:
    """A row of `CSV_COLUMNS` values as the plain dict `iter_event_dicts` gives."""
    values = (None if value == "" else value for value in row)
    record = dict(zip(CSV_COLUMNS, values, strict=True))
    for column in TIMESTAMP_COLUMNS:
        record[column] = _utc(record[column])
    return record


def _utc(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def frame_of_rows(rows: Sequence[tuple], dtypes: dict[str, object]) -> pd.DataFrame:
    """A DataFrame of rows of `CSV_COLUMNS` values, in the dtypes given.

    Through the Parquet export's Arrow table: one conversion of rows to typed
    columns for both, and Arrow's (a column at a time, in C) is three times
    faster than building the Series from Python values."""
    table = arrow_table(rows)
    frame = table.to_pandas(types_mapper=_PANDAS_TYPES.get, date_as_object=False)
    others = {c: d for c, d in dtypes.items() if c not in CATEGORY_COLUMNS}
    frame = frame.astype(others)
    for column in CATEGORY_COLUMNS:
        # Not astype: unordered categoricals of the same values in another order
        # are "equal" dtypes to it, and it would keep the chunk's own order.
        categories = _widened(dtypes[column], frame[column]).categories
        frame[column] = frame[column].cat.set_categories(categories)
    return frame


# Arrow types read as the nullable pandas dtypes (the others map as wanted).
_PANDAS_TYPES = {pa.string(): pd.StringDtype(), pa.int64(): pd.Int64Dtype()}


def _widened(dtype: object, values: pd.Series) -> object:
    """`dtype` with any value of `values` outside its categories added (a dataset
    imported while reading), rather than lost as NaN."""
    assert isinstance(dtype, pd.CategoricalDtype)
    known = set(dtype.categories)
    unknown = sorted(set(values.dropna().unique()) - known)
    return pd.CategoricalDtype([*dtype.categories, *unknown]) if unknown else dtype


# --- the timeline -----------------------------------------------------------------

TIMELINE_FIGURES = (
    "events",
    "mean_score",
    "cooperation",
    "material_conflict",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
    "events_with_fatalities",
)


def timeline_frame(
    session: Session, event_filter: EventFilter, period: Period
) -> pd.DataFrame:
    """The dashboard's timeline figures, one row per period with events, indexed by
    the period's first day (`period_start`, datetime64): `TIMELINE_FIGURES`, then
    the count of each PLOVER type (a column named by the type, in capitals).

    Bins as the dashboard's: an event begun before the filter's `since` counts in
    the first period, and no period starts before `since`."""
    return timeline_frame_of(
        count_events_by_period(session, event_filter, period),
        score_by_period(session, event_filter, period),
        fatalities_by_period(session, event_filter, period),
    )


def timeline_frame_of(
    counts: Sequence[PeriodCount],
    scores: Sequence[ScorePoint],
    fatalities_points: Sequence[FatalityPoint],
) -> pd.DataFrame:
    """The timeline DataFrame of the figures read (from the database, or from a
    server's /api/v1/timeline: `tracker.remote`)."""
    fatalities = {p.period_start: p for p in fatalities_points}
    types = [
        t for t in taxonomy.event_types() if any(c.event_type == t for c in counts)
    ]
    by_type = {(c.period_start, c.event_type): c.count for c in counts}
    rows = []
    for point in scores:
        dead = fatalities.get(point.period_start)
        rows.append(
            {
                "period_start": point.period_start,
                "events": point.events,
                "mean_score": point.mean_score,
                "cooperation": point.cooperation,
                "material_conflict": point.material_conflict,
                "fatalities_best": dead.best if dead else 0,
                "fatalities_low": dead.low if dead else 0,
                "fatalities_high": dead.high if dead else 0,
                "events_with_fatalities": dead.events_with_figures if dead else 0,
                **{t: by_type.get((point.period_start, t), 0) for t in types},
            }
        )
    frame = pd.DataFrame(rows, columns=["period_start", *TIMELINE_FIGURES, *types])
    frame["period_start"] = pd.to_datetime(frame["period_start"]).astype(DATE_DTYPE)
    whole = [c for c in frame.columns if c not in ("period_start", "mean_score")]
    frame = frame.astype(dict.fromkeys(whole, "Int64") | {"mean_score": "float64"})
    return frame.set_index("period_start")
