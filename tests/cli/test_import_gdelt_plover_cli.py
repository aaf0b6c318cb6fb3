"""`tracker import FILE` without --format on GDELT and PLOVER files from the wild.

Issue 17's acceptance: a GDELT file with a header row and a 62nd column imports, and a
file of pretty-printed PLOVER-style objects with CAMEO codes in `event` imports, both
detected. Each file's rows are counted here from the file itself."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli.main import main
from tracker.db import make_engine, session_scope
from tracker.query.events import find_event_by_external_id, get_event_record

DATA = Path(__file__).resolve().parents[1] / "data"


def invoke(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, *args])


def stored(url: str, dataset: str, external_id: str):
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            event = find_event_by_external_id(session, dataset, external_id)
            return None if event is None else get_event_record(session, event.id)
    finally:
        engine.dispose()


def gdelt_ids(path: Path) -> list[str]:
    """GLOBALEVENTID of each row, read with the csv module: by the header's name
    (any case, "_" ignored) or, without a header, the field before the 8-digit date."""
    delimiter = "\t" if path.suffix == ".CSV" else ","
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    names = [name.replace("_", "").lower() for name in rows[0]]
    if "globaleventid" in names:
        return [row[names.index("globaleventid")] for row in rows[1:]]
    return [next(r[n - 1] for n in (1, 2) if len(r[n]) == 8) for r in rows]


@pytest.mark.parametrize(
    "name",
    [
        "header_62_columns.CSV",  # the acceptance file: header and a 62nd column
        "gdeltpyr_normcols.csv",
        "header_subset_day_column.csv",
        "headerless_trailing_tab.CSV",
        "headerless_index_first.CSV",
        "headerless_description_after_code.CSV",
    ],
)
def test_import_detects_a_gdelt_file_of_any_shape_and_imports_every_row(
    database_url, name
):
    path = DATA / "gdelt" / name
    ids = gdelt_ids(path)
    result = invoke(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Format: gdelt (detected)." in result.output
    added = len(ids)
    assert f"{added} rows: {added} added, 0 updated, 0 unchanged, 0 rejected." in (
        result.output
    )
    for event_id in ids:
        assert stored(database_url, "gdelt", event_id) is not None, event_id
    again = invoke(database_url, "import", str(path))
    assert f"{added} rows: 0 added, 0 updated, {added} unchanged" in again.output


def test_import_detects_pretty_printed_plover_objects_with_cameo_codes(database_url):
    path = DATA / "plover" / "pretty_cameo_codes.json"
    text = path.read_text("utf-8")
    records, decoder, at = [], json.JSONDecoder(), 0
    while at < len(text.rstrip()):  # the objects one after another, read here
        record, at = decoder.raw_decode(text, at)
        records.append(record)
        at += len(text[at:]) - len(text[at:].lstrip())
    result = invoke(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Format: plover (detected)." in result.output
    count = len(records)
    assert f"{count} rows: {count} added, 0 updated, 0 unchanged, 0 rejected." in (
        result.output
    )
    # The report says what reading the file assumed, with the rows it applies to.
    assert f"{count} rows held a CAMEO code in `event`: typed through" in result.output
    for record in records:
        code = (
            record["event"][0] if isinstance(record["event"], list) else record["event"]
        )
        event = stored(database_url, "plover", record["id"])
        assert f"plover:cameo={code}" in event.tags, record["id"]
    fight = stored(database_url, "plover", "TEST-CAMEO-1")
    assert (fight.event_type, fight.location["name"]) == ("ASSAULT", "Kharkiv")
