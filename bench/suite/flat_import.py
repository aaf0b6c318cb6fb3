"""The import reference: pandas.read_csv, then sqlite3.executemany into one flat
table of the file's 31 columns. No validation, no crosswalk, no registries: the
practical upper limit of getting an ACLED file into SQLite from Python.

`python -m bench.suite.flat_import acled.csv flat.db` prints the row count."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pandas as pd


def import_flat(csv_path: Path, database: Path) -> int:
    """Load every row of `csv_path` into table `acled` of a new database."""
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    columns = list(frame.columns)
    quoted = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    with sqlite3.connect(database) as connection:
        connection.execute(f"CREATE TABLE acled ({quoted})")
        connection.executemany(
            f"INSERT INTO acled ({quoted}) VALUES ({marks})",
            frame.itertuples(index=False, name=None),
        )
    return len(frame)


def main() -> None:
    """Import argv[1] into the new database argv[2]; print the row count."""
    print(import_flat(Path(sys.argv[1]), Path(sys.argv[2])))  # noqa: T201


if __name__ == "__main__":
    main()
