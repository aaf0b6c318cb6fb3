"""Review page (`/review`): extract events from an article, then decide each proposal.

Paste an article (or upload a .txt file), give its publication date and URL, and
"Extract events" stores what extraction proposes as `proposed` events. The article is
shown with each proposal's evidence marked, its proposal cards beside it: "Edit and
accept" opens the event form (saving confirms the event), "Reject" retracts it, and
"Merge" folds it into a known event that records the same happening. The queue lives
in the database, so it survives a closed tab; `?article=<key>` shows one article."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.components.proposal_review import article_section
from dashboard.components.upload_guard import register_size_guard
from dashboard.server import uploads
from dashboard.services import access, reads, writes
from tracker.errors import InvalidInput, PermissionDenied, TrackerError
from tracker.store.accounts import Action

TEXT_LIMIT = 200_000  # characters; longer texts go through `tracker extract`
NO_TEXT = "Paste the article's text or upload it as a .txt file."
BAD_DATE = "Give the publication date as YYYY-MM-DD."
TOO_LARGE = (
    "is {size}, over the limit of {limit} for an article's text; run "
    "`tracker extract` on it instead. Nothing was read"
)


EXTRACTING = " Extracting events from the article…"


def layout(article: str | None = None, **_query: Any) -> html.Div:
    """The article form, then the queue (of one article when `article` is given)."""
    refused = access.refusal(Action.REVIEW)  # the server refuses it anyway
    return html.Div(
        [
            html.H1("Review"),
            html.P(f"{refused}.", className="form-summary") if refused else None,
            article_form(),
            html.Div(id=ids.REVIEW_MESSAGE, className="form-summary", role="alert"),
            dcc.Store(id=ids.REVIEW_SHOWN, data=article),
            html.Div(render_queue(article), id=ids.REVIEW_QUEUE),
        ],
        className="review-page",
    )


def error_place(key: str) -> html.Div:
    """Where the reason a field was refused appears, next to the field."""
    return html.Div(
        id={"type": ids.REVIEW_FIELD_ERROR, "field": key},
        className="field-error",
        **{"aria-live": "polite"},
    )


def article_form() -> html.Form:
    """Text (pasted or uploaded), publication date and URL, then Extract events."""

    def field(label: str, control: Any, key: str) -> html.Div:
        return html.Div(
            [html.Label(label, htmlFor=control.id), control, error_place(key)],
            className="field",
        )

    text = dcc.Textarea(id=ids.REVIEW_TEXT, rows=10, className="article-input")
    upload = dcc.Upload(
        id=ids.REVIEW_UPLOAD,
        children=html.Span("Or upload a .txt file", className="button link"),
        accept=".txt,text/plain",
        max_size=uploads.article_limit(),
        className="review-upload",
    )
    published = dcc.Input(id=ids.REVIEW_PUBLISHED, type="date")
    url = dcc.Input(
        id=ids.REVIEW_URL, type="url", placeholder="https://…", autoComplete="off"
    )
    return html.Div(
        [
            field("Article text", text, "text"),
            upload,
            html.Div(
                [field("Published", published, "published"), field("URL", url, "url")],
                className="row",
            ),
            html.Button(
                "Extract events",
                id=ids.REVIEW_EXTRACT,
                type="button",
                className="button primary",
            ),
            # Says the work is under way while the server reads the article.
            html.Span(id=ids.REVIEW_RUNNING, className="note", role="status"),
        ],
        className="review-form",
    )


def render_queue(article_key: str | None) -> list[Any]:
    """The articles with proposals waiting (or the one asked for), newest first."""
    queues = reads.review_queue(article_key)
    if not queues:
        return [
            html.P(
                "No proposals are waiting for review: paste an article above to "
                "extract some.",
                className="empty",
            )
        ]
    similar = {
        p.record.id: reads.similar_events(p.record.id)
        for queue in queues
        for p in queue.proposals
    }
    return [article_section(queue, similar) for queue in queues]


def read_article(
    text: str | None, published: str | None
) -> tuple[str | None, dt.date | None, dict[str, str]]:
    """The text and date from the form, and a reason per field that was refused."""
    problems = {}
    text = (text or "").strip()
    if not text:
        problems["text"] = NO_TEXT
    elif len(text) > TEXT_LIMIT:
        problems["text"] = f"The text is over {TEXT_LIMIT:,} characters."
    try:
        date = dt.date.fromisoformat((published or "").strip())
    except ValueError:
        date, problems["published"] = None, BAD_DATE
    return text or None, date, problems


def field_messages(problems: dict[str, str], places: list[dict]) -> list[str | None]:
    """Each field's reason, in the order of the error places on the page."""
    return [problems.get(place["field"]) for place in places]


@callback(
    Output(ids.REVIEW_TEXT, "value"),
    Output(
        {"type": ids.REVIEW_FIELD_ERROR, "field": "text"},
        "children",
        allow_duplicate=True,
    ),
    Input(ids.REVIEW_UPLOAD, "contents"),
    State(ids.REVIEW_UPLOAD, "filename"),
    prevent_initial_call=True,
)
def on_upload(
    contents: str | None, filename: str | None = None
) -> tuple[Any, str | None]:
    """Put an uploaded text file's contents in the text box, unless it is too large."""
    size, limit = uploads.decoded_size(contents), uploads.article_limit()
    if size > limit:
        sizes = {"size": uploads.describe_size(size)}
        reason = TOO_LARGE.format(**sizes, limit=uploads.describe_size(limit))
        return no_update, f"{uploads.display_name(filename)} {reason}."
    _header, _, data = (contents or "").partition(",")
    try:
        return base64.b64decode(data, validate=True).decode("utf-8"), None
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return no_update, "That file is not UTF-8 text; paste the article instead."


@callback(
    Output(ids.REVIEW_QUEUE, "children"),
    Output(ids.REVIEW_SHOWN, "data"),
    Output({"type": ids.REVIEW_FIELD_ERROR, "field": ALL}, "children"),
    Output(ids.REVIEW_MESSAGE, "children"),
    Input(ids.REVIEW_EXTRACT, "n_clicks"),
    State(ids.REVIEW_TEXT, "value"),
    State(ids.REVIEW_PUBLISHED, "value"),
    State(ids.REVIEW_URL, "value"),
    State({"type": ids.REVIEW_FIELD_ERROR, "field": ALL}, "id"),
    running=[
        (Output(ids.REVIEW_EXTRACT, "disabled"), True, False),
        (
            Output(ids.REVIEW_RUNNING, "children"),
            EXTRACTING,
            "",
        ),
    ],
    prevent_initial_call=True,
)
def on_extract(
    _clicks: int | None,
    text: str | None,
    published: str | None,
    url: str | None,
    places: list[dict[str, str]],
):
    """Extract events from the article and show it with its proposals."""
    text, date, problems = read_article(text, published)
    if not problems:
        try:
            queue = writes.extract_article(text, date, (url or "").strip() or None)
        except PermissionDenied as error:  # a viewer: refused on the server
            return no_update, no_update, field_messages({}, places), str(error)
        except InvalidInput as error:
            reasons = "; ".join(problem.reason for problem in error.problems)
            problems = {"url": f"The URL {reasons}."}
    if problems:
        return no_update, no_update, field_messages(problems, places), None
    count = len(queue.proposals)
    said = f"{count} event{'s' if count != 1 else ''} proposed from this article."
    similar = {p.record.id: reads.similar_events(p.record.id) for p in queue.proposals}
    section = article_section(queue, similar)
    return [section], queue.article_key, field_messages({}, places), said


@callback(
    Output(ids.REVIEW_QUEUE, "children", allow_duplicate=True),
    Output(ids.REVIEW_MESSAGE, "children", allow_duplicate=True),
    Input({"type": ids.REVIEW_REJECT, "event": ALL, "version": ALL}, "n_clicks"),
    State(ids.REVIEW_SHOWN, "data"),
    prevent_initial_call=True,
)
def on_reject(clicks: list[int | None], shown: str | None):
    """Reject the proposal whose button was pressed, then show the queue again."""
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate  # the buttons just appeared
    event_id, version = ctx.triggered_id["event"], ctx.triggered_id["version"]
    try:
        writes.reject_proposal(event_id, version)
    except TrackerError as error:
        return no_update, str(error)
    return render_queue(shown), f"Proposal {event_id} rejected; it is kept, retracted."


@callback(
    Output(ids.REVIEW_QUEUE, "children", allow_duplicate=True),
    Output(ids.REVIEW_MESSAGE, "children", allow_duplicate=True),
    Input({"type": ids.REVIEW_MERGE, "event": ALL}, "n_clicks"),
    State({"type": ids.REVIEW_MERGE_INTO, "event": ALL}, "value"),
    State({"type": ids.REVIEW_MERGE_INTO, "event": ALL}, "id"),
    State(ids.REVIEW_SHOWN, "data"),
    prevent_initial_call=True,
)
def on_merge(
    clicks: list[int | None],
    targets: list[int | None],
    target_ids: list[dict[str, Any]],
    shown: str | None,
):
    """Merge the proposal into the event chosen beside its Merge button."""
    if not ctx.triggered_id or not any(clicks):
        raise PreventUpdate
    event_id = ctx.triggered_id["event"]
    chosen = {i["event"]: value for i, value in zip(target_ids, targets, strict=True)}
    if chosen.get(event_id) is None:
        return no_update, f"Choose the event proposal {event_id} duplicates first."
    try:
        merge = writes.merge_proposal(event_id, int(chosen[event_id]))
    except TrackerError as error:
        return no_update, str(error)
    said = f"Proposal {event_id} merged into event {merge.kept}."
    return render_queue(shown), said


# A file over the limit is refused in the browser, saying why, before it is read.
register_size_guard(
    ids.REVIEW_UPLOAD,
    ({"type": ids.REVIEW_FIELD_ERROR, "field": "text"}, "children"),
    TOO_LARGE,
    dummy=(ids.REVIEW_MESSAGE, "className"),
)
