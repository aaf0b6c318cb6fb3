"""Whole records written by the database (`tracker.record_json`, the API's pages)
are, byte for byte, what the records' own path writes: pydantic's `to_json` of
`event_record_values`. Checked over every awkward value of the CSV's golden test
(commas, quotes, new lines, control characters, non-ASCII, several actors per
role, a name given otherwise, links both ways, events without a place or figures)
and over the source records of files imported both ways (the row way stores JSON
through the ORM, with `\\u` escapes; the chunked way writes its own), on both
databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_core import to_json
from sqlalchemy import select, text

from tests.storage.test_native_csv_golden import add_tricky_events
from tracker.db import session_scope
from tracker.importing import import_file
from tracker.models import Event
from tracker.query.events import event_record_values
from tracker.record_json import event_records_json

DATA = Path(__file__).resolve().parents[1] / "data"
# Each file once, by the way named (a file imported twice would be left unchanged);
# their invalid rows (one file has a bad date on purpose) are left out.
IMPORTS = (
    (DATA / "acled" / "multiline_notes.csv", "acled", "rows"),
    (DATA / "acled" / "wild_multiline.csv", "acled", "chunks"),
    (DATA / "acled" / "period_suffixes.csv", "acled", "rows"),
    (DATA / "acled" / "wild_subset.csv", "acled", "chunks"),
    (DATA / "ucdp" / "windows_1252.csv", "ucdp", "rows"),
    (DATA / "ucdp" / "clean_utf8.csv", "ucdp", "chunks"),
    (DATA / "gdelt" / "valid_strike.CSV", "gdelt", "auto"),
    (DATA / "plover" / "v2_records.jsonl", "plover", "auto"),
)


@pytest.fixture
def awkward(engine, seed_dir):
    """The seed, the golden test's tricky events and the imported files."""
    add_tricky_events(engine, seed_dir)
    for path, format_name, way in IMPORTS:
        with session_scope(engine) as session:
            report = import_file(
                session, path, format_name=format_name, way=way, mode="skip_invalid"
            )
            assert report.added, (path.name, report.problems)
    return engine


def records_path(session, ids: list[int]) -> list[str]:
    """Each record as the records' own path writes it."""
    return [to_json(values).decode() for values in event_record_values(session, ids)]


def every_id(session) -> list[int]:
    return list(session.scalars(select(Event.id).order_by(Event.id)))


def test_every_record_is_the_text_the_records_path_writes(awkward):
    with session_scope(awkward) as session:
        ids = every_id(session)
        written = event_records_json(session, ids)
        expected = records_path(session, ids)
    assert len(ids) >= 30
    assert written == expected
    # What the comparison covered: places and none, imported rows and none.
    assert any('"location":null' in w for w in written)
    assert any('"location":{' in w for w in written)
    assert any('"source_record":null' in w for w in written)
    assert sum('"source_record":{' in w for w in written) >= 15


def test_both_ways_of_writing_the_stored_json_are_met(awkward):
    """SQLite keeps the JSON text as it was stored: a text with a backslash (an
    escape) is written again from its items, one without is only compacted. The
    data above has both, so the first test compared both."""
    if awkward.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps JSONB, written again from its items always")
    with awkward.connect() as connection:
        stored = connection.execute(
            text(
                "SELECT tags FROM event UNION ALL SELECT contexts FROM event"
                " UNION ALL SELECT cells FROM source_record"
                " UNION ALL SELECT columns FROM source_record"
            )
        ).scalars()
        escaped = {"\\" in value for value in stored}
    assert escaped == {True, False}


def test_records_come_in_the_order_asked_without_missing_ids(awkward):
    with session_scope(awkward) as session:
        ids = every_id(session)
        asked = [ids[5], 999_999, *reversed(ids[:5]), ids[5]]
        written = event_records_json(session, asked)
        expected = records_path(session, asked)
        assert event_records_json(session, []) == []
    assert written == expected
    assert [w.split(",", 1)[0] for w in written] == [
        f'{{"id":{i}' for i in [ids[5], *reversed(ids[:5]), ids[5]]
    ]
