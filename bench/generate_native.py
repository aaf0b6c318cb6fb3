"""Write the same invented events as `generate_acled.py`, in tracker's native CSV.

`python -m bench.generate_native 1000000 /tmp/native-1m.csv`: each ACLED-shaped row
goes through the ACLED importer's own mapping and validation (so types, actors and
places are what `tracker import` would make of it) and is written in the columns of
`tracker export --format csv`, with ids 1..N and fixed timestamps, so the same N and
seed always give the same bytes."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

from bench.generate_acled import rows as acled_rows
from tracker.exporting import write_events_csv
from tracker.formats.acled.read import AcledFormat
from tracker.formats.base import RawRow
from tracker.models import EventCreate, EventRecord
from tracker.vocab import taxonomy

FIXED_TIME = dt.datetime(2025, 12, 31, tzinfo=dt.UTC)


def records(count: int, seed: int = 2025) -> Iterator[EventRecord]:
    """The generated rows as the records an import followed by an export would give."""
    acled = AcledFormat()
    for n, row in enumerate(acled_rows(count, seed), start=1):
        values = {key: str(value) for key, value in row.items()}
        data = EventCreate.model_validate(acled.to_record(RawRow(n + 1, values)))
        dumped = data.model_dump(
            mode="json", exclude={"location", "actors", "sources", "links"}
        )
        dumped.pop("fatalities")
        yield EventRecord(
            **dumped,
            id=n,
            quad_class=taxonomy.quad_class(data.event_type),
            score=taxonomy.score(data.event_type, data.mode),
            location=data.location.model_dump(mode="json") if data.location else None,
            actors=[actor.model_dump(mode="json") for actor in data.actors],
            fatalities=data.fatalities.model_dump(),
            sources=[
                source.model_dump(mode="json", exclude={"quote"}) | {"quote": None}
                for source in data.sources
            ],
            links=[],
            created_at=FIXED_TIME,
            updated_at=FIXED_TIME,
            version=1,
        )


def write_native_csv(count: int, path: Path, seed: int = 2025) -> None:
    """Write `count` events in the native CSV columns to `path`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_events_csv(records(count, seed), handle)


def main() -> None:
    """Write the file named on the command line."""
    write_native_csv(int(sys.argv[1]), Path(sys.argv[2]))


if __name__ == "__main__":
    main()
