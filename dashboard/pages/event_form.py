"""Add and Edit event pages: one form, in the order an analyst reads a report.

What, when, where, who, how many, according to whom, then review. Validation runs on
the server through tracker's `EventCreate`: a refused value shows its field and the
reason next to it (and in a summary on top), and nothing is saved. A saved event opens
on its own page. The edit form carries the version it started from, so a save over
someone else's newer one is refused instead of silently undoing it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from dash import ALL, Input, Output, Patch, State, callback, ctx, dcc, html, no_update
from dash.exceptions import MissingCallbackContextException, PreventUpdate

from dashboard import ids, services
from dashboard.components import event_form_fields as fields
from dashboard.components.duplicate_warning import duplicate_warning
from dashboard.components.history_panel import conflict_message
from dashboard.components.proposal_review import accept_mode
from dashboard.pages.event import read_event_id
from tracker.errors import (
    EditConflict,
    InvalidInput,
    PermissionDenied,
    Problem,
    TrackerError,
)
from tracker.matching.likely_duplicates import LikelyDuplicates
from tracker.models import ActorRole, EventRecord
from tracker.store.accounts import Action
from tracker.vocab import taxonomy

# A new event starts with the two roles most reports name, and one source.
NEW_ACTORS = [{"role": ActorRole.INITIATOR.value}, {"role": ActorRole.TARGET.value}]
NEW_SOURCES = [{}]
LOCATION_PARTS = {
    "name": "location",
    "country": "country",
    "admin1": "admin1",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "geo_precision",
}
# Names of fields inside tracker's messages, in the words of the form.
FIELD_WORDS = {
    "date_end": "the end date",
    "date_start": "the start date",
    "civilians_killed": "civilians killed",
    "children_killed": "children killed",
}


# --- From the form to a record, and back ----------------------------------------------


@dataclass
class Draft:
    """An event read from the form, and the form row of each actor and source."""

    record: dict[str, Any]
    actor_rows: list[int] = field(default_factory=list)
    source_rows: list[int] = field(default_factory=list)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value if value != [] else None


def _present(mapping: dict[str, Any]) -> dict[str, Any]:
    """The entries that hold something: the model's defaults and "required" apply."""
    return {k: v for k, v in mapping.items() if v is not None}


def record_from_form(
    values: dict[str, Any],
    actors: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    kept: dict[str, Any] | None = None,
) -> Draft:
    """The event record the form describes; blank fields and blank rows are left out.

    `kept` holds what the edit form does not show (tags, links, the ACLED pair) so an
    edit keeps them; the ACLED pair is derived again when the type or mode changed."""
    v = {key: _clean(value) for key, value in values.items()}
    kept = kept or {}
    draft = Draft(
        _present(
            {
                "title": v.get("title"),
                "event_type": v.get("event_type"),
                "mode": v.get("mode"),
                "contexts": v.get("contexts"),
                "notes": v.get("notes"),
                "date_start": v.get("date_start"),
                "date_end": v.get("date_end"),
                "date_precision": v.get("date_precision"),
                "civilians_killed": v.get("civilians_killed"),
                "children_killed": v.get("children_killed"),
                "injured": v.get("injured"),
                "status": v.get("status"),
                "confidence": v.get("confidence"),
                "tags": kept.get("tags"),
                "links": kept.get("links"),
            }
        )
    )
    place = _present({part: v.get(key) for part, key in LOCATION_PARTS.items()})
    if set(place) - {"geo_precision"}:
        draft.record["location"] = place
    draft.record["fatalities"] = _present(
        {n: v.get(f"fatalities_{n}") for n in ("low", "best", "high")}
    )
    draft.record.update(_acled_pair(v.get("event_type"), v.get("mode"), kept))
    for index, actor in enumerate(actors):
        if _clean(actor.get("name")) is not None:
            draft.actor_rows.append(index)
            actor_record = {k: _clean(actor.get(k)) for k in ("name", "role")}
            draft.record.setdefault("actors", []).append(_present(actor_record))
    for index, source in enumerate(sources):
        cleaned = _present({k: _clean(source.get(k)) for k in fields.SOURCE_PARTS})
        if cleaned:
            draft.source_rows.append(index)
            draft.record.setdefault("sources", []).append(cleaned)
    return draft


def _acled_pair(event_type: str | None, mode: str | None, kept: dict) -> dict:
    """The ACLED pair as coded before if type and mode are unchanged, else derived."""
    if (event_type, mode) == (kept.get("event_type"), kept.get("mode")):
        pair = (kept.get("acled_event_type"), kept.get("acled_sub_event_type"))
    elif event_type in taxonomy.event_types() and taxonomy.is_valid_mode(
        event_type, mode
    ):
        pair = taxonomy.plover_to_acled(event_type, mode) or (None, None)
    else:
        pair = (None, None)
    return _present(
        dict(zip(("acled_event_type", "acled_sub_event_type"), pair, strict=True))
    )


def form_from_record(record: EventRecord) -> dict[str, Any]:
    """The form's contents for an existing event: values, actors, sources and kept."""
    place = record.location or {}
    values = {
        **record.model_dump(include={f.key for f in fields.FIELDS}),
        **{key: place.get(part) for part, key in LOCATION_PARTS.items()},
        **{
            f"fatalities_{n}": record.fatalities.get(n) for n in ("low", "best", "high")
        },
    }
    values = {
        k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()
    }
    sources = [
        {k: s[k].isoformat() if isinstance(s[k], dt.date) else s[k] for k in s}
        for s in record.sources
    ]
    kept = {
        **record.model_dump(
            include={"event_type", "mode", "acled_event_type", "acled_sub_event_type"}
        ),
        "tags": record.tags,
        "links": [{"relation": x["relation"], "id": x["id"]} for x in record.links],
    }
    return {
        "values": values,
        "actors": [{"name": a["name"], "role": a["role"]} for a in record.actors]
        or NEW_ACTORS[:1],
        "sources": sources or NEW_SOURCES,
        "kept": kept,
        "figures_flag": record.figures_flag,
    }


# --- From tracker's problems to messages next to the fields ---------------------------


@dataclass
class Messages:
    """Where each problem shows: by field key, by actor or source row, and on top."""

    summary: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    actors: dict[int, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)


def friendly_reason(reason: str) -> str:
    """A pydantic or tracker reason, in words a person can act on."""
    # (pydantic's start, our words, keep the rest: "... to 90" yes, parser details no)
    rewrites = [
        ("Field required", "is required", False),
        ("String should have at least 1 character", "is required", False),
        (
            "Input should be a valid date",
            f"must be a date written {fields.DATE_HINT}",
            False,
        ),
        ("Input should be a valid number", "must be a number", False),
        ("Input should be a valid integer", "must be a whole number", False),
        ("Input should be less than or equal to", "must be at most", True),
        ("Input should be greater than or equal to", "must be at least", True),
        ("Input should be", "must be", True),
    ]
    for start, words, keep_rest in rewrites:
        if reason.startswith(start):
            reason = words + (reason.removeprefix(start) if keep_rest else "")
            break
    for name, words in FIELD_WORDS.items():
        reason = reason.replace(name, words)
    return reason


def place_problems(problems: list[Problem], draft: Draft) -> Messages:
    """Put each problem next to the field it is about; all of them in the summary."""
    messages = Messages()
    for problem in problems:
        reason = friendly_reason(problem.reason)
        where, row, part = _locate(problem.field.split("."), problem.reason, draft)
        if where in ("actors", "sources"):
            kind, parts = (
                ("Actor", fields.ACTOR_PARTS)
                if where == "actors"
                else ("Source", fields.SOURCE_PARTS)
            )
            text = f"{parts[part][0] if part in parts else kind}: {reason}"
            _add(getattr(messages, where), row, text)
            messages.summary.append(f"{kind} {row + 1}, {text}")
            continue
        label = fields.FIELD_BY_KEY[where].label if where else problem.field
        text = f"{label}: {reason}"
        if where and problem.reason.startswith(f"{where} "):  # "date_end (...) must..."
            text = f"{label} {friendly_reason(problem.reason.split(' ', 1)[1])}"
        if where:
            _add(messages.fields, where, text)
        messages.summary.append(text)
    return messages


def _add(messages: dict, where: Any, text: str) -> None:
    messages[where] = "; ".join(filter(None, [messages.get(where), text]))


def _locate(path: list[str], reason: str, draft: Draft) -> tuple[str | None, int, Any]:
    """Where a problem shows: ("actors" or "sources", row, part) for a row's problem,
    else (the field's key, or None for the summary only, 0, None)."""
    head, rest = path[0], path[1:]
    if head in ("actors", "sources") and rest and rest[0].isdigit():
        rows = draft.actor_rows if head == "actors" else draft.source_rows
        if int(rest[0]) < len(rows):
            return head, rows[int(rest[0])], rest[1] if len(rest) > 1 else None
    if head == "sources":  # none given at all: the first source row says so
        return "sources", 0, None
    if head == "location":  # without a part: the coordinates-in-pairs rule
        return LOCATION_PARTS.get(rest[0] if rest else "latitude"), 0, None
    if head == "fatalities":
        key = f"fatalities_{rest[0] if rest else reason.split(' ', 1)[0]}"
        return (key if key in fields.FIELD_BY_KEY else "fatalities_best"), 0, None
    if head == "record":  # a rule across fields names its first field
        head = reason.split(" ", 1)[0]
    return (head if head in fields.FIELD_BY_KEY else None), 0, None


# --- Pages ----------------------------------------------------------------------------


def add_layout(**_query: Any) -> html.Div:
    """The empty form for a new event."""
    contents = {"values": {}, "actors": NEW_ACTORS, "sources": NEW_SOURCES}
    return form_page("Add event", contents, editing=None)


def edit_layout(event_id: str | None = None, **_query: Any) -> html.Div:
    """The form filled in from event `event_id`, or a note that there is none."""
    number = read_event_id(event_id)
    record = services.event_record(number) if number is not None else None
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
    action = (
        Action.ADD
        if editing is None
        else Action.REVIEW
        if editing.get("accept")
        else Action.EDIT
    )
    # Said up front; the server refuses the save anyway (see services.allowed).
    refused = services.refusal(action)
    return html.Div(
        [
            html.H1(heading),
            html.P(f"{refused}.", className="form-summary") if refused else None,
            html.Div(id=ids.FORM_SUMMARY, className="form-summary", role="alert"),
            dcc.Store(id=ids.FORM_EDITING, data=editing),
            fields.what_part(values),
            fields.when_part(values),
            fields.where_part(values),
            fields.who_part(contents["actors"], services.form_actor_names()),
            fields.how_many_part(values),
            published_figures_note(contents.get("figures_flag")),
            fields.sources_part(contents["sources"]),
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
    hits = [asdict(hit) for hit in services.find_place_choices(name)]
    return hits, fields.place_list(name, hits)


@callback(
    Output(ids.FORM_LOCATION, "value"),
    Output(ids.FORM_COUNTRY, "value"),
    Output(ids.FORM_ADMIN1, "value"),
    Output(ids.FORM_LATITUDE, "value"),
    Output(ids.FORM_LONGITUDE, "value"),
    Output(ids.FORM_GEO_PRECISION, "value"),
    Output(ids.FORM_PLACE_LIST, "children", allow_duplicate=True),
    Input({"type": ids.FORM_PLACE_CHOICE, "index": ALL}, "n_clicks"),
    State(ids.FORM_PLACE_HITS, "data"),
    prevent_initial_call=True,
)
def on_choose_place(clicks: list[int | None], hits: list[dict]) -> tuple:
    """Fill the place's name, country, region and coordinates from the chosen hit."""
    if not ctx.triggered_id or not any(clicks):
        return (no_update,) * 7
    hit = hits[ctx.triggered_id["index"]]
    parts = ("name", "country", "admin1", "latitude", "longitude")
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
        "page": Output(ids.URL, "pathname", allow_duplicate=True),
        "summary": Output(ids.FORM_SUMMARY, "children"),
        "fields": Output({"type": ids.FORM_FIELD_ERROR, "field": ALL}, "children"),
        "actors": Output({"type": ids.FORM_ACTOR_ERROR, "index": ALL}, "children"),
        "sources": Output({"type": ids.FORM_SOURCE_ERROR, "index": ALL}, "children"),
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
    if not clicks and not anyway:  # the page just appeared; its URL output lies
        raise PreventUpdate  # outside the page, so Dash calls this anyway
    save_anyway = _saving_anyway(clicks, anyway)
    editing = editing or {}
    actors, sources = rows_of(form["actors"]), rows_of(form["sources"])
    draft = record_from_form(form["values"], actors, sources, editing.get("kept"))
    try:
        event_id = services.save_event_form(
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
    Output(ids.URL, "pathname", allow_duplicate=True),
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
    actors, sources = rows_of(form["actors"]), rows_of(form["sources"])
    draft = record_from_form(
        form["values"], actors, sources, (editing or {}).get("kept")
    )
    try:
        services.cite_form_sources_on(draft.record, into)
    except TrackerError as error:  # a viewer, or the form no longer validates
        return no_update, html.P(f"Not added: {error}", className="form-summary")
    return f"/events/{into}", None


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
        "warning": None,
        "anyway_hidden": True,
    }


@callback(
    Output(ids.URL, "pathname", allow_duplicate=True),
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
        services.merge_proposal((editing or {})["event_id"], into)
    except TrackerError as error:  # a viewer, or the proposal was decided meanwhile
        return no_update, html.P(f"Not merged: {error}", className="form-summary")
    return f"/events/{into}", None
