"""Export then import gives the same events: native CSV and JSON Lines, both backends.

The source is a seeded SQLite database plus two hand-entered events (no dataset, a
link between them, a formula-like title, sources without URL and with several quotes);
its exports are imported into the `engine` database (SQLite, then PostgreSQL)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import REPO_ROOT
from tracker.db import make_engine, session_scope
from tracker.exporting import write_events_csv
from tracker.formats.native.cells import write_events_jsonl
from tracker.formats.native.read import NATIVE_CSV_FORMAT, NATIVE_JSONL_FORMAT
from tracker.importing import ImportFailed, import_file
from tracker.models import READ_ONLY_RECORD_KEYS, Event, EventCreate, EventRecord
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event

FORMATS = {"csv": NATIVE_CSV_FORMAT, "jsonl": NATIVE_JSONL_FORMAT}


@dataclass(frozen=True)
class Export:
    """The records of the source database and the files they were exported to."""

    records: list[EventRecord]
    paths: dict[str, Path]


def hand_entered_events() -> list[dict[str, Any]]:
    """Two events with no dataset; the second links to the first."""
    threat = {
        "title": '=HYPERLINK("http://x") is text, not a formula',
        "notes": "'Tis a note that starts with an apostrophe; and has a semicolon",
        "event_type": "THREATEN",
        "mode": "restrict",
        "contexts": ["economic"],
        "date_start": "2025-05-20",
        "actors": [
            {"name": "+Plus Group", "role": "initiator", "kind": "armed_group"},
            {"name": "Government of Ukraine", "role": "target"},
        ],
        "tags": ["-starts with a minus"],
        "sources": [
            {"title": "Leaflet seen by our reporter", "publisher": "Field notes"},
            {"url": "https://news.example.org/a", "quote": "One; with a semicolon."},
            {"url": "https://news.example.org/b", "quote": "Two."},
        ],
    }
    walk_back = {
        "title": "The threat is withdrawn",
        "event_type": "CONCEDE",
        "date_start": "2025-05-21",
        "date_precision": "day",
        "location": {"name": "Kyiv", "country": "UKR", "geo_precision": "admin1"},
        "fatalities": {"low": 0, "best": 1, "high": 2},
    }
    return [threat, walk_back]


@pytest.fixture
def export(tmp_path: Path, sqlite_template: Path) -> Export:
    """A seeded SQLite database with two hand-entered events, exported both ways."""
    path = tmp_path / "source.db"
    shutil.copy(sqlite_template, path)
    source = make_engine(f"sqlite:///{path}")
    with session_scope(source) as session:
        seed_database(session, REPO_ROOT / "seed_data")
        threat, walk_back = hand_entered_events()
        first = create_event(session, EventCreate.model_validate(threat))
        walk_back["links"] = [{"relation": "walks_back", "id": first.id}]
        create_event(session, EventCreate.model_validate(walk_back))
    with session_scope(source) as session:
        records = list(iter_event_records(session, EventFilter()))
    paths = {"csv": tmp_path / "events.csv", "jsonl": tmp_path / "events.jsonl"}
    with paths["csv"].open("w", encoding="utf-8", newline="") as stream:
        write_events_csv(records, stream)
    with paths["jsonl"].open("w", encoding="utf-8") as stream:
        write_events_jsonl(records, stream)
    source.dispose()
    return Export(records, paths)


def comparable(records: Iterable[EventRecord]) -> list[dict[str, Any]]:
    """Records without what a database assigns: ids, times, link target ids."""
    result = []
    for record in records:
        data = record.model_dump(
            mode="json", exclude={"id", "created_at", "updated_at"}
        )
        for link in data["links"]:
            target_id = link.pop("id")
            if link["dataset"] is None:  # the target, too, became native/<its id>
                link["dataset"], link["external_id"] = "native", str(target_id)
        if data["dataset"] is None:  # imported as native/<exported id>
            data["dataset"], data["external_id"] = "native", str(record.id)
        result.append(data)
    return sorted(result, key=lambda data: (data["dataset"], data["external_id"]))


def expected_record(record: EventRecord) -> dict[str, Any]:
    """What a native importer should make of an exported record."""
    data = record.model_dump(mode="json")
    data = {k: v for k, v in data.items() if k not in READ_ONLY_RECORD_KEYS}
    data["links"] = [
        {
            "relation": link["relation"],
            "dataset": link["dataset"] or "native",
            "external_id": link["external_id"] or str(link["id"]),
        }
        for link in data["links"]
    ]
    if data["dataset"] is None:
        data["dataset"], data["external_id"] = "native", str(record.id)
    return EventCreate.model_validate(data).model_dump(mode="json")


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_native_export_rows_map_back_to_the_exported_records(export, kind):
    fmt = FORMATS[kind]
    rows = list(fmt.read(export.paths[kind]))
    assert len(rows) == len(export.records) == 14
    for row, record in zip(rows, export.records, strict=True):
        mapped = EventCreate.model_validate(fmt.to_record(row))
        assert mapped.model_dump(mode="json") == expected_record(record), record.title


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_native_round_trip_into_another_database_gives_the_same_events(
    engine, export, kind
):
    with session_scope(engine) as session:
        report = import_file(session, export.paths[kind], format_name="native")
    assert report.format == f"native-{kind}"
    assert (report.rows, report.added, report.rejected) == (14, 14, 0)
    with session_scope(engine) as session:
        imported = list(iter_event_records(session, EventFilter()))
    assert comparable(imported) == comparable(export.records)


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_native_reimport_of_the_same_export_changes_nothing(engine, export, kind):
    with session_scope(engine) as session:
        import_file(session, export.paths[kind], format_name="native")
    with session_scope(engine) as session:
        report = import_file(session, export.paths[kind], format_name="native")
        count = session.execute(select(func.count()).select_from(Event)).scalar_one()
    assert (report.added, report.updated, report.unchanged) == (0, 0, 14)
    assert count == 14


def test_native_csv_with_one_bad_row_in_the_middle_writes_nothing(engine, export):
    path = export.paths["csv"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    middle = len(rows) // 2
    broken = rows[middle].replace(",2025-", ",2025-13-", 1)  # a month that is not
    path.write_text(header + "".join(rows[:middle] + [broken] + rows[middle + 1 :]))
    with pytest.raises(ImportFailed) as caught, session_scope(engine) as session:
        import_file(session, path, format_name="native")
    (problem,) = caught.value.report.problems
    assert (problem.line, problem.field) == (middle + 2, "date_start")
    assert problem.reason.startswith("Input should be a valid date")
    with session_scope(engine) as session:
        count = session.execute(select(func.count()).select_from(Event)).scalar_one()
    assert count == 0
