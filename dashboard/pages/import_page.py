"""Import page (`/import`): upload a file, see what importing it would do, then import.

The uploaded file is stored on the server under a random token (see
`services.save_upload`); the browser keeps only that token and the file's name and size
for display. Each new file or format runs a dry run that writes nothing; "Import" then
runs the real import in one transaction and links to the events it wrote. Everything
read from the file is shown as text by Dash components, never as HTML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import (
    Input,
    Output,
    State,
    callback,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate
from typing_extensions import TypedDict  # pydantic reads it on Python 3.11

from dashboard import ids, services
from dashboard.components.event_form_fields import dropdown
from dashboard.components.upload_guard import register_size_guard
from dashboard.server import uploads
from tracker.errors import InvalidInput, NotFound, PermissionDenied, Problem
from tracker.formats import AUTO, AUTO_LABEL, IMPORTS
from tracker.importing import ImportFailed, ImportReport
from tracker.store.accounts import Action

PROBLEMS_SHOWN = 100
LINKS_SHOWN = 20
VALUE_SHOWN = 200  # characters of a refused value shown in the problems table
UPLOAD_LABEL = "Choose a file to import"
ATOMIC_NOTE = (
    "Importing writes nothing if any row is invalid, unless you tick "
    "'Skip invalid rows'."
)
NO_FILE = "Choose a file above to see what importing it would do."


class UploadedFile(TypedDict):
    """What the page keeps of a stored upload (IMPORT_UPLOADED's data); typed, so
    that the request guard refuses any other shape a client sends (issue 18)."""

    token: str
    name: str
    size: int


def layout(**_query: Any) -> html.Div:
    """The upload, the format choice, the dry-run report and the Import button."""
    refused = services.refusal(Action.IMPORT)  # the server refuses it anyway
    return html.Div(
        [
            html.H1("Import"),
            html.P(f"{refused}.", className="form-summary") if refused else None,
            html.P(
                "Add events from a file: tracker's own CSV or JSON Lines export, "
                "ACLED, UCDP GED, GDELT 2.0 events or PLOVER JSON. Importing a file "
                "again updates its events by their id in the source dataset and never "
                "duplicates them. Nothing is written until you press Import.",
                className="summary",
            ),
            file_section(),
            html.Section(
                [
                    html.H2("Dry run"),
                    dcc.Loading(
                        html.Div(NO_FILE, id=ids.IMPORT_DRY_RUN),
                        custom_spinner=html.P("Checking every row…", className="note"),
                        delay_show=300,
                        show_initially=False,
                        target_components={ids.IMPORT_DRY_RUN: "children"},
                    ),
                ],
                className="card",
            ),
            import_section(),
        ],
        className="import-page",
    )


def file_section() -> html.Section:
    """The upload, named by the label around it, and the Format choice."""
    max_size = uploads.import_limit()
    limit = services.describe_size(max_size)
    upload = dcc.Upload(
        id=ids.IMPORT_UPLOAD,
        children=[
            html.Span(UPLOAD_LABEL, className="button export"),
            html.Span(f" or drop it here (up to {limit})", className="hint"),
        ],
        max_size=max_size,
        # The label around it opens the file dialog; a click on the drop zone would
        # open a second one.
        disable_click=True,
        className="import-upload",
        className_active="import-upload dragging",
    )
    return html.Section(
        [
            html.H2("File and format"),
            html.Label(upload, className="import-upload-label"),
            html.Div(id=ids.IMPORT_FILE, **{"aria-live": "polite"}),
            dropdown("Format", ids.IMPORT_FORMAT, format_options(), AUTO, None),
            dcc.Store(id=ids.IMPORT_UPLOADED),
        ],
        className="card import-file",
    )


def import_section() -> html.Section:
    """The 'Skip invalid rows' choice, the Import button and the result."""
    return html.Section(
        [
            html.H2("Import"),
            dcc.Checklist(
                id=ids.IMPORT_SKIP_INVALID,
                options=[{"label": "Skip invalid rows", "value": "skip"}],
                value=[],
                inputClassName="check",
            ),
            html.Button(
                "Import", id=ids.IMPORT_RUN, disabled=True, className="button primary"
            ),
            dcc.Loading(
                html.Div(id=ids.IMPORT_RESULT),
                custom_spinner=html.P("Importing…", className="note"),
                delay_show=300,
                show_initially=False,
                target_components={ids.IMPORT_RESULT: "children"},
            ),
        ],
        className="card import-run",
    )


def format_options() -> list[dict[str, str]]:
    """The Format choices: detection first, then each importable format."""
    detect = {"label": AUTO_LABEL, "value": AUTO}
    return [detect, *({"label": f.label, "value": f.name} for f in IMPORTS.values())]


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


@callback(
    Output(ids.IMPORT_UPLOADED, "data"),
    Output(ids.IMPORT_FILE, "children"),
    Output(ids.IMPORT_RESULT, "children"),
    Input(ids.IMPORT_UPLOAD, "contents"),
    State(ids.IMPORT_UPLOAD, "filename"),
    State(ids.IMPORT_UPLOADED, "data"),
    prevent_initial_call=True,
)
def on_upload(
    contents: str | None, filename: str | None, previous: UploadedFile | None
) -> tuple[UploadedFile | None, html.P, None]:
    """Store the uploaded file in place of the one before, or say why it is refused."""
    if contents is None:
        raise PreventUpdate
    services.discard_upload((previous or {}).get("token"))
    name = services.display_name(filename)
    try:
        stored = services.save_upload(contents, filename)
    except PermissionDenied as error:  # a viewer: refused on the server
        return None, html.P(str(error), className="import-error"), None
    except InvalidInput as error:
        reason = "; ".join(problem.reason for problem in error.problems)
        return None, html.P(f"{name} {reason}.", className="import-error"), None
    size = services.describe_size(stored.size)
    data = UploadedFile(token=stored.token, name=stored.name, size=stored.size)
    return data, html.P(f"File: {stored.name} ({size})"), None


@callback(
    Output(ids.IMPORT_DRY_RUN, "children"),
    Output(ids.IMPORT_RUN, "disabled"),
    Input(ids.IMPORT_UPLOADED, "data"),
    Input(ids.IMPORT_FORMAT, "value"),
)
def update_dry_run(
    uploaded: UploadedFile | None, format_name: str | None
) -> tuple[Any, bool]:
    """Dry-run the file in the chosen format; Import is enabled once that worked."""
    if not uploaded:
        return NO_FILE, True
    try:
        report = services.dry_run_import(uploaded["token"], format_name or AUTO)
    except (InvalidInput, NotFound) as error:
        return unreadable(error), True
    return dry_run_report(report), False


@callback(
    Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
    Output(ids.IMPORT_UPLOADED, "data", allow_duplicate=True),
    Output(ids.IMPORT_FILE, "children", allow_duplicate=True),
    Input(ids.IMPORT_RUN, "n_clicks"),
    State(ids.IMPORT_UPLOADED, "data"),
    State(ids.IMPORT_FORMAT, "value"),
    State(ids.IMPORT_SKIP_INVALID, "value"),
    prevent_initial_call=True,
)
def on_import(
    n_clicks: int | None,
    uploaded: UploadedFile | None,
    format_name: str | None,
    skip: list[str] | None,
) -> tuple[Any, Any, Any]:
    """Import the file; on success forget it and link to the events written."""
    if not n_clicks or not uploaded:
        raise PreventUpdate
    token, skip_invalid = uploaded["token"], "skip" in (skip or [])
    try:
        report = services.run_import(token, format_name or AUTO, skip_invalid)
    except PermissionDenied as error:  # a viewer: refused on the server
        refusal = html.Div(html.P(str(error)), className="import-error", role="alert")
        return refusal, no_update, no_update
    except ImportFailed as failure:
        return failure_summary(failure.report), no_update, no_update
    except (InvalidInput, NotFound) as error:
        return unreadable(error), no_update, no_update
    titles = services.event_titles(report.event_ids[:LINKS_SHOWN])
    uncounted = services.uncounted_statuses(report.event_ids)
    done = html.P("Imported. Choose another file to import more.")
    summary = import_summary(uploaded["name"], report, titles, uncounted)
    return summary, None, done


# A file over the limit is refused in the browser, saying why, before it is sent.
register_size_guard(
    ids.IMPORT_UPLOAD,
    (ids.IMPORT_FILE, "children"),
    services.TOO_LARGE,
    [(ids.IMPORT_UPLOADED, {"data": None}), (ids.IMPORT_RESULT, {"children": None})],
    dummy=(ids.IMPORT_FILE, "className"),
)
