"""Outside formats, one module or package each: rows of a file <-> event records.

`IMPORTS` and `EXPORTS` name every format tracker reads and writes, once, with a label
for people and the functions that do the work: `tracker import --format` and
`tracker export --format`, the dashboard's import menu and `/export.csv?columns=` all
read them. `EXPORT_NAMES` adds the older export names that still work (`csv`,
`acled-csv`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from tracker.formats.acled.read import ACLED_FORMAT
from tracker.formats.acled.verbatim import acled_export_row
from tracker.formats.acled.write import ACLED_COLUMNS, ACLED_DATASET
from tracker.formats.base import ExportFormat, ImportFormat
from tracker.formats.gdelt.read import GDELT_FORMAT
from tracker.formats.geojson import geojson_pieces, write_geojson
from tracker.formats.native.cells import (
    CSV_COLUMNS,
    csv_row,
    jsonl_pieces,
    write_events_jsonl,
)
from tracker.formats.native.read import NATIVE_CSV_FORMAT, NATIVE_JSONL_FORMAT
from tracker.formats.plover.read import PLOVER_FORMAT
from tracker.formats.ucdp import UCDP_FORMAT

if TYPE_CHECKING:  # an annotation only: pyarrow takes a while to load
    import pyarrow as pa

AUTO = "auto"  # `--format auto`: detect the format from the file's first bytes
AUTO_LABEL = "Detect from the file"


@dataclass(frozen=True)
class Importable:
    """A format a person can name on import: its readers, tried in order on the file's
    first bytes when there is more than one (tracker's own CSV and JSON Lines)."""

    name: str
    label: str
    readers: tuple[ImportFormat, ...]


# In the order detection tries them.
IMPORTS: dict[str, Importable] = {
    entry.name: entry
    for entry in (
        Importable(
            "native",
            "Native CSV or JSON Lines (tracker export)",
            (NATIVE_CSV_FORMAT, NATIVE_JSONL_FORMAT),
        ),
        Importable("acled", "ACLED CSV", (ACLED_FORMAT,)),
        Importable("ucdp", "UCDP GED CSV", (UCDP_FORMAT,)),
        Importable("gdelt", "GDELT 2.0 events (tab-separated)", (GDELT_FORMAT,)),
        Importable("plover", "PLOVER JSON", (PLOVER_FORMAT,)),
    )
}
IMPORT_CHOICES: tuple[str, ...] = (AUTO, *IMPORTS)


def write_parquet(tables: Iterable[pa.Table], stream: BinaryIO) -> int:
    """`tracker.formats.parquet.write_parquet`, imported when called: pyarrow
    takes a while to load, and most commands never write Parquet."""
    from tracker.formats.parquet import write_parquet as write

    return write(tables, stream)


EXPORTS: dict[str, ExportFormat] = {
    entry.name: entry
    for entry in (
        ExportFormat(
            "native",
            "native CSV",
            aliases=("csv",),
            columns=CSV_COLUMNS,
            row=csv_row,
            rows_from_sql=True,
        ),
        # ACLED's 31 columns, then any other column the events' ACLED source
        # records came with.
        ExportFormat(
            "acled",
            "ACLED's 31 columns",
            aliases=("acled-csv",),
            columns=ACLED_COLUMNS,
            row=acled_export_row,
            source_columns=ACLED_DATASET,
        ),
        ExportFormat(
            "jsonl", "JSON Lines", write=write_events_jsonl, pieces=jsonl_pieces
        ),
        ExportFormat(
            "geojson",
            "a GeoJSON FeatureCollection",
            write=write_geojson,
            pieces=geojson_pieces,
        ),
        ExportFormat(
            "parquet",
            "Parquet of the native columns, typed (for pandas, R arrow, DuckDB)",
            write_tables=write_parquet,
        ),
    )
}
EXPORT_NAMES: dict[str, ExportFormat] = {
    name: entry for entry in EXPORTS.values() for name in (entry.name, *entry.aliases)
}
