"""The event form's controls, each with a visible label tied to it, and its rows.

Every control's accessible name is its label, so screen readers announce it and tests
find it with `get_by_label`. Dash 4's Dropdown names its button by
`aria-labelledby="<id>-value-count <id>-value"`, which overrides any `<label for>`;
the `<id>-value-count` element exists only when a multi-select holds several values,
so a single-select's label takes that id and the button is named "<label> <value>".

One module, over 400 lines, because it is one idea that reads better whole: the
field table (`FIELDS`), the labelled builders, and the form's parts (what, when,
where, who, how many, sources, review) that are only those builders in a report's
reading order. The form's logic (record, problems, messages) is in `event_draft`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dash import dcc, html

from dashboard import ids
from tracker.models import (
    ActorRole,
    DatePrecision,
    EventStatus,
    GeoPrecision,
    LinkRelation,
)
from tracker.query.facets import Choice
from tracker.vocab import taxonomy

DATE_HINT = "YYYY-MM-DD"


@dataclass(frozen=True)
class FormField:
    """One single-valued control of the form: its record key, label and id."""

    key: str
    label: str
    component_id: str


# In the order an analyst reads a report: what, when, where, how many, then review.
# Labels are unique even as substrings ("Title" is in no other label), so that
# `get_by_label("Title")` finds one control.
FIELDS = (
    FormField("title", "Title", ids.FORM_TITLE),
    FormField("event_type", "Event type", ids.FORM_TYPE),
    FormField("mode", "Mode", ids.FORM_MODE),
    FormField("acled_event_type", "ACLED type", ids.FORM_ACLED_TYPE),
    FormField("acled_sub_event_type", "ACLED sub-type", ids.FORM_ACLED_SUB_TYPE),
    FormField("contexts", "Contexts", ids.FORM_CONTEXTS),
    FormField("notes", "Notes", ids.FORM_NOTES),
    FormField("date_start", "Start date", ids.FORM_DATE_START),
    FormField("date_end", "End date", ids.FORM_DATE_END),
    FormField("date_precision", "Date precision", ids.FORM_DATE_PRECISION),
    FormField("location", "Location", ids.FORM_LOCATION),
    FormField("country", "Country (ISO3)", ids.FORM_COUNTRY),
    FormField("admin1", "Region (admin1)", ids.FORM_ADMIN1),
    FormField("admin2", "District (admin2)", ids.FORM_ADMIN2),
    FormField("latitude", "Latitude", ids.FORM_LATITUDE),
    FormField("longitude", "Longitude", ids.FORM_LONGITUDE),
    FormField("geo_precision", "Geo precision", ids.FORM_GEO_PRECISION),
    FormField("fatalities_low", "Fatalities (low)", ids.FORM_FATALITIES_LOW),
    FormField("fatalities_best", "Fatalities (best)", ids.FORM_FATALITIES_BEST),
    FormField("fatalities_high", "Fatalities (high)", ids.FORM_FATALITIES_HIGH),
    FormField("civilians_killed", "Civilians killed", ids.FORM_CIVILIANS_KILLED),
    FormField("children_killed", "Children killed", ids.FORM_CHILDREN_KILLED),
    FormField("injured", "Injured", ids.FORM_INJURED),
    FormField("status", "Status", ids.FORM_STATUS),
    FormField("confidence", "Confidence (0-1)", ids.FORM_CONFIDENCE),
    FormField("tags", "Tags", ids.FORM_TAGS),
)
FIELD_BY_KEY = {field.key: field for field in FIELDS}

ACTOR_PARTS = {
    "name": ("Actor", ids.FORM_ACTOR_NAME),
    "role": ("Role", ids.FORM_ACTOR_ROLE),
}
# "Headline", not "Title": the event's "Title" label must stay unique.
SOURCE_PARTS = {
    "url": ("Source URL", ids.FORM_SOURCE_URL),
    "publisher": ("Publisher", ids.FORM_SOURCE_PUBLISHER),
    "title": ("Headline", ids.FORM_SOURCE_TITLE),
    "published": ("Publication date", ids.FORM_SOURCE_PUBLISHED),
    "quote": ("Quote", ids.FORM_SOURCE_QUOTE),
}


LINK_PARTS = {
    "relation": ("Relation", ids.FORM_LINK_RELATION),
    "id": ("Linked event", ids.FORM_LINK_TARGET),
}
# How the analyst reads a link from this event to the one chosen.
RELATION_WORDS = {
    LinkRelation.WALKS_BACK.value: "walks back",
    LinkRelation.FOLLOWS_UP.value: "follows up",
    LinkRelation.RESPONDS_TO.value: "responds to",
    LinkRelation.DUPLICATE_OF.value: "duplicate of",
}
TAG_SEPARATOR = ","


def dom_id(component_id: str | dict) -> str:
    """The id Dash gives a component in the page, also for pattern-matching ids."""
    if isinstance(component_id, str):
        return component_id
    parts = (
        f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False)}"
        for key, value in sorted(component_id.items())
    )
    return "{" + ",".join(parts) + "}"


def feedback(key: str) -> html.Div:
    """The place next to a field where the reason it was refused appears."""
    return html.Div(
        id={"type": ids.FORM_FIELD_ERROR, "field": key},
        className="field-error",
        **{"aria-live": "polite"},
    )


def labelled(
    label: str, component_id: str | dict, control: Any, key: str | None
) -> html.Div:
    """A control under its label, with the feedback place for `key` below it."""
    parts = [html.Label(label, htmlFor=dom_id(component_id)), control]
    if key is not None:
        parts.append(feedback(key))
    return html.Div(parts, className="field")


def text_input(key: str, value: Any, **options: Any) -> html.Div:
    """A one-line text box; numbers are typed as text and checked on the server.

    Typing "abc" into a number box would reach the server as nothing at all; as text
    it is refused with a reason."""
    field = FIELD_BY_KEY[key]
    control = dcc.Input(
        id=field.component_id,
        type="text",
        value="" if value is None else str(value),
        autoComplete="off",
        **options,
    )
    return labelled(field.label, field.component_id, control, key)


def dropdown(
    label: str,
    component_id: str | dict,
    options: list[dict],
    value: Any,
    key: str | None,
    *,
    clearable: bool = False,
    placeholder: str = "Choose…",
) -> html.Div:
    """A single-choice dropdown named by its visible label (see the module notes)."""
    control = dcc.Dropdown(
        id=component_id,
        options=options,
        value=value,
        clearable=clearable,
        placeholder=placeholder,
    )
    name_id = dom_id(component_id) + "-value-count"
    parts = [html.Label(label, htmlFor=dom_id(component_id), id=name_id), control]
    if key is not None:
        parts.append(feedback(key))
    return html.Div(parts, className="field")


def field_dropdown(key: str, options: list[dict], value: Any, **kw: Any) -> html.Div:
    """A dropdown for one of the form's single-valued fields."""
    field = FIELD_BY_KEY[key]
    return dropdown(field.label, field.component_id, options, value, key, **kw)


def choices(values: Any) -> list[dict]:
    """Dropdown options from enum members or strings, labelled by their value."""
    return [{"label": str(v), "value": str(v)} for v in values]


def event_type_options() -> list[dict]:
    """The PLOVER types by quad class, each labelled with its class."""
    names = sorted(taxonomy.event_types(), key=taxonomy.quad_class)
    return [
        {
            "label": f"{name} · {taxonomy.quad_class_label(taxonomy.quad_class(name))}",
            "value": name,
            "title": taxonomy.plover_type(name).description,
        }
        for name in names
    ]


def mode_options(event_type: str | None) -> list[dict]:
    """The modes of `event_type` (none for an unknown or missing type)."""
    if event_type not in taxonomy.event_types():
        return []
    return [
        {"label": mode.name, "value": mode.name, "title": mode.description}
        for mode in taxonomy.plover_type(event_type).modes
    ]


def acled_type_options() -> list[dict]:
    """ACLED's six event types, in ACLED's order."""
    return choices(taxonomy.acled_event_types())


def acled_sub_type_options(acled_type: str | None) -> list[dict]:
    """The sub-event types of `acled_type` (none for an unknown or missing type)."""
    return choices(taxonomy.acled_event_types().get(acled_type or "", ()))


def actor_row(index: int, name: str | None, role: str | None) -> html.Div:
    """One actor: a name from the registry or typed new, and its role."""
    name_id = {"type": ids.FORM_ACTOR_NAME, "index": index}
    name_box = dcc.Input(
        id=name_id,
        type="text",
        value=name or "",
        list=ids.FORM_ACTOR_NAMES,
        autoComplete="off",
        placeholder="A registry name, or a new one",
    )
    role_id = {"type": ids.FORM_ACTOR_ROLE, "index": index}
    return html.Div(
        [
            html.Div(
                [
                    labelled("Actor", name_id, name_box, None),
                    dropdown("Role", role_id, choices(ActorRole), role, None),
                ],
                className="row",
            ),
            html.Div(
                id={"type": ids.FORM_ACTOR_ERROR, "index": index},
                className="field-error",
            ),
        ],
        className="repeat-row",
    )


def actor_suggestions(choices: list[Choice]) -> list[html.Option]:
    """The datalist's options for registry actors: the name to fill in, labelled
    with the alias that matched when one did."""
    return [html.Option(value=c.value, label=c.label) for c in choices]


def source_row(index: int, source: dict[str, Any] | None = None) -> html.Div:
    """One source: where it is (URL, or a headline for one not online) and the quote."""
    source = source or {}
    boxes = []
    for part, (label, kind) in SOURCE_PARTS.items():
        component_id = {"type": kind, "index": index}
        value = "" if source.get(part) is None else str(source[part])
        if part == "quote":
            control = dcc.Textarea(id=component_id, value=value, rows=3)
        else:
            placeholder = DATE_HINT if part == "published" else None
            control = dcc.Input(
                id=component_id,
                type="text",
                value=value,
                placeholder=placeholder,
                autoComplete="off",
            )
        boxes.append(labelled(label, component_id, control, None))
    quote = boxes.pop()
    return html.Div(
        [
            html.Div(boxes, className="row"),
            quote,
            html.Div(
                id={"type": ids.FORM_SOURCE_ERROR, "index": index},
                className="field-error",
            ),
        ],
        className="repeat-row",
    )


def fieldset(legend: str, *children: Any) -> html.Fieldset:
    """One part of the report, under its question."""
    return html.Fieldset([html.Legend(legend), *children], className="form-part")


def row(*children: Any) -> html.Div:
    """Fields side by side."""
    return html.Div(list(children), className="row")


def what_part(values: dict[str, Any]) -> html.Fieldset:
    """What happened: title, type and mode, ACLED's pair, contexts, notes."""
    contexts = html.Div(
        [
            html.Div(
                "Contexts", className="field-label", id=ids.FORM_CONTEXTS + "-label"
            ),
            dcc.Checklist(
                id=ids.FORM_CONTEXTS,
                options=choices(taxonomy.contexts()),
                value=values.get("contexts") or [],
                className="contexts",
                inline=True,
            ),
            feedback("contexts"),
        ],
        className="field",
        role="group",
        **{"aria-labelledby": ids.FORM_CONTEXTS + "-label"},
    )
    notes = FIELD_BY_KEY["notes"]
    return fieldset(
        "What",
        text_input("title", values.get("title"), maxLength=300),
        row(
            field_dropdown(
                "event_type", event_type_options(), values.get("event_type")
            ),
            field_dropdown(
                "mode",
                mode_options(values.get("event_type")),
                values.get("mode"),
                clearable=True,
            ),
        ),
        row(
            field_dropdown(
                "acled_event_type",
                acled_type_options(),
                values.get("acled_event_type"),
                clearable=True,
            ),
            field_dropdown(
                "acled_sub_event_type",
                acled_sub_type_options(values.get("acled_event_type")),
                values.get("acled_sub_event_type"),
                clearable=True,
            ),
        ),
        html.P(
            "Left blank, the ACLED type and sub-type follow the event type and mode "
            "(where ACLED has a match) on a new event, or when either changes.",
            className="hint",
        ),
        contexts,
        labelled(
            notes.label,
            notes.component_id,
            dcc.Textarea(
                id=notes.component_id, value=values.get("notes") or "", rows=3
            ),
            "notes",
        ),
    )


def when_part(values: dict[str, Any]) -> html.Fieldset:
    """When: the first and last day, and how precisely the source dates it."""
    return fieldset(
        "When",
        row(
            text_input("date_start", values.get("date_start"), placeholder=DATE_HINT),
            text_input("date_end", values.get("date_end"), placeholder=DATE_HINT),
            field_dropdown(
                "date_precision",
                choices(DatePrecision),
                values.get("date_precision") or DatePrecision.DAY.value,
            ),
        ),
    )


def where_part(values: dict[str, Any]) -> html.Fieldset:
    """Where: a known place, a gazetteer hit, or a name with coordinates."""
    return fieldset(
        "Where",
        html.P(
            "Type a place and press Find place to pick a known place or a town from "
            "the gazetteer, or enter its coordinates yourself.",
            className="hint",
        ),
        row(
            text_input("location", values.get("location"), maxLength=200),
            html.Button(
                "Find place", id=ids.FORM_PLACE_FIND, type="button", className="button"
            ),
        ),
        dcc.Store(id=ids.FORM_PLACE_HITS, data=[]),
        html.Div(id=ids.FORM_PLACE_LIST, className="place-list"),
        row(
            text_input("country", values.get("country"), maxLength=3, size="5"),
            text_input("admin1", values.get("admin1"), maxLength=200),
            text_input("admin2", values.get("admin2"), maxLength=200),
        ),
        row(
            text_input("latitude", values.get("latitude"), inputMode="decimal"),
            text_input("longitude", values.get("longitude"), inputMode="decimal"),
            field_dropdown(
                "geo_precision",
                choices(GeoPrecision),
                values.get("geo_precision") or GeoPrecision.EXACT.value,
            ),
        ),
    )


def who_part(actors: list[dict[str, Any]]) -> html.Fieldset:
    """Who: actors from the registry or typed new, each in a role. The names the
    registry suggests come as the analyst types (`actor_suggestions`)."""
    return fieldset(
        "Who",
        html.Datalist([], id=ids.FORM_ACTOR_NAMES),
        html.Div(
            [actor_row(i, a.get("name"), a.get("role")) for i, a in enumerate(actors)],
            id=ids.FORM_ACTORS,
        ),
        html.Button(
            "Add actor", id=ids.FORM_ACTOR_ADD, type="button", className="button link"
        ),
    )


def how_many_part(values: dict[str, Any]) -> html.Fieldset:
    """How many: deaths as low, best and high estimates, and who they were."""
    numbers = {"inputMode": "numeric", "size": "6"}
    return fieldset(
        "How many",
        row(
            *(
                text_input(key, values.get(key), **numbers)
                for key in ("fatalities_low", "fatalities_best", "fatalities_high")
            )
        ),
        row(
            *(
                text_input(key, values.get(key), **numbers)
                for key in ("civilians_killed", "children_killed", "injured")
            )
        ),
    )


def sources_part(sources: list[dict[str, Any]]) -> html.Fieldset:
    """According to whom: one or more sources, each with the quote it rests on."""
    return fieldset(
        "According to whom",
        html.Div(
            [source_row(i, s) for i, s in enumerate(sources)], id=ids.FORM_SOURCES
        ),
        html.Button(
            "Add source", id=ids.FORM_SOURCE_ADD, type="button", className="button link"
        ),
    )


def review_part(values: dict[str, Any]) -> html.Fieldset:
    """Review: where the event stands and how sure the analyst is."""
    return fieldset(
        "Review",
        row(
            field_dropdown(
                "status",
                choices(EventStatus),
                values.get("status") or EventStatus.CONFIRMED.value,
            ),
            text_input("confidence", values.get("confidence"), inputMode="decimal"),
        ),
    )


def place_list(name: str, hits: list[dict[str, Any]]) -> html.Div:
    """The places found for `name`, each a button that fills the place in."""
    if not hits:
        return html.P(
            f"No known place or gazetteer town is called {name.strip()!r}: "
            "enter its latitude and longitude.",
            className="hint",
        )
    buttons = []
    for index, hit in enumerate(hits):
        where = ", ".join(
            str(part) for part in (hit["name"], hit["admin1"], hit["country"]) if part
        )
        if hit["latitude"] is not None:
            where += f" ({hit['latitude']:.4f}, {hit['longitude']:.4f})"
        size = f", {hit['population']:,} people" if hit.get("population") else ""
        buttons.append(
            html.Li(
                html.Button(
                    f"{where} · {hit['origin']}{size}",
                    id={"type": ids.FORM_PLACE_CHOICE, "index": index},
                    type="button",
                    className="link",
                )
            )
        )
    return html.Div([html.P("Choose a place:", className="hint"), html.Ul(buttons)])
