"""`tracker import` on a terminal shows its progress: rows, rate and time left
(issue 14); piped, it prints only the report."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

from tests.conftest import require_shared
from tracker.cli.imports import estimated_rows

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "real_data/acled/peacerep_ukraine-map_ACLED-Ukraine.csv"


def test_the_estimate_is_the_files_rows(tmp_path):
    path = require_shared() / SAMPLE
    assert estimated_rows(path) == 1000  # the sample's rows, counted by csv in
    # tests/storage/test_import_real_acled_ucdp.py; none holds a line break
    document = tmp_path / "events.json"
    document.write_text("[\n{}\n]\n")
    assert estimated_rows(document) is None


def run_import(database: Path, path: Path, *, terminal: bool) -> tuple[str, str]:
    command = [sys.executable, "-m", "tracker", "--database-url"]
    command += [f"sqlite:///{database}", "import", "--format", "acled", str(path)]
    subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", f"sqlite:///{database}"]
        + ["init-db"],
        check=True,
        capture_output=True,
        cwd=REPO_ROOT,
    )
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
        return done.stdout, done.stderr
    # tqdm redraws at most every 0.1 s: a 1,000-row import can finish its one batch
    # sooner and show only the empty bar (this test failed so, more often as the
    # import got faster). Redrawing at each update, as tqdm's TQDM_MININTERVAL
    # allows, makes what the terminal sees not depend on the machine's speed.
    environment = {**os.environ, "TQDM_MININTERVAL": "0"}
    leader, follower = pty.openpty()
    # A terminal of 24 x 120 (a new pty is 0 wide, where tqdm draws nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=follower,
        cwd=REPO_ROOT,
        text=True,
        env=environment,
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        stdout = process.stdout.read()
    os.close(leader)
    return stdout, shown.decode("utf-8", "replace")


def test_a_terminal_sees_rows_rate_and_time_left(tmp_path):
    path = require_shared() / SAMPLE
    stdout, terminal = run_import(tmp_path / "t.db", path, terminal=True)
    assert "1000 added" in stdout or "1,000 added" in stdout, stdout
    # tqdm's line: "  n/1000 [elapsed<left, rate rows/s]"
    assert re.search(r"\d+/1000 \[\d\d:\d\d<\d\d:\d\d", terminal), terminal[-500:]
    assert "rows/s" in terminal


def test_a_pipe_gets_the_report_without_a_progress_bar(tmp_path):
    path = require_shared() / SAMPLE
    stdout, stderr = run_import(tmp_path / "p.db", path, terminal=False)
    assert "/1000 [" not in stderr
    assert "added" in stdout
