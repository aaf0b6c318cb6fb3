"""What an import did or would do, in words and tables: the Import page's reports.

A dry run's counts, assumptions and lookalikes; the problems found, row by row; the
summary of a finished import, linking to its events; a file that could not be read.
Everything read from the file is shown as text by Dash components, never as HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import dcc, html

from tracker.errors import InvalidInput, NotFound, Problem
from tracker.importing import ImportReport

PROBLEMS_SHOWN = 100
VALUE_SHOWN = 200  # characters of a refused value shown in the problems table
ATOMIC_NOTE = (
    "Importing writes nothing if any row is invalid, unless you tick "
    "'Skip invalid rows'."
)


def problems_table(problems: Sequence[Problem]) -> html.Div:
    """The first problems as a table of row, line, column, value and reason.

    Row is the record's number as a spreadsheet shows it, line the line it starts
    on in the file: they part once a quoted cell spans lines (blank for JSON)."""
    rows = [
        html.Tr(
            [
                html.Td("" if p.row is None else str(p.row)),
                html.Td("" if p.line is None else str(p.line)),
                html.Td(p.field),
                html.Td("" if p.value is None else str(p.value)[:VALUE_SHOWN]),
                html.Td(p.reason),
            ]
        )
        for p in problems[:PROBLEMS_SHOWN]
    ]
    names = ("Row", "Line", "Column", "Value", "Reason")
    head = html.Tr([html.Th(name) for name in names])
    parts: list[Any] = [
        html.Table([html.Thead(head), html.Tbody(rows)], className="problems")
    ]
    if len(problems) > PROBLEMS_SHOWN:
        parts.append(
            html.P(
                f"Showing the first {PROBLEMS_SHOWN} of {len(problems):,} problems; "
                "`tracker import --dry-run --report FILE` lists them all.",
                className="note",
            )
        )
    return html.Div(parts)


def counts(report: ImportReport, *, dry_run: bool) -> html.Dl:
    """Rows read and what became, or would become, of them."""
    added, updated = "Added", "Updated"
    if dry_run:
        added, updated = "Would be added", "Would be updated"
    terms = [
        ("Rows", report.rows),
        (added, report.added),
        (updated, report.updated),
        ("Unchanged", report.unchanged),
        ("Rejected", report.rejected),
    ]
    return html.Dl(
        [part for term, n in terms for part in (html.Dt(term), html.Dd(f"{n:,}"))],
        className="import-counts",
    )


def invalid_rows(report: ImportReport) -> str:
    """How many rows are invalid, in words: "1 of 12 rows is invalid"."""
    rows = "row" if report.rows == 1 else "rows"
    verb = "is" if report.rejected == 1 else "are"
    return f"{report.rejected:,} of {report.rows:,} {rows} {verb} invalid"


def dry_run_report(report: ImportReport) -> html.Div:
    """What importing the file would do: its format, the counts, the problems."""
    chosen = "Detected" if report.detected else "As chosen"
    if report.problems:
        what = (
            f"{invalid_rows(report)} (below). "
            f"{ATOMIC_NOTE} With it ticked, the {report.valid:,} valid rows are "
            "imported and the rest are left out."
        )
    else:
        what = (
            f"Every row is valid: importing adds {report.added:,} events and updates "
            f"{report.updated:,}; {report.unchanged:,} already stored as they are "
            f"are left alone. {ATOMIC_NOTE}"
        )
    parts: list[Any] = [
        html.P(html.Strong(f"{chosen}: {report.format}"), className="import-format"),
        counts(report, dry_run=True),
        html.P(what),
        html.P("Nothing has been written yet.", className="note"),
    ]
    parts.append(assumptions_note(report))
    parts.append(lookalike_note(report))
    if report.problems:
        parts.append(problems_table(report.problems))
    return html.Div(parts, className="dry-run")


def assumptions_note(report: ImportReport) -> html.Div | None:
    """Which expected columns the file lacks and what reading it assumed (an
    ACLED-shaped file without ids or coordinates, say), so the analyst knows what
    the imported events rest on."""
    explanations = report.explanations()
    if not explanations:
        return None
    return html.Div(
        [
            html.P(html.Strong("What the file lacked and what was assumed:")),
            html.Ul([html.Li(note) for note in explanations]),
        ],
        className="import-assumptions",
    )


def lookalike_note(report: ImportReport) -> html.Div | None:
    """How many rows look like events already stored, with a few examples linked,
    so the analyst knows before importing (the import then flags them for review)."""
    found = report.lookalikes
    if found is None or not found.rows:
        return None
    head, *_ = found.describe()
    examples = [
        html.Li(
            [
                f"Line {line}: like ",
                dcc.Link(
                    f"event {like.id}, {like.title}",
                    href=f"/events/{like.id}",
                    target="_blank",
                ),
                html.Span(f" ({like.reasons})", className="note"),
            ]
        )
        for line, like in found.examples
    ]
    return html.Div(
        [
            html.P(html.Strong(head.rstrip(":") + ".")),
            html.Ul(examples),
            html.P(
                "Importing adds them as new events and flags each pair as a possible "
                "duplicate to merge or dismiss.",
                className="note",
            ),
        ],
        className="duplicate-warning import-lookalikes",
        role="alert",
    )


def unreadable(error: InvalidInput | NotFound) -> html.Div:
    """Why the file cannot be imported at all, and what to do about it."""
    if isinstance(error, NotFound):
        return html.Div(html.P(str(error)), className="import-error", role="alert")
    reasons = [html.Li(str(problem)) for problem in error.problems]
    parts: list[Any] = [
        html.P("This file cannot be imported as it is:"),
        html.Ul(reasons),
    ]
    if any(problem.field == "format" for problem in error.problems):
        parts.append(html.P("Choose its format in the Format list above."))
    return html.Div(parts, className="import-error", role="alert")


def import_summary(
    name: str,
    report: ImportReport,
    titles: Sequence[tuple[int, str]],
    uncounted: dict[str, int] | None = None,
) -> html.Div:
    """The summary of a finished import, linking to the events it wrote.

    `uncounted` (status -> events) names the imported events the figures leave out
    by default, proposals above all (GDELT rows, machine-coded files), so an
    analyst does not look for them on an unfiltered timeline in vain."""
    parts: list[Any] = [
        html.P(html.Strong(f"Imported {name}."), className="import-done"),
        counts(report, dry_run=False),
        assumptions_note(report),
    ]
    if report.duplicate_candidates:
        parts.append(
            html.P(
                f"{report.duplicate_candidates:,} possible duplicates of events "
                "from other datasets were flagged for review.",
                className="note",
            )
        )
    if report.problems:
        parts += [html.P("These rows were left out:"), problems_table(report.problems)]
    if titles:
        links = [
            html.Li(dcc.Link(title, href=f"/events/{event_id}"))
            for event_id, title in titles
        ]
        more = len(report.event_ids) - len(titles)
        parts += [html.P("The events added or updated:"), html.Ul(links)]
        if more > 0:
            parts.append(html.P(f"… and {more:,} more.", className="note"))
    else:
        parts.append(
            html.P("Nothing changed: every row matches an event already stored.")
        )
    for status, count in sorted((uncounted or {}).items()):
        plural = "s are" if count != 1 else " is"
        parts.append(
            html.P(
                [
                    f"{count:,} of these event{plural} {status}: the figures, "
                    f"charts and exports count them only when the status filter "
                    f"ticks {status}. ",
                    dcc.Link(
                        f"Open the {status} events", href=f"/events?statuses={status}"
                    ),
                ],
                className="note",
            )
        )
    parts.append(html.P(dcc.Link("Open the events table", href="/events")))
    return html.Div(parts, className="import-summary", role="status")


def failure_summary(report: ImportReport) -> html.Div:
    """Why an all-or-nothing import wrote nothing, and how to go on."""
    return html.Div(
        [
            html.P(html.Strong(f"Nothing was written: {invalid_rows(report)}.")),
            problems_table(report.problems),
            html.P(
                "Fix these rows and upload the file again, or tick 'Skip invalid "
                f"rows' to import the {report.valid:,} valid rows."
            ),
        ],
        className="import-error",
        role="alert",
    )
