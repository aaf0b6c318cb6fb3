"""The shared UCDP sample as published (issue 17): every row imported, the deaths
summed as in the file, the rows out of order flagged and found by the filter, and
the sides in the roles UCDP codes, on SQLite and PostgreSQL.

Every expected figure is computed here from the file with the csv module (it is
Windows-1252), never by tracker's own reader."""

from __future__ import annotations

import json
from functools import cache

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tracker.cli.main import main
from tracker.db import make_engine, session_scope
from tracker.importing import ImportReport
from tracker.models import Actor, Event, EventActor
from tracker.query.events import count_events, list_events
from tracker.query.filters import EventFilter

from .test_import_real_acled_ucdp import file_rows, run, sample

NAME = "peacerep_ukraine-map_UCDP-Ukraine.csv"


@cache
def ucdp_rows() -> tuple[dict[str, str], ...]:
    return tuple(file_rows(sample("ucdp", NAME), "cp1252"))


def out_of_order(row: dict[str, str]) -> bool:
    low, best, high = (int(row[n]) for n in ("low", "best", "high"))
    return not low <= best <= high


@pytest.fixture(scope="module")
def imported(module_database_url: str) -> tuple[str, ImportReport]:
    """The sample imported once per backend, and the import's report: the tests
    that take it only read it (an import for each was most of their time)."""
    engine = make_engine(module_database_url)
    report = run(engine, sample("ucdp", NAME), duplicate_check=False)
    engine.dispose()
    return module_database_url, report


def test_real_ucdp_imports_every_row_and_keeps_every_death(imported):
    database_url, report = imported
    engine = make_engine(database_url)
    rows = ucdp_rows()
    assert (report.rows, report.added, report.rejected) == (3883, 3883, 0)
    assert len(rows) == 3883
    with session_scope(engine) as session:
        stored, deaths = session.execute(
            select(func.count(), func.sum(Event.fatalities_best)).where(
                Event.dataset == "ucdp"
            )
        ).one()
        # The headline's sum (through the rollup) says the same.
        counted = count_events(session, EventFilter())
    assert stored == counted == len(rows)
    assert deaths == sum(int(row["best"]) for row in rows)
    engine.dispose()


def test_real_ucdp_flagged_filter_finds_exactly_the_rows_out_of_order(imported):
    database_url, _ = imported
    engine = make_engine(database_url)
    published = {row["id"]: row for row in ucdp_rows() if out_of_order(row)}
    assert len(published) > 0
    flagged = EventFilter(flagged_figures=True)
    with session_scope(engine) as session:
        listed = list_events(session, flagged, limit=10_000)
        stored = {
            row.external_id: row
            for row in session.execute(
                select(
                    Event.external_id,
                    Event.fatalities_low,
                    Event.fatalities_best,
                    Event.fatalities_high,
                    Event.figures_flag,
                ).where(Event.id.in_([row.id for row in listed]))
            )
        }
        counted = count_events(session, flagged)
    assert len(listed) == counted == len(published)
    assert set(stored) == set(published)
    for external_id, row in published.items():
        event = stored[external_id]
        assert (event.fatalities_low, event.fatalities_best, event.fatalities_high) == (
            int(row["low"]),
            int(row["best"]),
            int(row["high"]),
        )
        assert event.figures_flag.startswith("As published by UCDP: ")
        if row["code_status"] != "Clear":
            assert f"(code_status: {row['code_status']})" in event.figures_flag
    # The command line finds the same events, marked.
    result = CliRunner().invoke(
        main,
        [
            "--database-url",
            database_url,
            "list",
            "--flagged-figures",
            "--limit",
            "9999",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(published)
    assert all(line.endswith("(figures flagged)") for line in lines)
    # tracker show says why, in the words of the file's own figures.
    worst = max(published.values(), key=lambda row: int(row["best"]))
    with session_scope(engine) as session:
        worst_id = session.execute(
            select(Event.id).where(Event.external_id == worst["id"])
        ).scalar_one()
    shown = CliRunner().invoke(
        main, ["--database-url", database_url, "show", str(worst_id)]
    )
    assert shown.exit_code == 0, shown.output
    assert (
        f"flagged:    As published by UCDP: best {int(worst['best']):,} above high "
        f"{int(worst['high']):,}"
    ) in shown.output
    engine.dispose()


def test_real_ucdp_flag_survives_a_jsonl_export_and_reimport(database_url, tmp_path):
    # An analyst's export of flagged events goes back in as published, flagged.
    engine = make_engine(database_url)
    run(engine, sample("ucdp", NAME), duplicate_check=False)
    exported = tmp_path / "flagged.jsonl"
    runner = CliRunner()
    args = ["--database-url", database_url, "export", "--flagged-figures"]
    result = runner.invoke(main, [*args, "--format", "jsonl", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert len(records) == sum(out_of_order(row) for row in ucdp_rows())
    assert all(record["figures_flag"] for record in records)
    again = runner.invoke(
        main, ["--database-url", database_url, "import", str(exported)]
    )
    assert again.exit_code == 0, again.output
    assert f"{len(records)} rows: 0 added" in again.output
    assert "0 rejected" in again.output
    with session_scope(engine) as session:
        still = session.execute(
            select(func.count()).where(Event.figures_flag.is_not(None))
        ).scalar_one()
    assert still == len(records)
    engine.dispose()


def test_real_ucdp_sides_are_participants_unless_the_violence_is_one_sided(imported):
    engine = make_engine(imported[0])
    expected: dict[tuple[str, str, str], int] = {}
    for row in ucdp_rows():
        one_sided = row["type_of_violence"] == "3"
        for side, role in (("side_a", "initiator"), ("side_b", "target")):
            key = (row["id"], row[side], role if one_sided else "participant")
            expected[key] = expected.get(key, 0) + 1
    with session_scope(engine) as session:
        stored = session.execute(
            select(Event.external_id, Actor.name, EventActor.role)
            .join(EventActor, EventActor.event_id == Event.id)
            .join(Actor, Actor.id == EventActor.actor_id)
        ).all()
    assert sorted(tuple(row) for row in stored) == sorted(expected)
    roles = {role for _, _, role in stored}
    assert roles == {"participant", "initiator", "target"}
    engine.dispose()
