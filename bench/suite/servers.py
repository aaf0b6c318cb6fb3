"""Servers the benchmarks talk to: the dashboard and Datasette, each a child process
on a free loopback port, stopped when the block ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and process (its id gives its memory)."""

    base: str
    process: subprocess.Popen
    # Seconds the first request it answered took (the readiness check's): where the
    # dashboard sets itself up, Dash's checked pages among it.
    first_answer_s: float | None = None

    @property
    def pid(self) -> int:
        return self.process.pid


@contextmanager
def serve(
    command: Sequence[str],
    port: int,
    log: Path,
    ready_path: str = "/",
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """Start `command`, wait until `ready_path` answers, stop it afterwards; the
    first answer's time is kept (`Server.first_answer_s`).

    `env` is added to this process's environment; by default the dashboard is
    opened to anonymous readers, as the benchmarks read it without logging in."""
    with log.open("w") as handle:
        process = subprocess.Popen(
            list(command),
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env={**os.environ, **(env or {"TRACKER_PUBLIC_READ": "1"})},
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            asked = time.perf_counter()
            try:
                # Refused at once until the server listens; then its first answer
                # may take a while (it sets itself up), which is timed.
                urllib.request.urlopen(base + ready_path, timeout=60)
                first_answer_s = time.perf_counter() - asked
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{command[0]} did not start:\n{log.read_text()}"
                    ) from None
                time.sleep(0.3)
        yield Server(base, process, first_answer_s)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def dashboard_command(database_url: str, port: int) -> list[str]:
    """The dashboard as `make run` serves it (Flask's threaded server)."""
    return [
        sys.executable,
        "-m",
        "dashboard",
        "--port",
        str(port),
        "--database-url",
        database_url,
    ]


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    """The dashboard as the README serves it in production, on a loopback port."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--worker-class",
        "gthread",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        # gunicorn 27 opens a control socket at one fixed path: several servers
        # on one machine (tests, other campaigns) would fight over it.
        "--no-control-socket",
        "--timeout",
        "120",
        # Each answered request, with its status and time (microseconds): a
        # request a client saw unanswered either is here or never reached a worker.
        "--access-logfile",
        "-",
        "--access-logformat",
        '%(s)s %(M)sms %(B)sB "%(r)s"',
        "dashboard.app:create_server()",
    ]


def datasette_command(database: Path, port: int) -> list[str]:
    """Datasette over the same SQLite file, CSV size limit off (max_csv_mb 0)."""
    datasette = Path(sys.executable).with_name("datasette")
    return [
        str(datasette),
        "serve",
        str(database),
        "--port",
        str(port),
        "--setting",
        "max_csv_mb",
        "0",
        "--setting",
        "sql_time_limit_ms",
        "600000",
    ]
