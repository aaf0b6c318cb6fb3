"""Benchmark 9: several analysts at once, under gunicorn with threads (issue #19).

The dashboard is served as in production (`servers.gunicorn_command`). Headless
Chromium loads the timeline once to record the callback requests a page load makes;
then, for `seconds`, simulated analysts work at once:
- most load the timeline (the page, then its callbacks) or change the filter (the
  same callbacks with another URL query string), pausing between actions as a person
  reading the charts does;
- one, from half-time on, downloads the CSV export of a broad filter, reads it to
  the end, pauses, again;
- a `tracker import` of a generated ACLED file writes meanwhile (stopped if still
  running when the time is up; its rows carry new ids, so each run adds events).
Every answer is kept with its start and duration, so the callbacks answered while an
export was streaming can be set against those answered while none was.

Alone: `python -m bench.suite.load_bench --database-url URL --seconds 60`."""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench.generate_acled import rows as acled_rows
from bench.suite.http_bench import Callback, load_timeline
from bench.suite.measuring import Figure, Samples
from bench.suite.servers import Server, free_port, gunicorn_command, serve
from bench.suite.service_bench import COUNTRY_FILTER
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.query.filters import EventFilter

BENCHMARK = "9. several analysts"
ANALYSTS = 8  # one of them exports
CALLBACK_P95_TARGET_S = 1.5
EXPORT_SLOWDOWN_TARGET = 2.0
PAUSE_S = (0.5, 2.0)  # an analyst reads the charts between actions
EXPORT_PAUSE_S = 1.0
IMPORT_ROWS = 20_000
# The filters analysts switch between: the bench's country filter, a year, a type,
# the other country, everything.
FILTERS = (
    COUNTRY_FILTER,
    EventFilter(
        since=COUNTRY_FILTER.since, until=COUNTRY_FILTER.since.replace(month=12, day=31)
    ),
    EventFilter(event_types=("ASSAULT",)),
    EventFilter(countries=("RUS",)),
    EventFilter(),
)
EXPORT_FILTER = COUNTRY_FILTER


@dataclass(frozen=True)
class Answer:
    """One request of one analyst: what, when it started, how long, its status
    (None when no answer came)."""

    kind: str  # "page", "callback" or "export"
    name: str  # the path, or the callback's outputs
    started: float
    seconds: float
    status: int | str  # the HTTP status, or the error when no answer came
    retried: bool = False  # sent again: its kept-alive connection had closed

    @property
    def ended(self) -> float:
        return self.started + self.seconds

    @property
    def failed(self) -> bool:
        return self.status not in (200, 204)


def with_filter(callback: Callback, event_filter: EventFilter) -> Callback:
    """The same callback request as if the URL carried `event_filter`: every
    `search` input and state of its body takes the filter's query string."""
    body = json.loads(callback.body)
    search = "?" + event_filter.to_query_string()
    for section in ("inputs", "state"):
        for item in body.get(section, []):
            if isinstance(item, dict) and item.get("property") == "search":
                item["value"] = search
    return replace(callback, body=json.dumps(body))


def _timed(
    client: httpx.Client, kind: str, name: str, method: str, path: str, **kwargs
) -> Answer:
    started = time.perf_counter()
    retried = False
    try:
        status = _send(client, kind, method, path, **kwargs)
    except (httpx.RemoteProtocolError, httpx.ReadError):
        # gunicorn closes a kept-alive connection after 2 s idle; a request sent on
        # it just then gets no answer, and browsers send it again: so do we, once.
        retried = True
        try:
            status = _send(client, kind, method, path, **kwargs)
        except httpx.HTTPError as error:
            status = type(error).__name__
    except httpx.HTTPError as error:
        status = type(error).__name__
    seconds = time.perf_counter() - started
    return Answer(kind, name, started, seconds, status, retried)


def _send(client: httpx.Client, kind: str, method: str, path: str, **kwargs) -> int:
    if kind != "export":
        return client.request(method, path, **kwargs).status_code
    with client.stream(method, path, **kwargs) as response:
        for _ in response.iter_bytes():
            pass
    return response.status_code


def analyst(
    base: str, callbacks: list[Callback], until: float, seed: int
) -> list[Answer]:
    """A person on the timeline: page loads and filter changes, with pauses."""
    rng = random.Random(seed)
    answers: list[Answer] = []
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=base, timeout=120) as client:
        while time.perf_counter() < until:
            event_filter = rng.choice(FILTERS)
            if rng.random() < 1 / 3:  # a page load; else a filter change
                path = "/?" + event_filter.to_query_string()
                answers.append(_timed(client, "page", "/", "GET", path))
            for callback in callbacks:
                body = with_filter(callback, event_filter).body
                answers.append(
                    _timed(
                        client,
                        "callback",
                        callback.name,
                        "POST",
                        callback.path,
                        content=body,
                        headers=headers,
                    )
                )
            time.sleep(rng.uniform(*PAUSE_S))
    return answers


def exporter(base: str, start: float, until: float) -> list[Answer]:
    """A person downloading the CSV of a broad filter from `start` on, again and
    again with short pauses: before `start` the others work without an export."""
    answers: list[Answer] = []
    path = "/export.csv?" + EXPORT_FILTER.to_query_string()
    time.sleep(max(0.0, start - time.perf_counter()))
    with httpx.Client(base_url=base, timeout=600) as client:
        while time.perf_counter() < until:
            answers.append(_timed(client, "export", "/export.csv", "GET", path))
            time.sleep(EXPORT_PAUSE_S)
    return answers


def write_import_file(rows: int, path: Path) -> Path:
    """An ACLED file of `rows` new events: generated rows whose ids no earlier
    import used (so every row is a write, not an unchanged re-import)."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        stamp = int(time.time())
        for row in acled_rows(rows, seed=stamp):
            row["event_id_cnty"] = f"{row['event_id_cnty']}L{stamp}"
            writer.writerow(row)
    return path


@dataclass(frozen=True)
class ImportRun:
    """The writer's outcome: finished (exit status) or stopped at the end."""

    seconds: float
    returncode: int | None  # None: still running when time was up, so stopped
    output: str


def run_importer(database_url: str, csv_path: Path, until: float) -> ImportRun:
    """`tracker import` of `csv_path`, stopped if it is still running at `until`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--database-url", database_url]
        + ["import", str(csv_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=max(0.0, until - time.perf_counter()))
        return ImportRun(time.perf_counter() - started, process.returncode, output)
    except subprocess.TimeoutExpired:
        process.terminate()
        output, _ = process.communicate()
        return ImportRun(time.perf_counter() - started, None, output)


def _during(answer: Answer, exports: list[Answer]) -> bool:
    return any(e.started < answer.ended and answer.started < e.ended for e in exports)


def figures_of(
    answers: list[Answer], imported: ImportRun, seconds: float, analysts: int
) -> list[Figure]:
    """The load's figures: errors, callback p95, the slow-down while exporting."""
    callbacks = [a for a in answers if a.kind == "callback" and not a.failed]
    exports = [a for a in answers if a.kind == "export"]
    during = [a.seconds for a in callbacks if _during(a, exports)]
    apart = [a.seconds for a in callbacks if not _during(a, exports)]
    failed = [a for a in answers if a.failed]
    statuses = sorted({f"{a.kind} {a.status}" for a in failed})
    slowdown = (
        statistics.median(during) / statistics.median(apart)
        if during and apart
        else float("nan")
    )
    slowdown_p95 = (
        Samples(tuple(during), "s").p95 / Samples(tuple(apart), "s").p95
        if during and apart
        else float("nan")
    )
    outcome = (
        f"finished in {imported.seconds:.0f} s, exit {imported.returncode}"
        if imported.returncode is not None
        else f"still running after {imported.seconds:.0f} s, stopped"
    )
    last_line = (imported.output.strip().splitlines() or [""])[-1][:200]
    who = f"{analysts} analysts for {seconds:.0f} s"
    return [
        Figure(
            BENCHMARK,
            f"requests without an answer or answered other than 200/204, {who}"
            + (f" (statuses {', '.join(statuses)})" if statuses else ""),
            Samples((float(len(failed)),), ""),
            statistic="high",
            target=0,
            target_text="none",
        ),
        Figure(
            BENCHMARK,
            f"page callback requests, {who}",
            Samples(tuple(a.seconds for a in callbacks) or (0.0,), "s"),
            statistic="p95",
            target=CALLBACK_P95_TARGET_S,
            target_text=f"p95 <= {CALLBACK_P95_TARGET_S:g} s",
        ),
        Figure(
            BENCHMARK,
            f"callback median while an export streams ({len(during)}) over while "
            f"none does ({len(apart)}); p95 over p95 {slowdown_p95:.2f}x",
            Samples((slowdown,), "x"),
            statistic="high",
            target=EXPORT_SLOWDOWN_TARGET,
            target_text=f"<= {EXPORT_SLOWDOWN_TARGET:g}x",
        ),
        Figure(
            BENCHMARK,
            f"CSV exports of {EXPORT_FILTER.describe()} during the load "
            f"({len(exports)} started)",
            Samples(tuple(a.seconds for a in exports) or (0.0,), "s"),
        ),
        Figure(
            BENCHMARK,
            "requests answered a minute, all analysts",
            Samples((len(answers) * 60 / seconds,), "/min"),
            notes=[
                f"8. `tracker import` writing meanwhile: {outcome}; it said: "
                f"{last_line!r}.",
                "8. slowest callbacks (p95 s): " + slowest(callbacks),
                f"8. requests sent again after gunicorn closed the kept-alive "
                f"connection they went out on, as a browser does: "
                f"{sum(a.retried for a in answers)}.",
            ],
        ),
    ]


def slowest(callbacks: list[Answer], shown: int = 4) -> str:
    """The callbacks with the highest p95, each with its p95 and count."""
    by_name: dict[str, list[float]] = {}
    for answer in callbacks:
        by_name.setdefault(answer.name, []).append(answer.seconds)
    ranked = sorted(
        ((Samples(tuple(v), "s").p95, name, len(v)) for name, v in by_name.items()),
        reverse=True,
    )
    return "; ".join(f"{name} {p95:.2f} ({n})" for p95, name, n in ranked[:shown])


def run_load(
    database_url: str,
    *,
    seconds: float = 60,
    analysts: int = ANALYSTS,
    workers: int = 2,
    threads: int = 8,
    import_rows: int = IMPORT_ROWS,
    work_dir: Path = Path("/tmp"),
) -> list[Figure]:
    """`analysts` people (one exporting) and an importer on the dashboard over
    `database_url` for `seconds`; their figures."""
    work_dir.mkdir(parents=True, exist_ok=True)
    csv_path = write_import_file(import_rows, work_dir / "load-import.csv")
    port = free_port()
    env = {"TRACKER_PUBLIC_READ": "1", "DATABASE_URL": database_url}
    command = gunicorn_command(port, workers, threads)
    with serve(command, port, work_dir / "load-server.log", env=env) as server:
        callbacks = recorded_callbacks(server)
        answers, imported = _load(
            server, database_url, callbacks, csv_path, seconds, analysts
        )
    return figures_of(answers, imported, seconds, analysts)


def recorded_callbacks(server: Server) -> list[Callback]:
    """The callback requests one load of the timeline makes, as Chromium sent them."""
    _, _, callbacks = load_timeline(server, runs=0)
    if not callbacks:
        raise RuntimeError("the timeline made no callback request")
    return callbacks


def _load(
    server: Server,
    database_url: str,
    callbacks: list[Callback],
    csv_path: Path,
    seconds: float,
    analysts: int,
) -> tuple[list[Answer], ImportRun]:
    started = time.perf_counter()
    until = started + seconds
    results: list[list[Answer]] = []
    threads = [
        threading.Thread(
            target=lambda n=n: results.append(
                analyst(server.base, callbacks, until, seed=n)
            )
        )
        for n in range(analysts - 1)
    ]
    threads.append(
        threading.Thread(
            target=lambda: results.append(
                exporter(server.base, started + seconds / 2, until)
            )
        )
    )
    for thread in threads:
        thread.start()
    imported = run_importer(database_url, csv_path, until)
    for thread in threads:
        thread.join()
    return [answer for answers in results for answer in answers], imported


def _print(figures: list[Figure]) -> Iterator[str]:
    for figure in figures:
        verdict = {True: "met", False: "MISSED", None: ""}[figure.met]
        yield (
            f"{figure.what}: {figure.statistic} {figure.value:.3g} "
            f"{figure.samples.unit} (median {figure.samples.median:.3g}, "
            f"{len(figure.samples.values)} samples) {figure.target_text} {verdict}"
        )
        yield from (f"  note: {note}" for note in figure.notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--analysts", type=int, default=ANALYSTS)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--import-rows", type=int, default=IMPORT_ROWS)
    parser.add_argument("--work-dir", type=Path, default=Path("/tmp/load-bench"))
    options = parser.parse_args()
    figures = run_load(
        options.database_url,
        seconds=options.seconds,
        analysts=options.analysts,
        workers=options.workers,
        threads=options.threads,
        import_rows=options.import_rows,
        work_dir=options.work_dir,
    )
    print("\n".join(_print(figures)))  # noqa: T201


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
