"""The kind of value each native column holds, for the exports that keep types.

The native CSV writes every cell as text; a DataFrame (`tracker.frames`) and a
Parquet file (`tracker.formats.parquet`) give each column its type instead. Both
read the kinds here, so a column is typed alike in both. A column not named is
text."""

from __future__ import annotations

# Whole numbers that may be missing (people killed, the version...); the id never is.
INTEGER_COLUMNS = (
    "quad_class",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "version",
)
FLOAT_COLUMNS = ("score", "latitude", "longitude", "confidence")
DATE_COLUMNS = ("date_start", "date_end")  # a day, never a moment
TIMESTAMP_COLUMNS = ("created_at", "updated_at")  # a moment, in UTC
# Few distinct values, from a vocabulary or the datasets imported.
CATEGORY_COLUMNS = (
    "event_type",
    "mode",
    "status",
    "date_precision",
    "geo_precision",
    "dataset",
)
