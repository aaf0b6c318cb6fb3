"""`tracker import` of CSV files whatever their line endings: a bare carriage return
(old Mac files) ends a line like "\\n" and "\\r\\n" do, so the file reads as the CSV
it is and every problem is placed at the line an editor shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO_ROOT, table_counts
from tracker.cli.main import main
from tracker.db import make_engine

BARE_CR = REPO_ROOT / "tests" / "data" / "hostile" / "acled_bare_cr.csv"
ENDINGS = {"bare-cr": "\r", "lf": "\n", "crlf": "\r\n"}


def invoke(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, *args])


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        return table_counts(engine)
    finally:
        engine.dispose()


def with_endings(tmp_path: Path, ending: str, *, bad_last_date: bool = False) -> Path:
    """The bare-CR fixture with its lines ended by `ending` (quoted notes too);
    with a date that is not one in its last row (row 4, line 6)."""
    text = BARE_CR.read_bytes().decode("utf-8").replace("\r", ending)
    if bad_last_date:
        text = text.replace("XTST3,2024-03-03", "XTST3,not a date")
    path = tmp_path / "acled.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


def test_the_fixture_ends_its_lines_with_bare_carriage_returns():
    raw = BARE_CR.read_bytes()
    assert b"\n" not in raw and raw.count(b"\r") == 6


@pytest.mark.parametrize("format_name", ["auto", "acled"])
def test_a_bare_cr_acled_file_imports_without_a_traceback(database_url, format_name):
    # Regression, issue 18: detection read the header with the csv module and
    # `tracker import` printed a raw traceback.
    result = invoke(database_url, "import", "--format", format_name, str(BARE_CR))
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "Traceback" not in result.output
    how = "detected" if format_name == "auto" else "as asked"
    assert f"Format: acled ({how})." in result.output
    assert "3 rows: 3 added, 0 updated, 0 unchanged, 0 rejected." in result.output
    assert counts(database_url)["event"] == 3


@pytest.mark.parametrize("ending", ENDINGS.values(), ids=ENDINGS.keys())
def test_problems_are_placed_at_the_same_line_whatever_the_endings(
    database_url, tmp_path, ending
):
    path = with_endings(tmp_path, ending, bad_last_date=True)
    before = counts(database_url)
    result = invoke(database_url, "import", str(path))
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "row 4 (line 6), event_date: is not a date" in result.output
    assert "1 of 3 rows are invalid" in result.output
    assert counts(database_url) == before


def test_a_gdelt_line_the_csv_module_cannot_split_is_a_problem_not_a_traceback(
    database_url, tmp_path
):
    # A comma file with GDELT's header whose data line holds a bare carriage return
    # inside an unquoted field (the fuzz campaign's upload): refused with its line.
    path = tmp_path / "gdelt-comma.csv"
    path.write_bytes(b"GLOBALEVENTID,SQLDATE,EventCode\n1,2024\r0101,190\n")
    result = CliRunner().invoke(
        main, ["--database-url", database_url, "import", str(path), "--format", "gdelt"]
    )
    assert result.exit_code == 1, result.output
    assert "line 2, record: cannot be read as CSV" in result.output
    assert "Traceback" not in result.output
