"""Import page (`/import`): upload a file, see what importing it would do, then import.

The uploaded file is stored on the server under a random token (see
`uploads.save_upload`); the browser keeps only that token and the file's name and size
for display. Each new file or format runs a dry run that writes nothing; "Import" then
runs the real import in one transaction and links to the events it wrote. Everything
read from the file is shown as text by Dash components, never as HTML."""

from __future__ import annotations

import time
from typing import Any

from dash import (
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    no_update,
)
from dash.exceptions import PreventUpdate
from typing_extensions import TypedDict  # pydantic reads it on Python 3.11

from dashboard import ids
from dashboard.components.event_form_fields import dropdown
from dashboard.components.import_report import (
    dry_run_report,
    failure_summary,
    import_summary,
    unreadable,
)
from dashboard.components.upload_guard import register_size_guard
from dashboard.server import uploads
from dashboard.services import access, reads, writes
from tracker.errors import InvalidInput, NotFound, PermissionDenied
from tracker.formats import AUTO, AUTO_LABEL, IMPORTS
from tracker.importing import ImportFailed
from tracker.store.accounts import Action

LINKS_SHOWN = 20
UPLOAD_LABEL = "Choose a file to import"
NO_FILE = "Choose a file above to see what importing it would do."


class UploadedFile(TypedDict):
    """What the page keeps of a stored upload (IMPORT_UPLOADED's data); typed, so
    that the request guard refuses any other shape a client sends (issue 18)."""

    token: str
    name: str
    size: int


def layout(**_query: Any) -> html.Div:
    """The upload, the format choice, the dry-run report and the Import button."""
    refused = access.refusal(Action.IMPORT)  # the server refuses it anyway
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
    limit = uploads.describe_size(max_size)
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
            dcc.Store(id=ids.IMPORT_WRITTEN),
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
    uploads.discard_upload((previous or {}).get("token"))
    name = uploads.display_name(filename)
    try:
        stored = uploads.save_upload(contents, filename)
    except PermissionDenied as error:  # a viewer: refused on the server
        return None, html.P(str(error), className="import-error"), None
    except InvalidInput as error:
        reason = "; ".join(problem.reason for problem in error.problems)
        return None, html.P(f"{name} {reason}.", className="import-error"), None
    size = uploads.describe_size(stored.size)
    data = UploadedFile(token=stored.token, name=stored.name, size=stored.size)
    return data, html.P(f"File: {stored.name} ({size})"), None


@callback(
    Output(ids.IMPORT_DRY_RUN, "children"),
    Output(ids.IMPORT_RUN, "disabled"),
    Input(ids.IMPORT_UPLOADED, "data"),
    Input(ids.IMPORT_FORMAT, "value"),
    # The page opens with no file (the store is the page's own), which its layout
    # says already: asked on opening, it sent a request for the same.
    prevent_initial_call=True,
)
def update_dry_run(
    uploaded: UploadedFile | None, format_name: str | None
) -> tuple[Any, bool]:
    """Dry-run the file in the chosen format; Import is enabled once that worked."""
    if not uploaded:
        return NO_FILE, True
    try:
        report = writes.dry_run_import(uploaded["token"], format_name or AUTO)
    except (InvalidInput, NotFound) as error:
        return unreadable(error), True
    return dry_run_report(report), False


@callback(
    Output(ids.IMPORT_RESULT, "children", allow_duplicate=True),
    Output(ids.IMPORT_UPLOADED, "data", allow_duplicate=True),
    Output(ids.IMPORT_FILE, "children", allow_duplicate=True),
    Output(ids.IMPORT_WRITTEN, "data"),
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
) -> tuple[Any, Any, Any, Any]:
    """Import the file; on success forget it and link to the events written."""
    if not n_clicks or not uploaded:
        raise PreventUpdate
    token, skip_invalid = uploaded["token"], "skip" in (skip or [])
    try:
        report = writes.run_import(token, format_name or AUTO, skip_invalid)
    except PermissionDenied as error:  # a viewer: refused on the server
        refusal = html.Div(html.P(str(error)), className="import-error", role="alert")
        return refusal, no_update, no_update, no_update
    except ImportFailed as failure:
        return failure_summary(failure.report), no_update, no_update, no_update
    except (InvalidInput, NotFound) as error:
        return unreadable(error), no_update, no_update, no_update
    titles = reads.event_titles(report.event_ids[:LINKS_SHOWN])
    uncounted = reads.uncounted_statuses(report.event_ids)
    done = html.P("Imported. Choose another file to import more.")
    summary = import_summary(uploaded["name"], report, titles, uncounted)
    # The top bar's count changes with the events written (below).
    return summary, None, done, time.time() if report.written else no_update


# The top bar recounts when an import wrote events. Its store lies outside the page,
# so a server callback writing it would be called as the page appears (Dash does
# that when a callback's inputs arrive without its outputs): one request on every
# opening, which the top bar's count then waited for. This copy runs in the browser.
clientside_callback(
    """function (written) {
        return written ? written : window.dash_clientside.no_update;
    }""",
    Output(ids.DATA_VERSION, "data", allow_duplicate=True),
    Input(ids.IMPORT_WRITTEN, "data"),
    prevent_initial_call=True,
)


# A file over the limit is refused in the browser, saying why, before it is sent.
register_size_guard(
    ids.IMPORT_UPLOAD,
    (ids.IMPORT_FILE, "children"),
    uploads.TOO_LARGE,
    [(ids.IMPORT_UPLOADED, {"data": None}), (ids.IMPORT_RESULT, {"children": None})],
    dummy=(ids.IMPORT_FILE, "className"),
)
