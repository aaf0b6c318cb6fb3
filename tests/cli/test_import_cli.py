"""`tracker import`: what it says, what it writes, and its exit status."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from tests.conftest import REPO_ROOT, table_counts
from tests.storage.test_importing import counts
from tracker.cli.main import main
from tracker.db import make_engine, session_scope
from tracker.query.events import find_event_by_external_id


def invoke(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, *args])


@pytest.fixture
def files(tmp_path, seed_lines, bad_seed_lines):
    good = tmp_path / "seed.jsonl"
    good.write_text("\n".join(seed_lines) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(bad_seed_lines) + "\n", encoding="utf-8")
    return good, bad


def event_count(url: str) -> int:
    engine = make_engine(url)
    try:
        return counts(engine)["Event"]
    finally:
        engine.dispose()


def test_import_detects_the_format_and_says_what_it_did(database_url, files):
    good, _ = files
    result = invoke(database_url, "import", str(good))
    assert result.exit_code == 0, result.output
    assert "Format: native-jsonl (detected)." in result.output
    assert "12 rows: 12 added, 0 updated, 0 unchanged, 0 rejected." in result.output
    again = invoke(database_url, "import", str(good))
    assert "12 rows: 0 added, 0 updated, 12 unchanged, 0 rejected." in again.output
    assert event_count(database_url) == 12


def test_import_with_a_bad_row_exits_non_zero_writes_nothing_and_reports(
    database_url, files, tmp_path
):
    _, bad = files
    report = tmp_path / "report.csv"
    result = invoke(database_url, "import", str(bad), "--report", str(report))
    assert result.exit_code == 1
    assert "line 7, location.latitude" in result.output
    assert "2 of 12 rows are invalid; nothing was written" in result.output
    assert event_count(database_url) == 0
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert [row["line"] for row in rows] == ["7", "8"]
    assert rows[0]["column"] == "location.latitude" and rows[0]["value"] == "123"


def test_import_skip_invalid_writes_the_rest_and_exits_zero(database_url, files):
    _, bad = files
    result = invoke(database_url, "import", str(bad), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "10 added" in result.output and "2 rejected" in result.output
    assert event_count(database_url) == 10


def test_import_dry_run_writes_nothing(database_url, files):
    good, _ = files
    result = invoke(database_url, "import", str(good), "--dry-run")
    assert result.exit_code == 0
    assert "dry run: nothing was written" in result.output
    assert event_count(database_url) == 0


def test_import_of_an_unrecognised_file_asks_for_the_format(database_url, tmp_path):
    odd = tmp_path / "notes.txt"
    odd.write_text("just some words\n", encoding="utf-8")
    result = invoke(database_url, "import", str(odd))
    assert result.exit_code == 1
    assert "cannot tell the format" in result.output


def test_import_of_a_record_without_external_id_is_refused(database_url, tmp_path):
    record = {"title": "A talk", "event_type": "CONSULT", "date_start": "2025-05-16"}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = invoke(database_url, "import", str(path), "--format", "native")
    assert result.exit_code == 1
    assert "line 1, external_id: has no external id" in result.output
    assert event_count(database_url) == 0


def seed_event_id(url: str, external_id: str) -> int:
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            return find_event_by_external_id(session, "seed", external_id).id
    finally:
        engine.dispose()


def test_import_dry_run_names_rows_that_look_like_stored_events(
    database_url, files, tmp_path
):
    # Issue 12: said before the analyst imports, so a strike is not counted twice.
    good, _ = files
    assert invoke(database_url, "import", str(good)).exit_code == 0
    seed = {
        record["external_id"][-2:]: record
        for record in map(json.loads, good.read_text(encoding="utf-8").splitlines())
    }
    strike = seed["06"] | {"dataset": "newsdesk", "external_id": "nd-1"}
    strike |= {"id": None, "title": "Strike, 14"}
    talks = seed["01"] | {"id": None}
    talks |= {"dataset": "newsdesk", "external_id": "nd-2", "date_start": "2024-03-01"}
    talks |= {"date_end": "2024-03-28"}
    other = tmp_path / "newsdesk.jsonl"
    other.write_text(json.dumps(talks) + "\n" + json.dumps(strike) + "\n")
    result = invoke(database_url, "import", str(other), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "1 row looks like events already stored:" in result.output
    title = "Ballistic-missile attack kills 14 Ukrainians, including 6 children"
    known = seed_event_id(database_url, seed["06"]["external_id"])
    assert f"  - line 2: like event {known}, '{title}' (same type" in result.output
    assert "same fatalities (14); same children killed (6))" in result.output
    assert event_count(database_url) == 12  # a dry run writes nothing
    imported = invoke(database_url, "import", str(other))
    assert imported.exit_code == 0, imported.output
    assert "looks like events already stored" not in imported.output
    assert "possible duplicates across datasets flagged" in imported.output


def test_import_of_proposals_says_they_are_counted_only_when_asked(database_url):
    # Issue #12: a file of machine-coded (proposed) events does not appear in the
    # default listing; the import says so instead of leaving the analyst to wonder.
    proposals = REPO_ROOT / "tests" / "data" / "import_page" / "new_events.jsonl"
    statuses = [json.loads(line)["status"] for line in proposals.open()]
    assert statuses.count("proposed") == len(statuses) == 3
    result = invoke(database_url, "import", str(proposals))
    assert result.exit_code == 0, result.output
    assert (
        "3 of these events are proposed: listed, exported and counted only with "
        "--status proposed." in result.output
    )
    listed = invoke(database_url, "list", "--status", "proposed")
    assert listed.output.count("\n") >= 3
    assert invoke(database_url, "list").output.strip() == (
        "0 events · confirmed and disputed events."
    )


ACLED_DATA = REPO_ROOT / "tests" / "data" / "acled"


def test_import_of_an_acled_file_from_the_wild_says_what_was_absent_and_assumed(
    database_url,
):
    # Issue 17: a pandas dump with an index column, no ids, actors or coordinates.
    path = ACLED_DATA / "wild_subset.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))
    result = invoke(database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Format: acled (detected)." in result.output
    assert f"{rows} rows: {rows} added, 0 updated, 0 unchanged, 0 rejected." in (
        result.output
    )
    notes = result.output.split("What the file lacked and what was assumed:\n")[1]
    assert "  - first column '' is a row index (pandas or R): ignored\n" in notes
    assert "  - no event_id_cnty column: each row's id is derived" in notes
    assert "  - no actor1 or actor2 column: events have no actors\n" in notes
    assert "  - 1 row left without coordinates" in notes
    again = invoke(database_url, "import", str(path))
    assert f"{rows} rows: 0 added, 0 updated, {rows} unchanged, 0 rejected." in (
        again.output
    )


def test_import_report_names_spreadsheet_row_and_line_of_a_bad_record(
    database_url, tmp_path
):
    # The first record's notes span three lines: the bad record is row 4, line 6.
    path = ACLED_DATA / "wild_multiline.csv"
    report = tmp_path / "report.csv"
    engine = make_engine(database_url)
    before = table_counts(engine)
    result = invoke(database_url, "import", str(path), "--report", str(report))
    assert result.exit_code == 1
    assert "  - row 4 (line 6), fatalities: is not a whole number (got 'many')" in (
        result.output
    )
    assert table_counts(engine) == before
    engine.dispose()
    with report.open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert (row["row"], row["line"], row["column"], row["value"]) == (
        "4",
        "6",
        "fatalities",
        "many",
    )
