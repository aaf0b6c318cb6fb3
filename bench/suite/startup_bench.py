"""Benchmark 8: start-up of the `tracker` command, as a person at a terminal feels it.

`tracker --help` and `tracker --version` wall time (nothing but start-up), and the time
from starting `tracker list` until its first line arrives, on the N database (SQLite
and PostgreSQL): start-up plus the first page of events. Each is a fresh process,
run once unmeasured first so that the files it reads are in the page cache."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.suite.measuring import Figure, Samples, run_child

HELP_TARGET_S = 0.3
FIRST_LINE_TARGET_S = 1.0


def tracker_executable() -> list[str]:
    """The `tracker` script installed beside this Python, as a user types it."""
    script = Path(sys.executable).with_name("tracker")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tracker"]


def seconds_to_first_line(command: Sequence[str]) -> float:
    """Seconds from starting `command` until its first line of output; the rest of
    its output is read (and must end in success) but not timed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    seconds = time.perf_counter() - started
    rest, errors = process.communicate()
    if process.returncode != 0 or not first:
        raise RuntimeError(f"{' '.join(command)} failed:\n{first}{rest}\n{errors}")
    return seconds


def time_runs(measure, samples: int) -> Samples:
    measure()  # unmeasured: the page cache is warm for every measured run
    return Samples(tuple(measure() for _ in range(samples)), "s")


def run_startup(urls: dict[str, str], n: int, samples: int) -> list[Figure]:
    """`--help` and `--version`, then `tracker list`'s first line on each database
    of `urls` (a name such as "SQLite" to the URL of the N database)."""
    tracker = tracker_executable()
    figures = []
    for option in ("--help", "--version"):
        figures.append(
            Figure(
                "8. start-up",
                f"`tracker {option}` wall time",
                time_runs(lambda o=option: run_child([*tracker, o]).seconds, samples),
                target=HELP_TARGET_S,
                target_text=f"<= {HELP_TARGET_S:g} s",
            )
        )
    for database, url in urls.items():
        command = [*tracker, "--database-url", url, "list"]
        figures.append(
            Figure(
                "8. start-up",
                f"`tracker list` until its first line, {n:,} events in {database}",
                time_runs(lambda c=command: seconds_to_first_line(c), samples),
                target=FIRST_LINE_TARGET_S,
                target_text=f"<= {FIRST_LINE_TARGET_S:g} s",
            )
        )
    return figures
