"""The campaign's target: a prepared database served by gunicorn, as in production.

The database is made by the CLI as a person would (`tracker init-db`, `seed`,
`import` of generated ACLED rows, `user add`): a SQLite file in a scratch folder, or
a scratch PostgreSQL database created beside the `test` one and dropped afterwards.
The dashboard runs under gunicorn with threaded workers (the README's command) on a
free loopback port, its log captured for the traceback check."""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.generate_acled import write_acled_csv
from bench.suite import servers
from bench.suite.servers import free_port, gunicorn_command
from tracker.db import make_engine, session_scope, upgrade_database
from tracker.importing import import_file
from tracker.models import Role
from tracker.seed import seed_database
from tracker.store.accounts import create_user
from tracker.store.history import Author

REPO = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "fuzz campaign only"
# editor: the campaign's requests; viewer: writes that must be refused;
# target: wrong passwords (so the throttle never locks the editor out).
EDITOR, VIEWER, TARGET = "fuzz-editor", "fuzz-viewer", "fuzz-target"
ACCOUNTS = {EDITOR: "editor", VIEWER: "viewer", TARGET: "editor"}
NOT_COUNTED = {"alembic_version"}


@contextmanager
def scratch_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database on `backend`, removed when the block ends."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'tracker.db'}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"tracker_fuzz_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare_database(database_url: str, folder: Path, events: int) -> None:
    """Migrate, seed, import `events` generated ACLED rows, add the accounts.

    Through tracker's functions, in this process: the same steps as `tracker
    init-db`, `seed`, `import --format acled` and `user add`, without paying the
    CLI's start-up six times (seconds each on a busy machine)."""
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        author = Author("fuzz", via="campaign set-up")
        with session_scope(engine) as session:
            seed_database(session, REPO / "seed_data", author=author)
        if events:
            generated = folder / f"acled-{events}.csv"
            write_acled_csv(events, generated)
            with session_scope(engine) as session:
                import_file(session, generated, format_name="acled", author=author)
        with session_scope(engine) as session:
            for username, role in ACCOUNTS.items():
                create_user(session, username, PASSWORD, Role(role))
    finally:
        engine.dispose()


class TableCounter:
    """COUNT(*) of every table, the tables read once: a refused request leaves each
    count as it was."""

    def __init__(self, database_url: str):
        self.engine = create_engine(database_url)
        metadata = MetaData()
        metadata.reflect(self.engine)
        self.tables = [
            table
            for name, table in sorted(metadata.tables.items())
            if name not in NOT_COUNTED
        ]

    def counts(self) -> dict[str, int]:
        """The number of rows in each table now."""
        with self.engine.connect() as connection:
            return {
                table.name: connection.execute(
                    select(func.count()).select_from(table)
                ).scalar_one()
                for table in self.tables
            }

    def close(self) -> None:
        """Let go of the connections."""
        self.engine.dispose()


@dataclass(frozen=True)
class Served:
    """A running dashboard: its base URL, the gunicorn process and its log."""

    base: str
    process: subprocess.Popen
    log: Path

    def worker_memory_mb(self) -> list[tuple[int, int]]:
        """(current, peak) RSS in MB of each gunicorn worker, from /proc."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        found = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text().splitlines()
            values = {
                key: int(rest.split()[0]) // 1024
                for key, _, rest in (line.partition(":") for line in status)
                if key in ("VmRSS", "VmHWM")
            }
            found.append((values.get("VmRSS", 0), values.get("VmHWM", 0)))
        return found

    def alive(self) -> bool:
        """The master process runs and the login page answers 200."""
        if self.process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(self.base + "/login", timeout=30) as answer:
                return answer.status == 200
        except OSError:
            return False


@contextmanager
def serve(
    database_url: str, folder: Path, workers: int, threads: int
) -> Iterator[Served]:
    """gunicorn over `database_url` until the block ends; its log in `folder`."""
    port = free_port()
    log = folder / "server.log"
    env = {
        "DATABASE_URL": database_url,
        # The secret key is made in the scratch folder, not the working folder.
        "TRACKER_DATA_DIR": str(folder),
    }
    command = gunicorn_command(port, workers, threads)
    with servers.serve(command, port, log, ready_path="/login", env=env) as server:
        yield Served(server.base, server.process, log)


TRACEBACK = "Traceback (most recent call last)"


def log_problems(log_text: str) -> dict[str, int]:
    """Tracebacks, worker timeouts and worker restarts in a gunicorn log."""
    boots = len(re.findall(r"Booting worker with pid", log_text))
    return {
        "tracebacks": log_text.count(TRACEBACK),
        "worker timeouts": log_text.count("WORKER TIMEOUT"),
        "worker boots": boots,
    }


def first_traceback_lines(log_text: str, limit: int = 10) -> list[str]:
    """The last line of each distinct traceback (the exception), most common first."""
    found: dict[str, int] = {}
    lines = log_text.splitlines()
    for index, line in enumerate(lines):
        if TRACEBACK not in line:
            continue
        end = index + 1
        while end < len(lines) and (
            lines[end].startswith((" ", "\t")) or not lines[end].strip()
        ):
            end += 1
        last = lines[end] if end < len(lines) else "?"
        found[last[:300]] = found.get(last[:300], 0) + 1
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return [f"{count}× {line}" for line, count in ranked[:limit]]
