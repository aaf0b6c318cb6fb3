"""`GET /summary.csv`: the summary page's table as CSV, every row, events and
fatalities per period (the page shows one of the two and at most SHOWN_ROWS rows).

The query string is the page's: the filter, then `period`, `by`, `show`, `sort`; a
refused value is a 400 naming the field and the reason, as for the export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, request

from dashboard.server.export_route import refusal
from dashboard.services import reads
from tracker.errors import Problem
from tracker.query.filters import parse_filter
from tracker.query.stats import Period
from tracker.query.summary import SUMMARY_PERIODS, GroupBy, summary_csv

SUMMARY_CSV_PATH = "/summary.csv"
MEASURES = {"events": "Events", "fatalities": "Fatalities"}
SORTS = ("total", "name")  # or a period's first day, YYYY-MM-DD: its column


@dataclass(frozen=True)
class TableChoice:
    """The table's own settings, read from the URL."""

    period: Period = Period.MONTH
    group_by: GroupBy = GroupBy.ADMIN1
    measure: str = "events"
    sort: str = "total"

    def query(self) -> dict[str, str]:
        return {
            "period": self.period.value,
            "by": self.group_by.value,
            "show": self.measure,
            "sort": self.sort,
        }


def read_choice(query: Mapping[str, Any]) -> tuple[TableChoice, list[Problem]]:
    """The table settings of a URL, and a problem for each value refused (the
    default is used instead)."""
    problems: list[Problem] = []

    def pick(name: str, allowed: dict[str, Any], default: Any) -> Any:
        raw = query.get(name)
        raw = raw[0] if isinstance(raw, list) and raw else raw
        if raw in (None, ""):
            return default
        if isinstance(raw, str) and raw in allowed:
            return allowed[raw]
        problems.append(
            Problem(field=name, reason=f"must be one of {', '.join(allowed)}")
        )
        return default

    period = pick("period", {p.value: p for p in SUMMARY_PERIODS}, Period.MONTH)
    group_by = pick("by", {g.value: g for g in GroupBy}, GroupBy.ADMIN1)
    measure = pick("show", {m: m for m in MEASURES}, "events")
    sort = query.get("sort")
    sort = sort[0] if isinstance(sort, list) and sort else sort
    if sort in (None, "") or sort in SORTS:
        sort = sort or "total"
    else:
        try:
            dt.date.fromisoformat(str(sort))
        except ValueError:
            problems.append(
                Problem(field="sort", reason="must be total, name or a period's date")
            )
            sort = "total"
    return TableChoice(period, group_by, measure, str(sort)), problems


def register_summary_route(server: Flask) -> None:
    """Add `GET /summary.csv` to the Flask server behind the dashboard."""
    server.add_url_rule(
        SUMMARY_CSV_PATH, "summary_csv", summary_csv_download, methods=["GET"]
    )


def summary_csv_download() -> Response:
    """The summary table of the query string as a CSV download."""
    query = request.args.to_dict(flat=False)
    event_filter, problems = parse_filter(query)
    choice, refused = read_choice(query)
    if problems or refused:
        return Response(refusal(problems + refused), 400, mimetype="text/plain")
    summary = reads.summary_table(event_filter, choice.period, choice.group_by)
    today = dt.datetime.now(dt.UTC).date()
    name = f"tracker-summary-{choice.group_by.value}-by-{choice.period.value}"
    return Response(
        "\ufeff" + summary_csv(summary),  # a BOM, so Excel reads non-Latin names
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}-{today:%Y%m%d}.csv"',
            "Cache-Control": "no-store",
        },
    )
