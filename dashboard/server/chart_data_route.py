"""`GET /chart.csv?chart=NAME&<filter>`: the data behind one timeline chart, as CSV.

An analyst who puts a chart into a briefing needs its numbers: each chart of the
timeline links here with its filter. The rows are the chart's own series, computed
by the same functions the page draws from, one row per point (per mark for the
swimlanes, which also take `lanes`, the number of actors shown)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import asdict, fields
from typing import Any

from flask import Flask, Response, request

from dashboard.server.export_route import refusal
from dashboard.services import reads
from tracker.errors import Problem
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.stats import PeriodCount
from tracker.query.timeline import FatalityPoint, LaneMark, ScorePoint

CHART_CSV_PATH = "/chart.csv"
# Each chart's rows, by the name `chart=` takes.
ROW_TYPES: dict[str, type] = {
    "events": PeriodCount,
    "swimlanes": LaneMark,
    "score": ScorePoint,
    "fatalities": FatalityPoint,
}
CHARTS = tuple(ROW_TYPES)
MAX_LANES = 40  # as the page's "Actors shown" input


def chart_csv_href(event_filter: EventFilter, chart: str, **extra: Any) -> str:
    """The link to one chart's data for the filter."""
    query = event_filter.to_query_string()
    settings = "&".join(f"{k}={v}" for k, v in {"chart": chart, **extra}.items())
    return f"{CHART_CSV_PATH}?{settings}" + (f"&{query}" if query else "")


def register_chart_data_route(server: Flask) -> None:
    """Add `GET /chart.csv` to the Flask server behind the dashboard."""
    server.add_url_rule(CHART_CSV_PATH, "chart_csv", chart_csv, methods=["GET"])


def chart_csv() -> Response:
    """The data of the chart the query string names, for its filter."""
    query = request.args.to_dict(flat=False)
    event_filter, problems = parse_filter(query)
    chart = request.args.get("chart", "")
    if chart not in CHARTS:
        problems.append(
            Problem(field="chart", reason=f"must be one of {', '.join(CHARTS)}")
        )
    lanes = request.args.get("lanes", "8")
    if not (lanes.isascii() and lanes.isdigit() and 1 <= int(lanes) <= MAX_LANES):
        problems.append(Problem(field="lanes", reason=f"must be 1 to {MAX_LANES}"))
    if problems:
        return Response(refusal(problems), 400, mimetype="text/plain")
    rows, name = _chart_rows(chart, event_filter, int(lanes))
    today = dt.datetime.now(dt.UTC).date()
    return Response(
        "\ufeff" + rows_as_csv(rows, ROW_TYPES[chart]),  # BOM: Excel reads UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": (
                f'attachment; filename="tracker-{name}-{today:%Y%m%d}.csv"'
            ),
            "Cache-Control": "no-store",
        },
    )


def _chart_rows(chart: str, event_filter: EventFilter, lanes: int) -> tuple[list, str]:
    """The chart's rows, and a file name saying what they are (the period the
    page chose for the filter's span: by week, by month ...)."""
    if chart == "swimlanes":
        return reads.swimlanes(event_filter, lanes=lanes).marks, f"swimlanes-{lanes}"
    data = reads.timeline_data(event_filter)
    rows = {"events": data.counts, "score": data.scores, "fatalities": data.fatalities}
    by = f"-by-{data.period.value}" if data.period else ""
    return rows[chart], chart + by


def rows_as_csv(rows: Iterable[Any], row_type: type) -> str:
    """Dataclass rows as CSV, a column per field of `row_type`."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, [f.name for f in fields(row_type)], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(asdict(row) for row in rows)
    return out.getvalue()
