"""Benchmark 4: every page's load in headless Chromium, first visit and return visit.

A page has loaded when its content shows: the charts have drawn traces, the table
has rows, the event's report is there. A form (add, edit), the Review page and the
Import page are *ready* when their controls are there and every callback the page
fired on load has answered and been drawn, since a user can only then work in them.

Times are read in the page (`performance.now()`, from the start of navigation), so
the test's own polling adds nothing. A first visit is a new browser context (nothing
cached; a page behind the login has only seen the login page); a return visit loads
the page again in a context that has loaded it before. One unmeasured load warms the
server's caches first."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.suite.measuring import Figure, Samples
from bench.suite.servers import REPO, Server
from bench.suite.service_bench import COUNTRY_FILTER

FIRST_VISIT_TARGET_S = 1.5
RETURN_VISIT_TARGET_S = 1.0
READY_TARGET_S = 1.0
TIMEOUT_MS = 120_000
BENCH_USER = "bench-pages"
BENCH_PASSWORD = "benchmark pages only"
# Callback requests answered and drawn this long ago with none since: the page has
# settled. Only the wait is longer by it, not the time measured.
SETTLE_MS = 400

# Counts the callback requests in flight and keeps when the last one was drawn
# (two frames after its answer, when Dash has rendered it).
CALLBACK_WATCH = """
(() => {
  const state = {inflight: 0, lastDrawn: 0};
  window.__benchCallbacks = state;
  const fetchOriginal = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === "string" ? input : input.url;
    if (!url.includes("/_dash-update-component")) {
      return fetchOriginal.apply(this, arguments);
    }
    state.inflight += 1;
    return fetchOriginal.apply(this, arguments).finally(() => {
      requestAnimationFrame(() => requestAnimationFrame(() => {
        state.inflight -= 1;
        state.lastDrawn = performance.now();
      }));
    });
  };
})();
"""

# The first moment every selector matched, kept in the page.
SHOWN = """
(selectors) => {
  const seen = window.__benchShown;
  if (seen !== undefined) return seen;
  if (selectors.every((s) => document.querySelector(s))) {
    window.__benchShown = performance.now();
    return window.__benchShown;
  }
  return false;
}
"""

# The later of "every selector matched" and "the last callback was drawn", once no
# callback has run for SETTLE_MS.
SETTLED = """
([selectors, settleMs]) => {
  const shown = window.__benchShownAt;
  if (shown === undefined) {
    if (!selectors.every((s) => document.querySelector(s))) return false;
    window.__benchShownAt = performance.now();
    return false;
  }
  const state = window.__benchCallbacks;
  const now = performance.now();
  if (state.inflight > 0 || now - Math.max(shown, state.lastDrawn) < settleMs) {
    return false;
  }
  return Math.max(shown, state.lastDrawn);
}
"""


@dataclass(frozen=True)
class PageLoad:
    """One page to load: where, what shows it has loaded, and its target."""

    name: str
    path: str
    wait: Callable  # (page) -> seconds from navigation to content, read in the page
    what: str  # the content waited for, in words
    login: bool = False  # behind the login (a form, Review, Import)
    ready: bool = False  # a form's readiness, whose target is READY_TARGET_S


def _shown(page, *selectors: str) -> float:
    handle = page.wait_for_function(
        SHOWN, arg=list(selectors), polling="raf", timeout=TIMEOUT_MS
    )
    return handle.json_value() / 1000


def _settled(page, *selectors: str) -> float:
    handle = page.wait_for_function(
        SETTLED, arg=[list(selectors), SETTLE_MS], polling="raf", timeout=TIMEOUT_MS
    )
    return handle.json_value() / 1000


def timeline_shown(page) -> float:
    """Every chart of the timeline has traces, the swimlanes too."""
    return _shown(
        page,
        "#timeline-events-over-time g.trace",
        "#timeline-score g.trace",
        "#timeline-fatalities g.trace",
        "#timeline-swimlanes g.trace",
    )


def map_shown(page) -> float:
    """The map has its markers over the world's shapes."""
    return _shown(page, "#map-graph g.trace.scattergeo", "#map-graph .countries path")


def events_shown(page) -> float:
    """The table has its first row of events."""
    first_row = "#events-grid .ag-row[row-index='0']:not(.ag-row-loading)"
    return _shown(page, f"{first_row} [col-id='title']")


def event_shown(page) -> float:
    """The event's report and its history."""
    return _shown(page, "#event-card", ".event-page h2")


def form_ready(page) -> float:
    """The form's fields and Save button, every load callback answered."""
    return _settled(page, "#event-form-title", "#event-form-save")


def review_ready(page) -> float:
    """The article form and the queue, every load callback answered."""
    return _settled(page, "#review-text", "#review-extract")


def import_ready(page) -> float:
    """The upload and format controls, every load callback answered."""
    return _settled(page, "#import-upload", "#import-format")


def summary_shown(page) -> float:
    """The summary table has its totals row."""
    return _shown(page, "#summary-table tfoot tr.totals")


def pages(event_id: int) -> list[PageLoad]:
    """Every page of the dashboard; the lists and charts under the benchmark filter."""
    query = "?" + COUNTRY_FILTER.to_query_string()
    return [
        PageLoad("timeline", f"/{query}", timeline_shown, "all four charts show"),
        PageLoad("map", f"/map{query}", map_shown, "markers and world shapes show"),
        PageLoad("events table", f"/events{query}", events_shown, "first rows show"),
        PageLoad("event", f"/events/{event_id}", event_shown, "report shows"),
        PageLoad(
            "summary",
            f"/summary{query}&period=month&by=admin1",
            summary_shown,
            "table with totals shows",
        ),
        PageLoad(
            "add form", "/events/new", form_ready, "ready", login=True, ready=True
        ),
        PageLoad(
            "edit form",
            f"/events/{event_id}/edit",
            form_ready,
            "ready",
            login=True,
            ready=True,
        ),
        PageLoad("review", "/review", review_ready, "ready", login=True, ready=True),
        PageLoad("import", "/import", import_ready, "ready", login=True),
    ]


def ensure_bench_account(database_url: str) -> None:
    """An editor account for the pages behind the login (made once per database)."""
    tracker = [sys.executable, "-m", "tracker", "--database-url", database_url]
    listed = subprocess.run(
        [*tracker, "user", "list"], capture_output=True, text=True, cwd=REPO
    )
    if any(line.split("\t")[0] == BENCH_USER for line in listed.stdout.splitlines()):
        return
    subprocess.run(
        [*tracker, "user", "add", BENCH_USER, "--role", "editor", "--password-stdin"],
        input=BENCH_PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
        cwd=REPO,
    )


def middle_event_id(database: Path) -> int:
    """An event from the middle of the table: its page is neither the first nor the
    newest."""
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM event").fetchone()
        (event_id,) = connection.execute(
            "SELECT id FROM event ORDER BY id LIMIT 1 OFFSET ?", (count // 2,)
        ).fetchone()
    return event_id


def _new_context(browser, base: str, login: bool):
    context = browser.new_context()
    context.add_init_script(CALLBACK_WATCH)
    if login:
        page = context.new_page()
        page.goto(base + "/login")
        page.get_by_label("Username").fill(BENCH_USER)
        page.get_by_label("Password").fill(BENCH_PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        page.close()
    return context


def _load(context, url: str, wait: Callable) -> float:
    page = context.new_page()
    page.goto(url, wait_until="commit")
    seconds = wait(page)
    page.close()
    return seconds


def load_page(browser, server: Server, load: PageLoad, runs: int):
    """First-visit and return-visit seconds of one page, `runs` times each."""
    url = server.base + load.path
    first, again = [], []
    for _ in range(runs + 1):  # the first load warms the server's caches
        context = _new_context(browser, server.base, load.login)
        first.append(_load(context, url, load.wait))
        context.close()
    context = _new_context(browser, server.base, load.login)
    for _ in range(runs + 1):  # the first load fills the browser's cache
        again.append(_load(context, url, load.wait))
    context.close()
    return Samples(tuple(first[1:]), "s"), Samples(tuple(again[1:]), "s")


def page_figures(load: PageLoad, first: Samples, again: Samples) -> list[Figure]:
    """The two figures of a page, each beside its target."""
    figures = []
    for visit, samples, target in (
        ("first visit", first, FIRST_VISIT_TARGET_S),
        ("return visit", again, RETURN_VISIT_TARGET_S),
    ):
        if load.ready:
            target = READY_TARGET_S
        figures.append(
            Figure(
                "4. dashboard pages",
                f"{load.name} ({load.path.split('?')[0]}) until {load.what}, {visit}",
                samples,
                statistic="high",
                target=target,
                target_text=f"<= {target:g} s",
            )
        )
    return figures


def run_page_loads(
    launch: Callable, server: Server, database: Path, database_url: str, runs: int
) -> list[Figure]:
    """Every page, first and return visit; `launch(playwright)` opens Chromium."""
    from playwright.sync_api import sync_playwright

    ensure_bench_account(database_url)
    loads = pages(middle_event_id(database))
    figures: list[Figure] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for load in loads:
            figures += page_figures(load, *load_page(browser, server, load, runs))
        browser.close()
    return figures


def main() -> None:
    """Page loads against a running dashboard, printed (for a quick look while
    working on a page): `python -m bench.suite.page_loads URL DATABASE [RUNS]`."""
    from bench.suite.http_bench import _launch

    base, database = sys.argv[1], Path(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    server = Server(base, None)  # type: ignore[arg-type]
    for figure in run_page_loads(
        _launch, server, database, f"sqlite:///{database}", runs
    ):
        samples = figure.samples
        print(  # noqa: T201
            f"{figure.what:75} median {samples.median:.2f} high {samples.high:.2f}"
            f"  target {figure.target_text}"
        )


if __name__ == "__main__":
    main()
