"""Benchmarks 4 and 6: the dashboard over HTTP with N events loaded.

Headless Chromium loads the timeline with the benchmark filter in its URL; the time
until its charts have drawn traces is the page load. Every page is then loaded the
same way, first visit and return visit (`bench.suite.page_loads`). The callback
requests the browser made on the timeline (POST /_dash-update-component, recorded
with their bodies) are then replayed over HTTP, each many times, for their p95. The
server's RSS is read last."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from bench.suite.measuring import Figure, Samples, process_memory_mb
from bench.suite.page_loads import run_page_loads
from bench.suite.servers import Server
from bench.suite.service_bench import COUNTRY_FILTER

CALLBACK_TARGET_MS = 250
PAGE_LOAD_TARGET_S = 2.0
SERVER_RSS_TARGET_MB = 400
CHROMIUM = Path(os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium"))
# Every chart of the page, the swimlanes too (drawn by their own callback).
CHARTS = (
    "#timeline-events-over-time g.trace",
    "#timeline-score g.trace",
    "#timeline-fatalities g.trace",
    "#timeline-swimlanes g.trace",
)
CALLBACK_PATH = "/_dash-update-component"


@dataclass(frozen=True)
class Callback:
    """One callback request as the browser sent it."""

    name: str  # the outputs it updates
    path: str  # Dash 4 posts to /_dash-update-component/<hash>
    body: str


def _launch(playwright):
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    )


def load_timeline(server: Server, runs: int) -> tuple[Samples, Samples, list[Callback]]:
    """Seconds from navigation to drawn charts, `runs` times in fresh browser
    contexts (a first visit: nothing cached), then `runs` times in one context (a
    return visit: scripts cached); and the callback requests of the last load."""
    from playwright.sync_api import sync_playwright

    url = f"{server.base}/?{COUNTRY_FILTER.to_query_string()}"
    first: list[float] = []
    again: list[float] = []
    callbacks: list[Callback] = []
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        for _ in range(runs + 1):  # the first load warms the server's caches
            context = browser.new_context()
            seconds, callbacks = _load(context, url)
            first.append(seconds)
            context.close()
        context = browser.new_context()
        for _ in range(runs + 1):  # the first load fills the browser's cache
            seconds, _ = _load(context, url)
            again.append(seconds)
        context.close()
        browser.close()
    return Samples(tuple(first[1:]), "s"), Samples(tuple(again[1:]), "s"), callbacks


def _load(context, url: str) -> tuple[float, list[Callback]]:
    """One page load in `context`: seconds until every chart has traces, and the
    callback requests it made."""
    page = context.new_page()
    seen: list[Callback] = []
    page.on("request", lambda request: _record(request, seen))
    started = time.perf_counter()
    page.goto(url)
    for selector in CHARTS:
        page.wait_for_selector(selector, state="attached", timeout=120_000)
    seconds = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    page.close()
    return seconds, seen


def _record(request, seen: list[Callback]) -> None:
    path = urlsplit(request.url).path
    if request.method == "POST" and path.startswith(CALLBACK_PATH):
        body = request.post_data or ""
        try:
            output = json.loads(body).get("output", "?")
        except ValueError:
            output = "?"
        seen.append(Callback(_short(output), path, body))


def _short(output: str) -> str:
    """A callback's outputs without the property names, shortened for a table."""
    parts = [part.split(".")[0] for part in output.strip(".").split("...") if part]
    text = ", ".join(dict.fromkeys(parts))
    return text if len(text) <= 70 else text[:67] + "..."


def replay_callbacks(
    server: Server, callbacks: list[Callback], samples: int
) -> list[Figure]:
    """p95 of each recorded callback request, sent again `samples` times."""
    figures = []
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for callback in callbacks:
            values = []
            for _ in range(samples + 1):
                started = time.perf_counter()
                response = client.post(
                    CALLBACK_PATH, content=callback.body, headers=headers
                )
                values.append((time.perf_counter() - started) * 1000)
                if response.status_code not in (200, 204):
                    raise RuntimeError(f"{callback.name}: HTTP {response.status_code}")
            figures.append(
                Figure(
                    "4. dashboard HTTP",
                    f"callback POST -> {callback.name}",
                    Samples(tuple(values[1:]), "ms"),
                    statistic="p95",
                    target=CALLBACK_TARGET_MS,
                    target_text=f"p95 <= {CALLBACK_TARGET_MS} ms",
                )
            )
    return figures


SUMMARY_TARGET_MS = 250
SUMMARY_YEAR = "since=2023-01-01&until=2023-12-31&period=month&by=admin1"


def summary_table_p95(server: Server, samples: int) -> Figure:
    """p95 of the summary table of a year by month by admin1, through its CSV
    route (the page's own query and table, without the page around it)."""
    values = []
    with httpx.Client(base_url=server.base, timeout=120) as client:
        for _ in range(samples + 1):
            started = time.perf_counter()
            response = client.get(f"/summary.csv?{SUMMARY_YEAR}")
            values.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"summary: HTTP {response.status_code}")
    return Figure(
        "4. dashboard HTTP",
        "summary table, a year by month by admin1 (GET /summary.csv, same query)",
        Samples(tuple(values[1:]), "ms"),
        statistic="p95",
        target=SUMMARY_TARGET_MS,
        target_text=f"p95 <= {SUMMARY_TARGET_MS} ms",
    )


API_PAGE_TARGET_MS = 50
API_PAGE = f"limit=500&{COUNTRY_FILTER.to_query_string()}"
API_ROW_FIELDS = "id,title,event_type,mode,date_start,date_end,status"


def api_page_p95(server: Server, samples: int) -> list[Figure]:
    """p95 of a page of 500 events from the JSON API (issue 15), whole records and
    the row fields alone, read as a script would (public read: no token)."""
    figures = []
    for what, query in (
        ("whole records", API_PAGE),
        ("row fields only", f"{API_PAGE}&fields={API_ROW_FIELDS}"),
    ):
        values = []
        with httpx.Client(base_url=server.base, timeout=120) as client:
            for _ in range(samples + 1):
                started = time.perf_counter()
                response = client.get(f"/api/v1/events?{query}")
                values.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"API page: HTTP {response.status_code}")
        figures.append(
            Figure(
                "4. dashboard HTTP",
                f"JSON API page of 500 events, {what} (GET /api/v1/events, "
                f"{COUNTRY_FILTER.describe()})",
                Samples(tuple(values[1:]), "ms"),
                statistic="p95",
                target=API_PAGE_TARGET_MS,
                target_text=f"p95 <= {API_PAGE_TARGET_MS} ms",
            )
        )
    return figures


def run_http(
    server: Server, runs: int, samples: int, database: Path, database_url: str
) -> list[Figure]:
    """The timeline's load in Chromium, every page's, then every callback the
    timeline made, replayed. `database` gives an event to open and edit."""
    if not CHROMIUM.exists():
        return [
            Figure(
                "4. dashboard HTTP",
                f"skipped: no Chromium at {CHROMIUM}",
                Samples((0.0,), "s"),
            )
        ]
    first, again, callbacks = load_timeline(server, runs)
    figures = [
        Figure(
            "4. dashboard HTTP",
            f"timeline page load until all four charts show, {visit} "
            f"({COUNTRY_FILTER.describe()})",
            load,
            statistic="high",
            target=PAGE_LOAD_TARGET_S,
            target_text=f"<= {PAGE_LOAD_TARGET_S:g} s",
        )
        for visit, load in (
            ("first visit (nothing cached)", first),
            ("return visit (scripts cached)", again),
        )
    ]
    figures += run_page_loads(_launch, server, database, database_url, runs)
    figures.append(summary_table_p95(server, samples))
    figures += api_page_p95(server, samples)
    return figures + replay_callbacks(server, callbacks, samples)


FIRST_ANSWER_TARGET_S = 1.5  # a page's first visit (issue 19)


def first_answer(server: Server, n: int) -> Figure:
    """The first page a newly started dashboard answers (GET /): the server sets
    itself up in that request, Dash's layout of every page among it, and the page
    loads above come after a warm-up that hides it."""
    if server.first_answer_s is None:
        raise RuntimeError("the server's first answer was not timed")
    return Figure(
        "4. dashboard pages",
        f"the first request a newly started dashboard answers (GET /, its set-up), "
        f"{n:,} events",
        Samples((server.first_answer_s,), "s"),
        statistic="high",
        target=FIRST_ANSWER_TARGET_S,
        target_text=f"<= {FIRST_ANSWER_TARGET_S:g} s",
    )


def server_memory(server: Server, n: int) -> list[Figure]:
    """The dashboard server's RSS now, and its peak so far."""
    current, peak = process_memory_mb(server.pid)
    return [
        Figure(
            "6. server memory",
            f"dashboard server RSS after benchmarks 4-5, {n:,} events loaded",
            Samples((current,), "MB"),
            target=SERVER_RSS_TARGET_MB,
            target_text=f"<= {SERVER_RSS_TARGET_MB} MB",
        ),
        Figure(
            "6. server memory",
            "dashboard server peak RSS (VmHWM) during them",
            Samples((peak,), "MB"),
        ),
    ]
