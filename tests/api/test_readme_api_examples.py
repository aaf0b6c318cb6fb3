"""README.md's JSON API examples run as written (issue 15, point 4): the curl loop
that follows `next`, the Python `tracker.open()` of a server and the R one, each
taken from the README and run in a folder holding `ana.token` (a viewer's token)
against a real server, on SQLite and PostgreSQL, with only the README's address
replaced by the test server's. Each must give every matching event once, in date
order: the ids are read here in plain SQL. 2,500 more Ukrainian events than the
seed's make the examples follow `next` across pages.

curl and jq, and R with jsonlite (Debian: r-base-core, r-cran-jsonlite), are
needed for their examples: without them those tests skip, saying which is missing,
unless TRACKER_REQUIRE_README_EXAMPLES=1 (CI installs them) makes that a failure."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

import tracker
from tests.dashboard.conftest import insert_plain_events
from tracker.db import make_engine

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## The JSON API"


def tool_missing(reason: str) -> None:
    """Skip for want of a tool, or fail where CI promised to install it."""
    if os.environ.get("TRACKER_REQUIRE_README_EXAMPLES") == "1":
        pytest.fail(f"{reason}, and TRACKER_REQUIRE_README_EXAMPLES=1")
    pytest.skip(reason)


BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
README_SERVER = "http://127.0.0.1:8050"
BULK_EVENTS = 2500
EXPECTED_IDS = """
    SELECT e.id FROM event AS e JOIN location AS l ON l.id = e.location_id
    WHERE e.status IN ('confirmed', 'disputed') AND l.country = 'UKR'
      AND coalesce(e.date_end, e.date_start) >= '2025-05-01'
    ORDER BY e.date_start, e.id
"""


def section_blocks() -> list[tuple[str, str]]:
    """(language, code) of each fenced block of the API section, in order."""
    readme = README.read_text(encoding="utf-8")
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    return BLOCK.findall(readme[start:end])


def example(language: str, marker: str, server: str) -> str:
    """The one block of `language` containing `marker`, pointed at `server`."""
    found = [
        code for lang, code in section_blocks() if lang == language and marker in code
    ]
    assert len(found) == 1, f"one {language} block with {marker!r} in {SECTION}"
    assert README_SERVER in found[0]
    return found[0].replace(README_SERVER, server)


@pytest.fixture(scope="module")
def ukrainian(api_database: str) -> list[int]:
    """2,500 bare events placed in Ukraine in May 2025, beside the seed; the ids
    the examples' filter should give."""
    engine = make_engine(api_database)
    insert_plain_events(engine, BULK_EVENTS, dt.date(2025, 5, 21))
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE event SET location_id = (SELECT min(id) FROM location"
                " WHERE country = 'UKR') WHERE title LIKE 'Bulk event %'"
            )
        )
        ids = list(connection.execute(text(EXPECTED_IDS)).scalars())
    engine.dispose()
    assert len(ids) > BULK_EVENTS  # the seed's Ukrainian events are there too
    return ids


@pytest.fixture
def folder(tmp_path: Path, api_tokens: dict[str, str], monkeypatch) -> Path:
    (tmp_path / "ana.token").write_text(api_tokens["viewer"] + "\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_curl_example_follows_next_to_every_event(
    api_server, ukrainian, folder
):
    missing = [tool for tool in ("bash", "curl", "jq") if shutil.which(tool) is None]
    if missing:
        tool_missing(f"the README's curl example needs {', '.join(missing)}")
    code = example("sh", "jq -r .next", api_server)
    done = subprocess.run(
        ["bash", "-euc", code], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    with (folder / "ukraine.tsv").open(encoding="utf-8") as tsv:
        rows = [line.rstrip("\n").split("\t") for line in tsv]
    assert [int(row[0]) for row in rows] == ukrainian
    assert all(len(row) == 4 for row in rows)


def test_the_readme_python_example_reads_the_server(
    api_server, api_database, ukrainian, folder
):
    code = example("python", "tracker.open", api_server)
    namespace: dict = {}
    exec(compile(code, f"{README.name} ({SECTION})", "exec"), namespace)
    ukraine, monthly = namespace["ukraine"], namespace["monthly"]
    assert ukraine["id"].tolist() == ukrainian
    with tracker.open(api_database) as local:
        pd.testing.assert_frame_equal(monthly, local.timeline("month", countries="UKR"))


def test_the_readme_r_example_reads_every_page(api_server, ukrainian, folder):
    if shutil.which("Rscript") is None:
        tool_missing("R is not installed (Debian: apt install r-base-core)")
    jsonlite = subprocess.run(
        ["Rscript", "-e", "library(jsonlite)"], capture_output=True, timeout=60
    )
    if jsonlite.returncode != 0:
        tool_missing("R's jsonlite is not installed (Debian: r-cran-jsonlite)")
    (folder / "example.R").write_text(example("r", "jsonlite", api_server))
    done = subprocess.run(
        ["Rscript", "example.R"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    with (folder / "ukraine.csv").open(encoding="utf-8", newline="") as written:
        rows = list(csv.DictReader(written))
    assert [int(row["id"]) for row in rows] == ukrainian
    assert "CONSULT" in done.stdout  # the table of event types is printed
