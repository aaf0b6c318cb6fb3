"""Time the swimlanes callback and "Find place" over HTTP, as a browser asks them
(issue 19): `python -m bench.lanes_bench DATABASE_URL [--samples 40]`.

Starts the dashboard (`python -m dashboard`, anonymous reading on) on a free port,
then POSTs each callback body `samples` times after one unmeasured request, and
prints the median and p95 in ms. "Find place" is also timed cold: its first request
a second after the server answers, before any other. The server runs the code of
the checkout this file is in (copy it into another checkout for a before figure)."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

from bench.suite.servers import free_port, serve

CALLBACK = "/_dash-update-component"
FILTERS = {
    "unfiltered": "",
    "2024 + UKR": "since=2024-01-01&until=2024-12-31&countries=UKR",
}


def swimlanes_body(query: str, lanes: int = 8) -> str:
    """The body the timeline page posts for its swimlanes."""
    return json.dumps(
        {
            "output": "..timeline-swimlanes.figure...timeline-swimlanes-note.children"
            "...timeline-actors-involved.children..."
            '{"chart":"swimlanes","type":"timeline-chart-data"}.href..',
            "outputs": [
                {"id": "timeline-swimlanes", "property": "figure"},
                {"id": "timeline-swimlanes-note", "property": "children"},
                {"id": "timeline-actors-involved", "property": "children"},
                {
                    "id": {"chart": "swimlanes", "type": "timeline-chart-data"},
                    "property": "href",
                },
            ],
            "inputs": [{"id": "timeline-lanes", "property": "value", "value": lanes}],
            "state": [{"id": "timeline-filter", "property": "data", "value": query}],
            "changedPropIds": ["timeline-lanes.value"],
        }
    )


def find_place_body(name: str) -> str:
    """The body the event form posts when "Find place" is pressed."""
    return json.dumps(
        {
            "output": "..event-form-place-hits.data...event-form-place-list.children..",
            "outputs": [
                {"id": "event-form-place-hits", "property": "data"},
                {"id": "event-form-place-list", "property": "children"},
            ],
            "inputs": [
                {"id": "event-form-place-find", "property": "n_clicks", "value": 1},
                {"id": "event-form-location", "property": "n_submit", "value": None},
            ],
            "state": [
                {"id": "event-form-location", "property": "value", "value": name}
            ],
            "changedPropIds": ["event-form-place-find.n_clicks"],
        }
    )


def post(client: httpx.Client, body: str) -> float:
    """Milliseconds to answer one callback request."""
    started = time.perf_counter()
    response = client.post(
        CALLBACK, content=body, headers={"Content-Type": "application/json"}
    )
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:300]}")
    return elapsed


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--log", type=Path, default=Path("/tmp/lanes-bench.log"))
    options = parser.parse_args()
    port = free_port()
    command = [sys.executable, "-m", "dashboard", "--port", str(port)]
    command += ["--database-url", options.database_url]
    with serve(command, port, options.log) as server:
        with httpx.Client(base_url=server.base, timeout=300) as client:
            time.sleep(1)
            cold = post(client, find_place_body("Kharkiv"))
            say(f"Find place, first request (cold): {cold:.0f} ms")
            for name in ("Kharkiv", "Chasiv Yar"):
                times = [post(client, find_place_body(name)) for _ in range(20)]
                say(
                    f"Find place {name!r}, warm: median {statistics.median(times):.0f} "
                    f"ms, p95 {p95(times):.0f} ms"
                )
            for label, query in FILTERS.items():
                body = swimlanes_body(query)
                post(client, body)  # unmeasured: the server's caches
                times = [post(client, body) for _ in range(options.samples)]
                say(
                    f"swimlanes {label}: median {statistics.median(times):.0f} ms, "
                    f"p95 {p95(times):.0f} ms ({options.samples} requests)"
                )


if __name__ == "__main__":
    main()
