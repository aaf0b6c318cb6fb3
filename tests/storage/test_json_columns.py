"""JSON columns (tags, contexts, imported rows, history) read back as `json.loads`
reads what `json.dumps` wrote, on both databases: tracker.db decodes them with
pydantic-core's faster parser (issue 15), which must not change a value."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from tracker.db import make_engine
from tracker.tables import JSONList

WRITTEN = [
    ["Kyiv", "Київ", "\U0001f600 émoji", 'quote " and \\ backslash', "tab\tnew\nline"],
    {"b": [None, True, False], "a": {"nested": ["x"]}, "": "empty key"},
    # (Not a float of many digits like 5e300: JSONB writes it back without an
    # exponent, which any JSON reader reads as an integer.)
    [0.1, 1.0000000000000002, 1e-300, 48.4647, -2.5, 0, -7],
    12345678901234567890123,
    {"cells": {"fatalities": "14", "notes": "On 16 February..."}},
]


def read_back(engine, stored: str):
    """`stored` JSON text as a JSON column of this database gives it back."""
    postgres = engine.dialect.name == "postgresql"
    value = "CAST(:stored AS jsonb)" if postgres else ":stored"
    statement = text(f"SELECT {value} AS value").columns(value=JSONList)
    with engine.connect() as connection:
        return connection.execute(statement, {"stored": stored}).scalar_one()


@pytest.mark.parametrize("value", WRITTEN, ids=range(len(WRITTEN)))
@pytest.mark.parametrize("ensure_ascii", [True, False], ids=["escaped", "utf8"])
def test_a_json_column_reads_back_what_was_written(engine, value, ensure_ascii):
    stored = json.dumps(value, ensure_ascii=ensure_ascii)
    assert read_back(engine, stored) == json.loads(stored) == value


# SQLite alone: PostgreSQL's JSONB refuses to store a lone surrogate, and refuses
# text that is not JSON in the cast itself.


def test_a_lone_surrogate_sqlite_holds_is_read_as_json_loads_reads_it():
    # json.dumps writes "\ud800" for a lone surrogate; pydantic-core's parser refuses
    # it, so tracker.db falls back to json.loads.
    stored = json.dumps(["Kyiv \ud800", {"k": "\udfff"}])
    assert read_back(make_engine("sqlite://"), stored) == [
        "Kyiv \ud800",
        {"k": "\udfff"},
    ]


def test_text_that_is_not_json_is_still_an_error():
    with pytest.raises(ValueError):
        read_back(make_engine("sqlite://"), "[1, 2")
