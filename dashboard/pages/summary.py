"""Summary page (`/summary`): events and fatalities per period, in rows by admin1,
country, actor, PLOVER type, ACLED type or dataset, with totals (a pivot table).

Everything is in the URL: the filter, and `period`, `by`, `show` and `sort`; the
choices are plain links, so Back, reload and a shared link give the same table.
Each number links to the events table of its row and period; the CSV download
(`GET /summary.csv` with the same query) holds every row."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from dash import html

from dashboard import ids
from dashboard.components.filter_panel import ignored_notice
from dashboard.server.summary_route import (
    MEASURES,
    SUMMARY_CSV_PATH,
    TableChoice,
    read_choice,
)
from dashboard.services import reads
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.summary import (
    SHOWN_ROWS,
    SUMMARY_PERIODS,
    Cell,
    GroupBy,
    Summary,
    SummaryRow,
    period_filter,
    period_label,
    row_filter,
)

SUMMARY_PATH = "/summary"
NO_VALUE = "(none)"


def href(path: str, event_filter: EventFilter, choice: TableChoice | None) -> str:
    """A link to `path` with the filter (and the table's settings)."""
    query = event_filter.to_query_string()
    if choice is not None:
        query = "&".join(part for part in (query, urlencode(choice.query())) if part)
    return path + ("?" + query if query else "")


def layout(**query: Any) -> html.Div:
    """The table for the URL's filter and settings."""
    event_filter, ignored = parse_filter(query)
    choice, refused = read_choice(query)
    summary = reads.summary_table(event_filter, choice.period, choice.group_by)
    plural = "s" if summary.total.events != 1 else ""
    return html.Div(
        [
            html.Div(
                [
                    html.H1("Summary"),
                    html.A(
                        "Download CSV",
                        id=ids.SUMMARY_DOWNLOAD,
                        href=href(SUMMARY_CSV_PATH, event_filter, choice),
                        className="button export",
                        download="",
                        rel="nofollow",
                    ),
                ],
                className="page-head",
            ),
            ignored_notice(ignored + refused),
            html.P(
                f"{summary.total.events:,} event{plural}, "
                f"{summary.total.fatalities:,} killed · {event_filter.describe()}",
                id=ids.SUMMARY_COUNT,
                className="summary",
            ),
            choices(event_filter, choice),
            table(summary, event_filter, choice)
            if summary.total.events
            else html.P(
                "No events match these filters. Widen the dates or remove a filter.",
                className="empty",
            ),
        ],
        className="summary-page",
    )


def choices(event_filter: EventFilter, choice: TableChoice) -> html.Div:
    """Rows by, period and measure as links (the chosen one marked)."""

    def links(label: str, options: dict[str, TableChoice], chosen: TableChoice):
        items = []
        for text, target in options.items():
            current = target == chosen
            items.append(
                html.A(
                    text,
                    href=href(SUMMARY_PATH, event_filter, target),
                    className="choice" + (" chosen" if current else ""),
                    **({"aria-current": "true"} if current else {}),
                )
            )
        return html.Div([html.Span(label, className="field-label"), *items])

    def with_(**changes: Any) -> TableChoice:
        values = {**choice.__dict__, **changes}
        if "period" in changes or "group_by" in changes:
            values["sort"] = "total"  # a period column may not exist any more
        return TableChoice(**values)

    return html.Div(
        [
            links("Rows", {g.label: with_(group_by=g) for g in GroupBy}, choice),
            links(
                "Per",
                {p.value: with_(period=p) for p in SUMMARY_PERIODS},
                choice,
            ),
            links("Show", {v: with_(measure=k) for k, v in MEASURES.items()}, choice),
        ],
        id=ids.SUMMARY_CHOICES,
        className="summary-choices",
    )


def sorted_rows(summary: Summary, choice: TableChoice) -> list[SummaryRow]:
    """The rows in the order the URL asks: by total (the default), by name, or by
    one period's column, largest first; rows without a value stay last."""
    rows = list(summary.rows)
    if choice.sort == "name":
        return sorted(rows, key=lambda r: (r.value is None, (r.value or "").lower()))
    if choice.sort == "total":
        return rows  # summarise's order
    start = dt.date.fromisoformat(choice.sort)
    return sorted(
        rows,
        key=lambda r: (r.value is None, -_measure(r.cells.get(start, Cell()), choice)),
    )


def _measure(cell: Cell, choice: TableChoice) -> int:
    return cell.events if choice.measure == "events" else cell.fatalities


def table(summary: Summary, event_filter: EventFilter, choice: TableChoice) -> html.Div:
    """The pivot table: a row per value, a column per period, totals last."""
    rows = sorted_rows(summary, choice)
    shown = rows[:SHOWN_ROWS]

    def heading(text: str, sort: str) -> html.Th:
        target = TableChoice(choice.period, choice.group_by, choice.measure, sort)
        return html.Th(
            html.A(text, href=href(SUMMARY_PATH, event_filter, target)),
            scope="col",
            className="sorted" if choice.sort == sort else None,
            **({"aria-sort": "descending"} if choice.sort == sort else {}),
        )

    def number(cell: Cell, narrowed: EventFilter | None) -> html.Td:
        value = _measure(cell, choice)
        if narrowed is None or not cell.events:
            return html.Td(f"{value:,}", className="num zero" if not value else "num")
        return html.Td(
            html.A(f"{value:,}", href=href("/events", narrowed, None)),
            className="num",
        )

    def body_row(row: SummaryRow) -> html.Tr:
        narrowed = (
            None
            if row.value is None
            else row_filter(event_filter, summary.group_by, row.value)
        )
        cells = [
            number(
                row.cells.get(start, Cell()),
                None
                if narrowed is None
                else period_filter(narrowed, summary.period, start),
            )
            for start in summary.periods
        ]
        return html.Tr(
            [
                html.Th(row.value or NO_VALUE, scope="row"),
                *cells,
                number(row.total, narrowed),
            ]
        )

    totals = html.Tr(
        [
            html.Th("Total (each event once)", scope="row"),
            *[
                number(
                    summary.period_totals.get(start, Cell()),
                    period_filter(event_filter, summary.period, start),
                )
                for start in summary.periods
            ],
            number(summary.total, event_filter),
        ],
        className="totals",
    )
    note = []
    if len(rows) > len(shown):
        note.append(
            f"The {len(shown):,} busiest of {len(rows):,} rows are shown; the CSV has "
            "them all. "
        )
    if not summary.rows_add_up:
        note.append(
            "An event with several actors counts in each actor's row, so the rows "
            "add up to more than the total."
        )
    return html.Div(
        [
            html.Div(
                html.Table(
                    [
                        html.Caption(
                            f"{MEASURES[choice.measure]} by {summary.group_by.label} "
                            f"and {summary.period.value}"
                        ),
                        html.Thead(
                            html.Tr(
                                [
                                    heading(summary.group_by.label, "name"),
                                    *[
                                        heading(
                                            period_label(summary.period, start),
                                            start.isoformat(),
                                        )
                                        for start in summary.periods
                                    ],
                                    heading("Total", "total"),
                                ]
                            )
                        ),
                        html.Tbody([body_row(row) for row in shown]),
                        html.Tfoot(totals),
                    ],
                    id=ids.SUMMARY_TABLE,
                    className="pivot",
                ),
                className="table-scroll",
            ),
            html.P("".join(note), className="note") if note else None,
        ]
    )
