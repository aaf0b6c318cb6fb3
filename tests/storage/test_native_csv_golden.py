"""The native CSV export, byte for byte, of a database with every awkward cell.

The expected files in tests/data/native/export/ were written by the exporter of commit
e0e3c5f (cells made in Python from per-batch queries, before the rows were assembled
in SQL), the same on both backends, and read through by hand:
commas, quotes, new lines, formula-looking text, non-ASCII and control characters,
several actors per role (also one actor in two roles, and a name given otherwise),
several sources with quotes, links both ways, events without a place, fatalities or
actors, tags and contexts. The admin2 column (issue 14) was inserted into them by
hand with the csv module, empty but for the Kharkiv event's. Both backends must
write exactly these bytes, through the CLI's path (`write_export`) and the
dashboard's (`iter_export_chunks`), whole and filtered."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import text

from tracker.db import session_scope
from tracker.exporting import iter_export_chunks, write_export
from tracker.formats import EXPORTS
from tracker.models import EventCreate
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event

EXPECTED = Path(__file__).resolve().parents[1] / "data" / "native" / "export"
NATIVE = EXPORTS["native"]
# Every event gets these, so the timestamps columns do not depend on the clock.
CREATED = dt.datetime(2025, 6, 1, 8, 30, 15, 123456)
UPDATED = dt.datetime(2025, 6, 2, 9, 0, 0)

TRICKY_EVENTS = [
    {
        "title": "=1+1 shelling of Kharkiv, \"quoted\", with commas, and 'apostrophes'",
        "event_type": "ASSAULT",
        "mode": "aerial",
        "contexts": ["military", "human_rights", "cyber"],
        "date_start": "2025-05-24",
        "notes": "two lines\nof notes; with a separator\r\nand a CRLF, a tab\there",
        "location": {
            "name": 'Харків, "old town"',
            "country": "UKR",
            "admin1": "-Kharkiv oblast",
            "admin2": '=Kharkivskyi, "raion"',
            "latitude": 49.98081,
            "longitude": 36.25272,
        },
        "actors": [
            {"name": "Zeta brigade", "role": "initiator"},
            {"name": "+Unknown armed group", "role": "initiator"},
            {"name": 'Alpha unit, "North"', "role": "initiator"},
            {"name": "Civilians (Ukraine)", "role": "target"},
            {"name": "Civilians (Ukraine)", "role": "participant"},
            {"name": "Ärzte ohne Grenzen", "role": "mediator"},
            {"name": "@host city council", "role": "host"},
            {"name": "Back\\slash \u2028 group\x01", "role": "participant"},
        ],
        "fatalities": {"low": 2, "best": 3, "high": 5},
        "civilians_killed": 3,
        "children_killed": 0,
        "injured": 12,
        "confidence": 0.75,
        "sources": [
            {
                "url": "https://example.org/a?x=1,2",
                "publisher": "Ukrinform",
                "title": 'Report "one"',
                "published": "2025-05-25",
                "quote": '-3 killed, "many" injured',
            },
            {"title": "A report not online", "quote": "=SUM(A1:A9)\nsecond line"},
            {"url": "https://example.org/b", "publisher": "Без цитаты"},
        ],
        "tags": ["@night", "drone", "naïve; tag"],
    },
    {
        "title": "\tTab-leading title is stripped, 'apostrophe",
        "event_type": "COERCE",
        "date_start": "2025-05-24",
        "notes": "'Apostrophe-leading notes",
        "status": "disputed",
        "actors": [{"name": "'Quoted name'", "role": "target"}],
        "sources": [{"url": "https://example.org/c", "quote": "'already quoted"}],
        "dataset": "=dataset",
        "external_id": "+ext-1",
    },
    {
        "title": "Talks without place, figures or actors",
        "event_type": "CONSULT",
        "date_start": "2025-05-20",
        "date_end": "2025-05-28",
        "date_precision": "week",
        "sources": [{"url": "https://example.org/d"}],
    },
]


@pytest.fixture
def exported(engine, seed_dir):
    """The seed events and the tricky ones (`add_tricky_events`)."""
    add_tricky_events(engine, seed_dir)
    return engine


def add_tricky_events(engine, seed_dir: Path) -> None:
    """The seed events, the tricky ones linked to them and each other, with fixed
    timestamps and one actor named otherwise than the registry."""
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        first, second, third = (
            create_event(session, EventCreate.model_validate(data)).id
            for data in TRICKY_EVENTS
        )
        links = [
            {"relation": "responds_to", "id": 3},
            {"relation": "follows_up", "id": first},
            {"relation": "walks_back", "id": second},
        ]
        create_event(
            session,
            EventCreate.model_validate(
                {
                    "title": "Walk-back, linked thrice",
                    "event_type": "RETREAT",
                    "date_start": "2025-05-26",
                    "fatalities": {"best": 0},
                    "sources": [{"url": "https://example.org/e", "quote": "ok"}],
                    "links": links,
                    "tags": [""],
                    "dataset": "manual",
                    "external_id": "wb-1",
                }
            ),
        )
        session.execute(
            text("UPDATE event SET created_at = :created, updated_at = :updated"),
            {"created": CREATED, "updated": UPDATED},
        )
        session.execute(
            text(
                "UPDATE event_actor SET name_as_given = :given"
                " WHERE event_id = :event AND role = 'target'"
            ),
            {"given": 'Civilians "as given" (2000-)', "event": first},
        )
        assert third


FILTERS = {
    "all": EventFilter(),
    "filtered": EventFilter(countries=("UKR",), since=dt.date(2025, 5, 20)),
}


@pytest.mark.parametrize("name", FILTERS)
def test_write_export_writes_the_expected_bytes(exported, name):
    stream = io.StringIO()
    with session_scope(exported) as session:
        count = write_export(session, FILTERS[name], NATIVE, stream)
    expected = (EXPECTED / f"{name}.csv").read_bytes()
    assert stream.getvalue().encode("utf-8") == expected
    assert count == len(list(csv.reader(io.StringIO(expected.decode())))) - 1


@pytest.mark.parametrize("name", FILTERS)
def test_export_chunks_send_the_expected_bytes(exported, name):
    with session_scope(exported) as session:
        chunks = list(
            iter_export_chunks(session, FILTERS[name], NATIVE, rows_per_chunk=3)
        )
    assert "".join(chunks).encode("utf-8") == (EXPECTED / f"{name}.csv").read_bytes()
