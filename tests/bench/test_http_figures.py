"""The HTTP benchmark's figures of issues 14, 15 and 19 against a real server over a
small database: the summary table's CSV route, a page of the JSON API and the first
request a new server answers, and each gives its timed samples and target (the
figures themselves are `make bench`'s)."""

from __future__ import annotations

import subprocess
import sys

from bench.suite.http_bench import (
    API_PAGE_TARGET_MS,
    FIRST_ANSWER_TARGET_S,
    SUMMARY_TARGET_MS,
    api_page_p95,
    first_answer,
    summary_table_p95,
)
from bench.suite.servers import REPO, dashboard_command, free_port, serve


def test_summary_and_api_page_figures_run_against_a_real_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    for command in ("init-db", "seed"):
        subprocess.run(
            [sys.executable, "-m", "tracker", "--database-url", url, command],
            check=True,
            capture_output=True,
            cwd=REPO,
        )
    port = free_port()
    with serve(dashboard_command(url, port), port, tmp_path / "server.log") as server:
        summary = summary_table_p95(server, samples=3)
        whole, rows = api_page_p95(server, samples=3)
        started = first_answer(server, 12)
    assert len(summary.samples.values) == 3 and summary.target == SUMMARY_TARGET_MS
    for figure in (whole, rows):
        assert len(figure.samples.values) == 3
        assert figure.target == API_PAGE_TARGET_MS
    assert "whole records" in whole.what and "row fields only" in rows.what
    # The readiness check's request was the server's first: timed, and for 12
    # events well within the target.
    assert started.samples.values[0] < FIRST_ANSWER_TARGET_S
    assert started.target == FIRST_ANSWER_TARGET_S and "12 events" in started.what
