"""Where a page load's seconds go: its network waterfall, callbacks and long tasks.

`python -m bench.suite.page_trace URL DATABASE PAGE [first|return] [RUNS]` loads one
of `page_loads.pages` (by name: timeline, map, "events table", event, summary, "add
form", "edit form", review, import) against a running dashboard and prints, in
milliseconds from the start of navigation: every request (start, end, bytes over
the wire, 0 when cached), which outputs each callback request updated, the main
thread's long tasks (script evaluation, rendering: anything over 50 ms) and when the
page was shown or ready, as `page_loads` times it. CDP's own counters (script,
layout and style time of the whole load) close the report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.suite.page_loads import (
    _new_context,
    ensure_bench_account,
    middle_event_id,
    pages,
)

# Long tasks from the start, kept in the page.
LONG_TASKS = """
(() => {
  window.__benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__benchLongTasks.push([entry.startTime, entry.duration]);
    }
  }).observe({type: "longtask", buffered: true});
})();
"""

RESOURCES = """
() => performance.getEntriesByType("resource").map((e) => [
  e.name, e.startTime, e.responseStart, e.responseEnd, e.transferSize,
  e.decodedBodySize])
"""


def _outputs(post_data: str | None) -> str:
    try:
        body = json.loads(post_data or "{}")
    except ValueError:
        return "?"
    inputs = ",".join(str(i) for i in body.get("changedPropIds") or [])
    return f"{body.get('output', '?')[:70]}  <- {inputs[:60]}"


def trace(browser, base: str, load, visit: str) -> None:
    context = _new_context(browser, base, load.login)
    context.add_init_script(LONG_TASKS)
    url = base + load.path
    if visit == "return":
        page = context.new_page()
        page.goto(url, wait_until="commit")
        load.wait(page)
        page.close()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    cdp.send("Profiler.enable")
    cdp.send("Profiler.setSamplingInterval", {"interval": 1000})
    cdp.send("Profiler.start")
    posted: list[str] = []
    page.on(
        "request",
        lambda r: (
            posted.append(_outputs(r.post_data))
            if "_dash-update-component" in r.url
            else None
        ),
    )
    page.goto(url, wait_until="commit")
    seconds = load.wait(page)
    resources = page.evaluate(RESOURCES)
    long_tasks = page.evaluate("() => window.__benchLongTasks")
    navigation = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " return [n.responseStart, n.responseEnd, n.domContentLoadedEventEnd]; }"
    )
    metrics = {
        m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]
    }
    profile = cdp.send("Profiler.stop")["profile"]
    page.close()
    context.close()
    print(f"== {load.name} {visit}: {seconds * 1000:.0f} ms ({load.what})")  # noqa: T201
    print(  # noqa: T201
        f"   document: first byte {navigation[0]:.0f}, last byte {navigation[1]:.0f},"
        f" DOMContentLoaded {navigation[2]:.0f}"
    )
    callbacks = iter(posted)
    for name, start, first_byte, end, wire, size in sorted(
        resources, key=lambda r: r[1]
    ):
        short = name.split("//", 1)[-1].split("/", 1)[-1][:70]
        what = next(callbacks, "?") if "_dash-update-component" in name else ""
        print(  # noqa: T201
            f"   {start:6.0f} {first_byte:6.0f} {end:6.0f} {wire:9,} {size:10,}"
            f"  {short}  {what}"
        )
    for start, duration in long_tasks:
        print(f"   long task {start:6.0f} +{duration:5.0f}")  # noqa: T201
    print(  # noqa: T201
        "   CDP (ms): "
        + ", ".join(
            f"{key} {metrics[key] * 1000:.0f}"
            for key in (
                "ScriptDuration",
                "LayoutDuration",
                "RecalcStyleDuration",
                "TaskDuration",
            )
        )
    )
    print("   hottest functions (self time, sampled):")  # noqa: T201
    print_hot_functions(profile)


def print_hot_functions(profile: dict, top: int = 15) -> None:
    """The functions the main thread spent most time in (self time), from CDP's
    sampling profile, with their script."""
    interval_ms = (
        (profile["endTime"] - profile["startTime"])
        / 1000
        / max(1, len(profile.get("samples", [])))
    )
    nodes = {node["id"]: node for node in profile["nodes"]}
    self_ms: dict[str, float] = {}
    per_script: dict[str, float] = {}
    for sample in profile.get("samples", []):
        frame = nodes[sample]["callFrame"]
        script = frame["url"].rsplit("/", 1)[-1].split("?")[0][:40]
        # Line and column: a minified bundle's names say little on their own.
        where = f"{script}:{frame['lineNumber']}:{frame['columnNumber']}"
        key = f"{frame['functionName'] or '(anonymous)'} {where}"
        self_ms[key] = self_ms.get(key, 0.0) + interval_ms
        per_script[script] = per_script.get(script, 0.0) + interval_ms
    for script, ms in sorted(per_script.items(), key=lambda item: -item[1])[:10]:
        print(f"   {ms:7.0f} ms  in {script or '(native)'}")  # noqa: T201
    for key, ms in sorted(self_ms.items(), key=lambda item: -item[1])[:top]:
        print(f"   {ms:7.0f} ms  {key}")  # noqa: T201


def main() -> None:
    from playwright.sync_api import sync_playwright

    from bench.suite.http_bench import _launch

    base, database, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    visit = sys.argv[4] if len(sys.argv) > 4 else "first"
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    ensure_bench_account(f"sqlite:///{database}")
    (load,) = [p for p in pages(middle_event_id(database)) if p.name == name]
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        for _ in range(runs):
            trace(browser, base, load, visit)
        browser.close()


if __name__ == "__main__":
    main()
