"""`tracker list` reads through the Core tables, without SQLModel, pydantic or the
models (issue #19), and prints the same lines as the events the ORM loads.

Each case runs the command in a fresh Python, as a person does, on both backends."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlmodel import Session

from tracker.cli.events import build_filter, describe_row
from tracker.cli.main import main
from tracker.db import make_engine
from tracker.models import Event, Location
from tracker.query.listing import EventRow

# The filter options of each case, chosen so that every kind of condition (dates,
# lists, actors, places, text, numbers, statuses) selects some of the seed events.
FILTER_CASES: list[list[str]] = [
    [],
    ["--type", "ASSAULT", "--type", "consult"],
    ["--country", "UKR"],
    ["--since", "2025-05-10", "--until", "2025-06-30"],
    ["--actor", "government of russia"],
    ["--place", "Istanbul"],
    ["--text", "drone"],
    ["--min-fatalities", "1"],
    ["--status", "proposed", "--status", "confirmed", "--mode", "drone"],
]
# Modules `tracker list` must not import; the PostgreSQL dialect only on SQLite, the
# SQLite dialect only on PostgreSQL.
HEAVY = ("sqlmodel", "pydantic", "tracker.models", "tracker.query.events")
POSTGRES_DIALECT = "sqlalchemy.dialects.postgresql"
SQLITE_DIALECT = "sqlalchemy.dialects.sqlite"


@pytest.fixture
def seeded(database_url: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", database_url, "seed"])
    assert result.exit_code == 0, result.output
    return database_url


def run_list_in_fresh_python(url: str) -> tuple[dict[str, list[str]], list[str]]:
    """Each case's stdout lines, and the heavy modules imported, from one fresh
    Python running `tracker list` for every case of FILTER_CASES."""
    code = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli.main import main\n"
        "outputs = {}\n"
        f"for case in {FILTER_CASES!r}:\n"
        f"    result = CliRunner().invoke(main, ['--database-url', {url!r}, 'list',"
        " *case])\n"
        "    assert result.exit_code == 0, result.output\n"
        "    outputs[' '.join(case)] = result.stdout.splitlines()\n"
        f"heavy = {HEAVY!r} + (({SQLITE_DIALECT!r},) "
        f"if {url!r}.startswith('postgresql') else ({POSTGRES_DIALECT!r},))\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(heavy))\n"
        "print(json.dumps({'outputs': outputs, 'loaded': loaded}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    return found["outputs"], found["loaded"]


def lines_from_orm(url: str, options: list[str]) -> list[str]:
    """The lines of `tracker list OPTIONS` built from Event and Location objects the
    ORM loads, with the same filter object, order and limit."""
    # The options as click reads them, through the command's own parser.
    context = main.get_command(None, "list").make_context("list", list(options))
    event_filter = build_filter(**context.params)
    limit = context.params["limit"]
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            events = session.scalars(
                select(Event)
                .where(*event_filter.conditions())
                .order_by(Event.date_start, Event.id)
                .limit(limit)
            ).all()
            lines = []
            for event in events:
                place = (
                    session.get(Location, event.location_id)
                    if event.location_id is not None
                    else None
                )
                row = EventRow(
                    id=event.id,
                    date_start=event.date_start,
                    date_end=event.date_end,
                    date_precision=event.date_precision,
                    event_type=event.event_type,
                    mode=event.mode,
                    title=event.title,
                    place=place.name if place else None,
                    country=place.country if place else None,
                    fatalities_best=event.fatalities_best,
                    status=event.status,
                    figures_flag=event.figures_flag,
                )
                lines.append(describe_row(row))
    finally:
        engine.dispose()
    return lines


def test_list_core_path_imports_no_models_and_prints_the_orm_lines(seeded):
    outputs, loaded = run_list_in_fresh_python(seeded)
    assert loaded == []
    for case in FILTER_CASES:
        printed = outputs[" ".join(case)]
        assert printed == lines_from_orm(seeded, case), case
    # Every case selects something, and not always everything: the filters bite.
    sizes = {len(outputs[" ".join(case)]) for case in FILTER_CASES}
    assert 0 not in sizes and len(sizes) > 2, sizes
