"""A page of whole records from GET /api/v1/events is, byte for byte, each event's
columns, place, actors, sources, links and source row as the database holds them
(issue 15), on SQLite and PostgreSQL.

The expected text is built here from plain SQL, not by the code under test; it
pins the answer the pydantic records gave, so a faster read is held to it. The data
are the seed events (links, sources with quotes, a month-long event) and a real
ACLED extract of Ukraine (1,000 rows: source rows, actors named otherwise).

The format pinned: compact JSON, UTF-8 as it is, dates ISO, timestamps ISO in UTC
with "Z", record fields in the record's order, absent values null."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from tests.conftest import require_shared
from tracker.cli.main import main
from tracker.db import make_engine

EVERY_STATUS = (
    "statuses=proposed&statuses=confirmed&statuses=disputed&statuses=retracted"
)
PAGE = 500


@pytest.fixture(scope="module")
def acled_database(api_database: str) -> str:
    """The module's database (seed events) with the ACLED extract imported."""
    path = require_shared() / "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"
    result = CliRunner().invoke(
        main,
        ["--database-url", api_database, "import", str(path), "--no-duplicate-check"],
    )
    assert result.exit_code == 0, result.output
    return api_database


def raw_get(url: str, token: str) -> str:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
        return response.read().decode()


def data_text(body: str) -> str:
    """The `data` member of an answer, as written (the answer starts with it)."""
    assert body.startswith('{"data":[')
    end = body.rindex('],"next":')
    return body[len('{"data":') : end + 1]


def json_value(value: Any) -> Any:
    """A database value as the API writes it: JSON text decoded (SQLite keeps it as
    text), dates ISO; timestamps are read by `utc_text`."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def utc_text(value: Any) -> str:
    """A stored timestamp (SQLite: naive UTC text; PostgreSQL: aware) as ISO in UTC
    with "Z"."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def decoded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def expected_records(url: str, ids: list[int]) -> list[dict[str, Any]]:
    """The whole records of `ids`, in that order, read with plain SQL."""
    engine = make_engine(url)
    marks = ",".join(str(int(i)) for i in ids)
    with engine.connect() as connection:

        def rows(sql: str) -> list[Any]:
            return list(connection.execute(text(sql.replace("IDS", marks))))

        events = {row.id: row for row in rows("SELECT * FROM event WHERE id IN (IDS)")}
        places = {
            row.id: {
                "name": row.name,
                "country": row.country,
                "admin1": row.admin1,
                "admin2": row.admin2,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "geo_precision": row.geo_precision,
            }
            for row in rows(
                "SELECT * FROM location WHERE id IN "
                "(SELECT location_id FROM event WHERE id IN (IDS))"
            )
        }
        actors: dict[int, list] = {i: [] for i in ids}
        for row in rows(
            "SELECT ea.event_id, ea.role, ea.name_as_given, a.name, a.kind, a.country "
            "FROM event_actor ea JOIN actor a ON a.id = ea.actor_id "
            "WHERE ea.event_id IN (IDS) ORDER BY ea.event_id, ea.role, a.name"
        ):
            actor = {
                "name": row.name,
                "role": row.role,
                "kind": row.kind,
                "country": row.country,
            }
            if row.name_as_given is not None:
                actor["name_as_given"] = row.name_as_given
            actors[row.event_id].append(actor)
        sources: dict[int, list] = {i: [] for i in ids}
        for row in rows(
            "SELECT es.event_id, s.url, s.publisher, s.title, s.published, es.quote "
            "FROM event_source es JOIN source s ON s.id = es.source_id "
            "WHERE es.event_id IN (IDS) ORDER BY es.event_id, s.id"
        ):
            sources[row.event_id].append(
                {
                    "url": row.url,
                    "publisher": row.publisher,
                    "title": row.title,
                    "published": json_value(row.published),
                    "quote": row.quote,
                }
            )
        links: dict[int, list] = {i: [] for i in ids}
        for row in rows(
            "SELECT l.event_id, l.relation, t.id, t.external_id, t.dataset "
            "FROM event_link l JOIN event t ON t.id = l.target_id "
            "WHERE l.event_id IN (IDS) ORDER BY l.event_id, l.id"
        ):
            links[row.event_id].append(
                {
                    "relation": row.relation,
                    "id": row.id,
                    "external_id": row.external_id,
                    "dataset": row.dataset,
                }
            )
        source_rows = {
            row.event_id: {
                "format": row.format,
                "columns": decoded(row.columns),
                "cells": decoded(row.cells),
                "event_version": row.event_version,
            }
            for row in rows("SELECT * FROM source_record WHERE event_id IN (IDS)")
        }
    engine.dispose()
    records = []
    for i in ids:
        event = events[i]
        records.append(
            {
                "id": event.id,
                "title": event.title,
                "notes": event.notes,
                "event_type": event.event_type,
                "mode": event.mode,
                "contexts": decoded(event.contexts),
                "quad_class": event.quad_class,
                "score": float(event.score),
                "acled_event_type": event.acled_event_type,
                "acled_sub_event_type": event.acled_sub_event_type,
                "date_start": json_value(event.date_start),
                "date_end": json_value(event.date_end),
                "date_precision": event.date_precision,
                "location": places.get(event.location_id),
                "actors": actors[i],
                "fatalities": {
                    "low": event.fatalities_low,
                    "best": event.fatalities_best,
                    "high": event.fatalities_high,
                },
                "civilians_killed": event.civilians_killed,
                "children_killed": event.children_killed,
                "injured": event.injured,
                "status": event.status,
                "confidence": event.confidence,
                "tags": decoded(event.tags),
                "sources": sources[i],
                "links": links[i],
                "dataset": event.dataset,
                "external_id": event.external_id,
                "figures_flag": event.figures_flag,
                "created_at": utc_text(event.created_at),
                "updated_at": utc_text(event.updated_at),
                "version": event.version,
                "source_record": source_rows.get(i),
            }
        )
    return records


def ids_in_date_order(url: str) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        ids = list(
            connection.execute(text("SELECT id FROM event ORDER BY date_start, id"))
            .scalars()
            .all()
        )
    engine.dispose()
    return ids


def compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_every_page_of_whole_records_is_the_database_rows_byte_for_byte(
    acled_database, api_server, api_tokens
):
    expected_ids = ids_in_date_order(acled_database)
    assert len(expected_ids) > 1000  # the seed and the ACLED extract
    url: str | None = f"{api_server}/api/v1/events?{EVERY_STATUS}&limit={PAGE}"
    pages = 0
    seen: list[int] = []
    while url:
        body = raw_get(url, api_tokens["viewer"])
        items = json.loads(body)["data"]
        ids = [item["id"] for item in items]
        assert data_text(body) == compact(expected_records(acled_database, ids))
        seen += ids
        url = json.loads(body)["next"]
        pages += 1
    assert seen == expected_ids
    assert pages >= 3


def test_the_data_holds_every_part_a_record_has(acled_database, api_server, api_tokens):
    # So the byte comparison above covers each part: links, quotes, source rows,
    # actors named otherwise, places with an admin2.
    url = f"{api_server}/api/v1/events?{EVERY_STATUS}&limit=1000"
    records: list[dict[str, Any]] = []
    while url:
        answer = json.loads(raw_get(url, api_tokens["viewer"]))
        records += answer["data"]
        url = answer["next"]
    assert any(r["links"] for r in records)
    assert any(s["quote"] for r in records for s in r["sources"])
    assert any(r["source_record"] for r in records)
    assert any("name_as_given" in a for r in records for a in r["actors"])
    assert any(r["location"] and r["location"]["admin2"] for r in records)
    assert any(r["date_end"] for r in records)


def test_chosen_fields_come_in_the_records_order_with_the_id(
    acled_database, api_server, api_tokens
):
    query = f"{EVERY_STATUS}&limit=300&fields=source_record,actors,title,notes"
    body = raw_get(f"{api_server}/api/v1/events?{query}", api_tokens["viewer"])
    ids = [item["id"] for item in json.loads(body)["data"]]
    whole = expected_records(acled_database, ids)
    chosen = ("id", "title", "notes", "actors", "source_record")
    expected = [{name: r[name] for name in chosen} for r in whole]
    assert data_text(body) == compact(expected)
