"""Add and Edit event pages: one form, in the order an analyst reads a report.

What, when, where, who, how many, according to whom, then review. Validation runs on
the server through tracker's `EventCreate`: a refused value shows its field and the
reason next to it (and in a summary on top), and nothing is saved. A saved event opens
on its own page. The edit form carries the version it started from, so a save over
someone else's newer one is refused instead of silently undoing it.

This module holds the form's layouts and callbacks; turning the form into a record and
tracker's problems into messages is pure, in `dashboard.components.event_draft`.
Kept whole past the usual 400 lines: the Add and Edit forms share every callback.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dash import (
    ALL,
    MATCH,
    Input,
    Output,
    Patch,
    State,
    callback,
    ctx,
    dcc,
    html,
    no_update,
)
from dash.exceptions import MissingCallbackContextException, PreventUpdate

from dashboard import ids
from dashboard.components import event_form_fields as fields
from dashboard.components.duplicate_warning import duplicate_warning
from dashboard.components.event_draft import (
    NEW_ACTORS,
    NEW_LINKS,
    NEW_SOURCES,
    Draft,
    Messages,
    form_from_record,
    place_problems,
    record_from_form,
)
from dashboard.components.event_form_links import link_row, tags_and_links_part
from dashboard.components.history_panel import conflict_message
from dashboard.components.proposal_review import accept_mode
from dashboard.services import access, reads, writes
from tracker.errors import (
    EditConflict,
    InvalidInput,
    PermissionDenied,
    TrackerError,
)
from tracker.matching.likely_duplicates import LikelyDuplicates
from tracker.models import ActorRole
from tracker.query.filter_values import event_id_in

# --- Pages ----------------------------------------------------------------------------


def add_layout(**_query: Any) -> html.Div:
    """The empty form for a new event."""
    contents = {
        "values": {},
        "actors": NEW_ACTORS,
        "sources": NEW_SOURCES,
        "links": NEW_LINKS,
    }
    return form_page("Add event", contents, editing=None)


def edit_layout(event_id: str | None = None, **_query: Any) -> html.Div:
    """The form filled in from event `event_id`, or a note that there is none."""
    number = event_id_in(event_id)
    record = reads.event_record(number) if number is not None else None
    if record is None:
        return html.Div(
            [
                html.H1("Event not found"),
                html.P(
                    f"There is no event with id {event_id}: it may never have existed."
                    if event_id
                    else "No event was named."
                ),
                html.A("Back to the events", href="/events"),
            ],
            className="not-found",
        )
    contents = form_from_record(record)
    editing = {
        "event_id": record.id,
        "version": record.version,
        "kept": contents["kept"],
    }
    heading = f"Edit event {record.id}"
    if _query.get("accept"):  # the review queue's "Edit and accept"
        heading = accept_mode(record, contents, editing) or heading
    return form_page(heading, contents, editing=editing)


def accept_layout(event_id: str | None = None, **query: Any) -> html.Div:
    """The edit form of a proposal under review: saving it confirms the event."""
    return edit_layout(event_id, **query, accept=True)


def form_page(
    heading: str, contents: dict[str, Any], *, editing: dict[str, Any] | None
) -> html.Div:
    """The form, in the order an analyst reads a report, with Save event at the end."""
    values = contents["values"]
    cancel = f"/events/{editing['event_id']}" if editing else "/events"
    cancel = (editing or {}).get("return_to", cancel)
    editing_id = editing["event_id"] if editing else None
    action = access.form_action({}, editing_id, bool((editing or {}).get("accept")))
    # Said up front; the server refuses the save anyway (see access.allowed).
    refused = access.refusal(action)
    return html.Div(
        [
            html.H1(heading),
            html.P(f"{refused}.", className="form-summary") if refused else None,
            html.Div(id=ids.FORM_SUMMARY, className="form-summary", role="alert"),
            dcc.Store(id=ids.FORM_EDITING, data=editing),
            # Where a save or a merge goes. The page's own, so that Dash, which
            # then inserts a callback's outputs with its inputs, does not call
            # `on_save` as the page appears (one request and 75-150 ms before the
            # form was ready, and the navigation's count waited for it).
            dcc.Location(id=ids.FORM_NAVIGATE, refresh="callback-nav"),
            fields.what_part(values),
            fields.when_part(values),
            fields.where_part(values),
            fields.who_part(contents["actors"]),
            fields.how_many_part(values),
            published_figures_note(contents.get("figures_flag")),
            fields.sources_part(contents["sources"]),
            tags_and_links_part(
                values, contents["links"], link_options(contents["links"], editing_id)
            ),
            fields.review_part(values),
            # Filled by on_save when the event looks like one already recorded; its
            # "Save anyway" is always here (hidden), so it never appears as a new
            # input that Dash would fire on_save for.
            html.Div(id=ids.FORM_DUPLICATES, role="alert"),
            html.Button(
                "Save as a new event anyway"
                if (editing or {}).get("accept")
                else "Save anyway",
                id=ids.FORM_SAVE_ANYWAY,
                type="button",
                className="button",
                hidden=True,
            ),
            html.Div(
                [
                    html.Button(
                        "Save event",
                        id=ids.FORM_SAVE,
                        type="button",
                        className="button primary",
                    ),
                    html.A("Cancel", href=cancel, className="cancel"),
                ],
                className="form-actions",
            ),
        ],
        id=ids.FORM,
        className="event-form",
    )


def link_options(links: list[dict[str, Any]], editing_id: int | None) -> list[dict]:
    """The first choices of the link rows: their events, then the latest ones."""
    chosen = [str(link["id"]) for link in links if link.get("id") is not None]
    return reads.event_choices("", chosen, exclude_id=editing_id)


def published_figures_note(flag: str | None) -> html.P | None:
    """What editing flagged figures does, said next to them (issue 17)."""
    if not flag:
        return None
    return html.P(
        f"Figures flagged: {flag}. Leave them as they are to keep them as "
        "published; changed, they must be in order (low ≤ best ≤ high) and lose "
        "the flag.",
        id=ids.FORM_FIGURES_FLAG,
        className="hint figures-flag",
    )


# --- Callbacks ------------------------------------------------------------------------


@callback(
    Output(ids.FORM_MODE, "options"),
    Output(ids.FORM_MODE, "value"),
    Input(ids.FORM_TYPE, "value"),
    State(ids.FORM_MODE, "value"),
    prevent_initial_call=True,
)
def update_mode_options(
    event_type: str | None, mode: str | None
) -> tuple[list[dict], str | None]:
    """Offer the chosen type's modes; keep the mode only if the new type has it."""
    options = fields.mode_options(event_type)
    return options, mode if mode in {o["value"] for o in options} else None


@callback(
    Output(ids.FORM_ACLED_SUB_TYPE, "options"),
    Output(ids.FORM_ACLED_SUB_TYPE, "value"),
    Input(ids.FORM_ACLED_TYPE, "value"),
    State(ids.FORM_ACLED_SUB_TYPE, "value"),
    prevent_initial_call=True,
)
def update_acled_sub_type_options(
    acled_type: str | None, sub_type: str | None
) -> tuple[list[dict], str | None]:
    """Offer the ACLED type's sub-types; keep the sub-type only if the type has it."""
    options = fields.acled_sub_type_options(acled_type)
    return options, sub_type if sub_type in {o["value"] for o in options} else None


@callback(
    Output(ids.FORM_LINKS, "children"),
    Input(ids.FORM_LINK_ADD, "n_clicks"),
    State({"type": ids.FORM_LINK_TARGET, "index": ALL}, "id"),
    prevent_initial_call=True,
)
def on_add_link(_clicks: int, row_ids: list[dict]) -> Patch:
    """Add an empty link row below the others."""
    rows = Patch()
    rows.append(link_row(max((i["index"] for i in row_ids), default=-1) + 1))
    return rows


@callback(
    Output({"type": ids.FORM_LINK_TARGET, "index": MATCH}, "options"),
    Input({"type": ids.FORM_LINK_TARGET, "index": MATCH}, "search_value"),
    State({"type": ids.FORM_LINK_TARGET, "index": MATCH}, "value"),
    State(ids.FORM_EDITING, "data"),
)
def update_link_choices(
    search: str | None, chosen: str | None, editing: dict[str, Any] | None
) -> list[dict]:
    """Events whose title or id matches what is typed, and the one chosen; never
    the event being edited."""
    exclude = (editing or {}).get("event_id")
    return reads.event_choices(search or "", [chosen] if chosen else [], exclude)


@callback(
    Output(ids.FORM_ACTORS, "children"),
    Input(ids.FORM_ACTOR_ADD, "n_clicks"),
    State({"type": ids.FORM_ACTOR_NAME, "index": ALL}, "id"),
    prevent_initial_call=True,
)
def on_add_actor(_clicks: int, row_ids: list[dict]) -> Patch:
    """Add an empty actor row below the others."""
    rows = Patch()
    next_index = max((i["index"] for i in row_ids), default=-1) + 1
    rows.append(fields.actor_row(next_index, None, ActorRole.PARTICIPANT.value))
    return rows


@callback(
    Output(ids.FORM_ACTOR_NAMES, "children"),
    Input({"type": ids.FORM_ACTOR_NAME, "index": ALL}, "value"),
    prevent_initial_call=True,
)
def suggest_actor_names(_names: list[str | None]) -> list[html.Option]:
    """The registry's actors whose name or alias holds what is being typed in an
    actor box, for its list of suggestions. Asked as the analyst types: the whole
    registry in the page was most of a form's weight (2,000 names, 295 KB at 1M
    events) and capped at 5,000 names."""
    typed = ctx.triggered[0]["value"] if ctx.triggered else None
    if not isinstance(typed, str) or not typed.strip():
        return []
    return fields.actor_suggestions(reads.actor_suggestions(typed))


@callback(
    Output(ids.FORM_SOURCES, "children"),
    Input(ids.FORM_SOURCE_ADD, "n_clicks"),
    State({"type": ids.FORM_SOURCE_URL, "index": ALL}, "id"),
    prevent_initial_call=True,
)
def on_add_source(_clicks: int, row_ids: list[dict]) -> Patch:
    """Add an empty source row below the others."""
    rows = Patch()
    rows.append(fields.source_row(max((i["index"] for i in row_ids), default=-1) + 1))
    return rows


@callback(
    Output(ids.FORM_PLACE_HITS, "data"),
    Output(ids.FORM_PLACE_LIST, "children"),
    Input(ids.FORM_PLACE_FIND, "n_clicks"),
    Input(ids.FORM_LOCATION, "n_submit"),
    State(ids.FORM_LOCATION, "value"),
    prevent_initial_call=True,
)
def on_find_place(
    _clicks: int, _submits: int, name: str | None
) -> tuple[list[dict], Any]:
    """Look the typed name up among known places and in the gazetteer."""
    if not (name or "").strip():
        return [], html.P("Type a place name first.", className="hint")
    hits = [asdict(hit) for hit in reads.find_place_choices(name)]
    return hits, fields.place_list(name, hits)


@callback(
    Output(ids.FORM_LOCATION, "value"),
    Output(ids.FORM_COUNTRY, "value"),
    Output(ids.FORM_ADMIN1, "value"),
    Output(ids.FORM_ADMIN2, "value"),
    Output(ids.FORM_LATITUDE, "value"),
    Output(ids.FORM_LONGITUDE, "value"),
    Output(ids.FORM_GEO_PRECISION, "value"),
    Output(ids.FORM_PLACE_LIST, "children", allow_duplicate=True),
    Input({"type": ids.FORM_PLACE_CHOICE, "index": ALL}, "n_clicks"),
    State(ids.FORM_PLACE_HITS, "data"),
    prevent_initial_call=True,
)
def on_choose_place(clicks: list[int | None], hits: list[dict]) -> tuple:
    """Fill the place's name, country, region, district and coordinates from the
    chosen hit."""
    if not ctx.triggered_id or not any(clicks):
        return (no_update,) * 8
    hit = hits[ctx.triggered_id["index"]]
    parts = ("name", "country", "admin1", "admin2", "latitude", "longitude")
    filled = ["" if hit[p] is None else str(hit[p]) for p in parts]
    chosen = html.P(
        f"Filled in from the {hit['origin']}: {hit['name']}.", className="hint"
    )
    return *filled, hit["geo_precision"], chosen


def form_states() -> dict[str, Any]:
    """The form's contents as callback State: single values, then the rows' parts."""
    rows = {
        "actors": {
            part: State({"type": kind, "index": ALL}, "value")
            for part, (_label, kind) in fields.ACTOR_PARTS.items()
        },
        "sources": {
            part: State({"type": kind, "index": ALL}, "value")
            for part, (_label, kind) in fields.SOURCE_PARTS.items()
        },
        "links": {
            part: State({"type": kind, "index": ALL}, "value")
            for part, (_label, kind) in fields.LINK_PARTS.items()
        },
    }
    values = {f.key: State(f.component_id, "value") for f in fields.FIELDS}
    return {"values": values, **rows}


def rows_of(columns: dict[str, list]) -> list[dict[str, Any]]:
    """Rows from columns of parts: {"name": [a, b]} -> [{"name": a}, {"name": b}]."""
    return [
        dict(zip(columns, row, strict=True))
        for row in zip(*columns.values(), strict=True)
    ]


@callback(
    output={
        "page": Output(ids.FORM_NAVIGATE, "href"),
        "summary": Output(ids.FORM_SUMMARY, "children"),
        "fields": Output({"type": ids.FORM_FIELD_ERROR, "field": ALL}, "children"),
        "actors": Output({"type": ids.FORM_ACTOR_ERROR, "index": ALL}, "children"),
        "sources": Output({"type": ids.FORM_SOURCE_ERROR, "index": ALL}, "children"),
        "links": Output({"type": ids.FORM_LINK_ERROR, "index": ALL}, "children"),
        "warning": Output(ids.FORM_DUPLICATES, "children"),
        "anyway_hidden": Output(ids.FORM_SAVE_ANYWAY, "hidden"),
    },
    inputs={
        "clicks": Input(ids.FORM_SAVE, "n_clicks"),
        "anyway": Input(ids.FORM_SAVE_ANYWAY, "n_clicks"),
    },
    state={
        "form": form_states(),
        "editing": State(ids.FORM_EDITING, "data"),
        # The ids of the message places, so each message goes next to its field.
        "places": {
            "fields": State({"type": ids.FORM_FIELD_ERROR, "field": ALL}, "id"),
            "actors": State({"type": ids.FORM_ACTOR_ERROR, "index": ALL}, "id"),
            "sources": State({"type": ids.FORM_SOURCE_ERROR, "index": ALL}, "id"),
            "links": State({"type": ids.FORM_LINK_ERROR, "index": ALL}, "id"),
        },
    },
    prevent_initial_call=True,
)
def on_save(
    clicks: int | None,
    form: dict[str, Any],
    editing: dict[str, Any] | None,
    places: dict[str, list[dict]],
    anyway: int | None = None,
) -> dict[str, Any]:
    """Validate and save the event, then open its page; or show what to fix.

    A new event or an accepted proposal that looks like a recorded event is not
    saved: the warning names the events it looks like, and its "Save anyway"
    button (`anyway`) saves without asking again."""
    if not clicks and not anyway:  # nothing was clicked
        raise PreventUpdate
    save_anyway = _saving_anyway(clicks, anyway)
    editing = editing or {}
    draft = draft_of(form, editing)
    try:
        event_id = writes.save_event_form(
            draft.record,
            event_id=editing.get("event_id"),
            expected_version=editing.get("version"),
            accept=bool(editing.get("accept")),
            check_duplicates=not save_anyway,
        )
    except LikelyDuplicates as error:  # nothing saved: the analyst chooses
        warning = duplicate_warning(error.found, accept=bool(editing.get("accept")))
        return render_messages(Messages(), places) | {
            "warning": warning,
            "anyway_hidden": False,
        }
    except EditConflict as error:  # someone saved it since this form was opened
        return render_messages(Messages(), places) | {
            "summary": conflict_message(error)
        }
    except PermissionDenied as error:  # a viewer, or nobody logged in
        return render_messages(Messages(), places) | {"summary": html.P(str(error))}
    except InvalidInput as error:
        return render_messages(place_problems(error.problems, draft), places)
    except TrackerError as error:  # e.g. the edited event was deleted meanwhile
        return render_messages(Messages(summary=[str(error)]), places)
    page = editing.get("return_to", f"/events/{event_id}")
    return render_messages(Messages(), places) | {"page": page}


@callback(
    Output(ids.FORM_NAVIGATE, "href", allow_duplicate=True),
    Output(ids.FORM_DUPLICATES, "children", allow_duplicate=True),
    Input({"type": ids.FORM_CITE_ON, "event": ALL}, "n_clicks"),
    State(ids.FORM_EDITING, "data"),
    form_states(),
    prevent_initial_call=True,
)
def on_cite_on(
    clicks: list[int | None], editing: dict[str, Any] | None, form: dict[str, Any]
):
    """Add the sources typed in the form to the recorded event the analyst chose
    from the warning, instead of saving a second event; then open that event."""
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        raise PreventUpdate  # the warning just appeared
    into = ctx.triggered_id["event"]
    draft = draft_of(form, editing or {})
    try:
        writes.cite_form_sources_on(draft.record, into)
    except TrackerError as error:  # a viewer, or the form no longer validates
        return no_update, html.P(f"Not added: {error}", className="form-summary")
    return f"/events/{into}", None


def draft_of(form: dict[str, Any], editing: dict[str, Any]) -> Draft:
    """The draft the form's states describe (a form without link rows has none)."""
    return record_from_form(
        form["values"],
        rows_of(form["actors"]),
        rows_of(form["sources"]),
        editing.get("kept"),
        links=rows_of(form.get("links") or {}),
    )


def _saving_anyway(clicks: int | None, anyway: int | None) -> bool:
    """Whether "Save anyway" was pressed (rather than Save event).

    It shows only after a Save event, so with both counted the callback context
    tells which; called as a plain function (as tests do), `anyway` alone says so."""
    if not anyway:
        return False
    if not clicks:
        return True
    try:
        return ctx.triggered_id == ids.FORM_SAVE_ANYWAY
    except MissingCallbackContextException:
        return False


def render_messages(messages: Messages, places: dict[str, list[dict]]) -> dict:
    """on_save's outputs: the summary on top, and each message next to its field."""
    summary = None
    if messages.summary:
        count = len(messages.summary)
        summary = [
            html.P(
                f"{count} problem{'s' if count != 1 else ''}; nothing was saved. "
                "Each is also shown next to its field."
            ),
            html.Ul([html.Li(text) for text in messages.summary]),
        ]
    return {
        "page": no_update,
        "summary": summary,
        "fields": [messages.fields.get(i["field"]) for i in places["fields"]],
        "actors": [messages.actors.get(i["index"]) for i in places["actors"]],
        "sources": [messages.sources.get(i["index"]) for i in places["sources"]],
        "links": [messages.links.get(i["index"]) for i in places.get("links", [])],
        "warning": None,
        "anyway_hidden": True,
    }


@callback(
    Output(ids.FORM_NAVIGATE, "href", allow_duplicate=True),
    Output(ids.FORM_DUPLICATES, "children", allow_duplicate=True),
    Input({"type": ids.FORM_MERGE_INTO, "event": ALL}, "n_clicks"),
    State(ids.FORM_EDITING, "data"),
    prevent_initial_call=True,
)
def on_merge_into(clicks: list[int | None], editing: dict[str, Any] | None):
    """Merge the proposal being accepted into the recorded event the analyst chose
    from the warning, then open that event (it now cites the proposal's article)."""
    if not isinstance(ctx.triggered_id, dict) or not any(clicks):
        raise PreventUpdate  # the warning just appeared
    into = ctx.triggered_id["event"]
    try:
        writes.merge_proposal((editing or {})["event_id"], into)
    except TrackerError as error:  # a viewer, or the proposal was decided meanwhile
        return no_update, html.P(f"Not merged: {error}", className="form-summary")
    return f"/events/{into}", None
