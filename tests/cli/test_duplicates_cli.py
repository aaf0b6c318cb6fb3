"""`tracker duplicates list|scan|merge|dismiss`, through CliRunner.

On both backends, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from tracker.cli.main import main
from tracker.db import make_engine
from tracker.models import DuplicateCandidate, Event, EventLink, EventSource


def strike(dataset: str, **fields) -> dict:
    """A missile strike on Kharkiv on 24 May 2025 as `dataset` records it."""
    return {
        "title": "Missile strike on Kharkiv",
        "event_type": "ASSAULT",
        "date_start": "2025-05-24",
        "location": {
            "name": "Kharkiv",
            "country": "UKR",
            "latitude": 49.9935,
            "longitude": 36.2304,
        },
        "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
        "sources": [{"url": f"https://example.org/{dataset}", "quote": "A strike."}],
        "dataset": dataset,
        "external_id": f"{dataset}-1",
    } | fields


ACLED = strike("acled")
GDELT = strike(
    "gdelt",
    title="Russian missiles hit Kharkiv",
    date_end="2025-05-25",
    location=ACLED["location"] | {"latitude": 50.0205},  # 3.0 km north
)
LINE = (
    "#1  0.80  #1 Missile strike on Kharkiv (acled, 24 May 2025 (day))  ~  "
    "#2 Russian missiles hit Kharkiv (gdelt, 24–25 May 2025 (day))  — same type "
    "ASSAULT; dates overlap (24 May 2025 (day) vs 24–25 May 2025 (day)); 3.0 km "
    "apart; shared actor Military Forces of Russia"
)


def invoke(url: str, *args: str, stdin: str | None = None):
    """Run `tracker --database-url URL ARGS...` and return click's Result."""
    return CliRunner().invoke(main, ["--database-url", url, *args], input=stdin)


def state(url: str) -> dict[str, object]:
    """Row counts, event statuses and candidate statuses: what a command may change."""
    engine = make_engine(url)
    with Session(engine) as session:
        result = {
            table.__name__: session.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in (Event, EventSource, EventLink)
        }
        result["events"] = session.execute(
            select(Event.id, Event.status, Event.version).order_by(Event.id)
        ).all()
        result["candidates"] = session.execute(
            select(DuplicateCandidate.id, DuplicateCandidate.status)
        ).all()
    engine.dispose()
    return result


@pytest.fixture
def scanned(database_url: str) -> str:
    """A database with the two strikes and their candidate pair, #1."""
    records = "\n".join(json.dumps(r) for r in (ACLED, GDELT))
    assert invoke(database_url, "add", "--json", "-", stdin=records).exit_code == 0
    result = invoke(database_url, "duplicates", "scan")
    assert result.exit_code == 0, result.output
    assert result.output == "Found 1 new duplicate candidate.\n"
    return database_url


def test_duplicates_lists_the_open_candidates_one_a_line(scanned):
    result = invoke(scanned, "duplicates", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout == LINE + "\n"
    assert result.stderr == "1 candidate.\n"
    assert invoke(scanned, "duplicates", "list", "--event", "2").stdout == LINE + "\n"
    assert invoke(scanned, "duplicates", "list", "--event", "3").stdout == ""


def test_duplicates_alone_lists_as_duplicates_list_does(scanned):
    alone, listed = invoke(scanned, "duplicates"), invoke(scanned, "duplicates", "list")
    assert alone.exit_code == 0, alone.output
    assert (alone.stdout, alone.stderr) == (listed.stdout, listed.stderr)
    assert alone.stdout == LINE + "\n"


def test_duplicates_scan_of_one_event_finds_its_pairs(database_url):
    records = "\n".join(json.dumps(r) for r in (ACLED, GDELT))
    assert invoke(database_url, "add", "--json", "-", stdin=records).exit_code == 0
    result = invoke(database_url, "duplicates", "scan", "--event", "2")
    assert result.output == "Found 1 new duplicate candidate.\n"
    assert invoke(database_url, "duplicates").stdout == LINE + "\n"


def test_duplicates_scan_again_finds_nothing_new(scanned):
    result = invoke(scanned, "duplicates", "scan")
    assert result.exit_code == 0
    assert result.output == "Found 0 new duplicate candidates.\n"


def test_duplicates_dismiss_hides_the_pair_for_good(scanned):
    result = invoke(scanned, "duplicates", "dismiss", "1")
    assert result.exit_code == 0, result.output
    assert result.output == "Dismissed candidate #1: #1 and #2 stay separate events.\n"
    assert invoke(scanned, "duplicates").stdout == ""
    dismissed = invoke(scanned, "duplicates", "list", "--status", "dismissed").stdout
    assert dismissed.startswith("#1  0.80  [dismissed]  #1 Missile strike")
    assert invoke(scanned, "duplicates", "scan").output.startswith("Found 0 new")


def test_duplicates_merge_retracts_the_other_event_and_keeps_the_chosen_one(scanned):
    result = invoke(scanned, "duplicates", "merge", "1", "--keep", "1")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Merged candidate #1: kept #1; #2 is retracted as its duplicate "
        "(1 source added to #1).\n"
    )
    after = state(scanned)
    assert after["events"] == [(1, "confirmed", 2), (2, "retracted", 2)]
    assert after["candidates"] == [(1, "merged")]
    shown = invoke(scanned, "show", "2").output
    assert "status:     retracted" in shown and "duplicate_of: #1" in shown
    assert "[merged]" in invoke(scanned, "duplicates", "list", "--status", "all").stdout


def test_duplicates_merge_is_recorded_so_version_1_restores_what_it_was(scanned):
    # Regression, issue #12: the merge wrote no history, so restoring version 1 of
    # the merged-away event gave it back retracted, and of the kept one its sources
    # after the merge.
    assert invoke(scanned, "duplicates", "merge", "1", "--keep", "1").exit_code == 0
    merged = state(scanned)
    assert (merged["Event"], merged["EventSource"], merged["EventLink"]) == (2, 3, 1)

    history = invoke(scanned, "history", "2").output
    assert "v2  " in history and "merge by cli:" in history
    assert "(tracker duplicates: merged into event 1)" in history
    assert '    status: "confirmed" -> "retracted"' in history
    assert "    links: [] -> [" in history

    kept = invoke(scanned, "revert", "1", "--to", "1")
    assert kept.exit_code == 0, kept.output
    assert kept.output == "Event 1 restored to version 1; now v3.\n"
    after = state(scanned)
    assert after["events"] == [(1, "confirmed", 3), (2, "retracted", 2)]
    assert after["EventSource"] == 2  # event 1 cites its own source only, again

    away = invoke(scanned, "revert", "2", "--to", "1")
    assert away.exit_code == 0, away.output
    after = state(scanned)
    assert after["events"] == [(1, "confirmed", 3), (2, "confirmed", 3)]
    assert after["EventLink"] == 0
    history = invoke(scanned, "history", "2").output.splitlines()
    assert [line.split("  ")[0] for line in history if line.startswith("v")] == [
        "v3",
        "v2",
        "v1",
    ]
    assert "revert by cli:" in history[0] and "(restored version 1)" in history[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dismiss", "99"], "Error: there is no duplicate candidate with id 99\n"),
        (
            ["merge", "99", "--keep", "1"],
            "Error: there is no duplicate candidate with id 99\n",
        ),
        (
            ["merge", "1", "--keep", "3"],
            "Error: 1 problem in the input; nothing was written\n"
            "  - keep: event 3 is not one of candidate #1's events (1 and 2) (got 3)\n",
        ),
    ],
)
def test_duplicates_with_an_unknown_candidate_or_event_exits_non_zero(
    scanned, args, message
):
    before = state(scanned)
    result = invoke(scanned, "duplicates", *args)
    assert result.exit_code == 1
    assert result.output == message
    assert state(scanned) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["merge", "1"], "Missing option '--keep'"),
        (["merge", "--keep", "1"], "Missing argument 'CANDIDATE_ID'"),
        (["dismiss"], "Missing argument 'CANDIDATE_ID'"),
        (["list", "--status", "pending"], "'pending' is not one of"),
        (["list", "--dataset", "gdelt"], "No such option '--dataset'"),
        (["scan", "--keep", "1"], "No such option '--keep'"),
        (["dismiss", "1", "--status", "open"], "No such option '--status'"),
        (["scan", "--event", "1", "--dataset", "gdelt"], "choose --event or --dataset"),
        (["--scan"], "No such option '--scan'"),
        (["nope"], "No such command 'nope'"),
    ],
)
def test_duplicates_with_options_that_do_not_fit_together_is_a_usage_error(
    scanned, args, message
):
    before = state(scanned)
    result = invoke(scanned, "duplicates", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert state(scanned) == before


def test_import_without_the_check_then_scan_of_its_dataset_flags_the_pair(
    database_url, tmp_path
):
    for record in (ACLED, GDELT):
        path = tmp_path / f"{record['dataset']}.jsonl"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        result = invoke(database_url, "import", "--no-duplicate-check", str(path))
        assert result.exit_code == 0, result.output
        assert "possible duplicates" not in result.output
    assert state(database_url)["candidates"] == []
    result = invoke(database_url, "duplicates", "scan", "--dataset", "gdelt")
    assert result.output == "Found 1 new duplicate candidate.\n"
    assert invoke(database_url, "duplicates").stdout == LINE + "\n"
