"""The filter panel shared by every page; its state lives in the URL query string.

One callback keeps the controls and the URL in step both ways: a change to a control
writes the URL (which re-renders the page), and a URL that changes by itself (first
load, a pasted permalink, back and forward) sets the controls. The URL the panel
wrote comes back to it as a URL change; that echo sets nothing, or it would undo
whatever the analyst changed in the panel meanwhile (a date typed while the previous
choice was still on its way).

One module, over 400 lines, because it is one idea that reads better whole: the
panel's controls, `CONTROLS`, `controls_from_filter`, `filter_from_controls` and the
callbacks all follow one order of the same controls; split, each half would have to
repeat the other's ids and that order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import ids
from dashboard.components.table_state import PAGE_KEYS
from dashboard.services import reads
from tracker.errors import Problem
from tracker.models import ActorKind, EventStatus
from tracker.query.facets import DATASET_CHOICES
from tracker.query.filters import EventFilter, parse_filter
from tracker.vocab import taxonomy

QUADS = (1, 2, 3, 4)
FILTER_FIELDS = frozenset(item.name for item in fields(EventFilter))
FLAGGED = "flagged"  # the flagged-figures checkbox's value when ticked
FLAGGED_LABEL = "flagged figures"
CIVILIANS = "civilians"  # the civilians-targeted checkbox's value when ticked
CIVILIANS_LABEL = "civilians targeted"
TEXT_FIELDS = {
    "text": "mentioning",
    "min_fatalities": "killed at least",
    "max_fatalities": "killed at most",
}
LIST_FIELDS = {
    "event_types": "type",
    "modes": "mode",
    "actors": "actor",
    "countries": "country",
    "places": "place",
    "statuses": "status",
    "acled_event_types": "ACLED type",
    "acled_sub_event_types": "ACLED sub-event",
    "datasets": "dataset",
    "admin1": "admin1",
    "admin2": "admin2",
    "actor_kinds": "actor kind",
    "tags": "tag",
}


def labelled(label: str, control_id: str, control: Any) -> html.Div:
    """A control with a visible label tied to it."""
    return html.Div(
        [html.Label(label, htmlFor=control_id, className="field-label"), control],
        className="field",
    )


def type_checklists() -> html.Fieldset:
    """The PLOVER types as checkboxes grouped by quad class."""
    groups = []
    for quad in QUADS:
        types = [t for t in taxonomy.event_types() if taxonomy.quad_class(t) == quad]
        groups.append(
            html.Div(
                [
                    html.Div(
                        taxonomy.quad_class_label(quad), className=f"quad-label q{quad}"
                    ),
                    dcc.Checklist(
                        id={"type": ids.FILTER_TYPES, "quad": quad},
                        options=[{"label": t, "value": t} for t in types],
                        value=[],
                        className="type-checklist",
                        inputClassName="check",
                    ),
                ],
                className="type-group",
            )
        )
    return html.Fieldset([html.Legend("Event types"), *groups], className="field")


def panel() -> html.Aside:
    """The collapsible panel of filter controls."""
    date_input = {
        "display_format": "YYYY-MM-DD",
        "clearable": True,
        "className": "date",
    }
    return html.Aside(
        [
            html.Div(
                [
                    html.H2("Filters"),
                    html.Button("Clear filters", id=ids.FILTER_CLEAR, className="link"),
                ],
                className="panel-head",
            ),
            labelled(
                "From",
                ids.FILTER_SINCE,
                dcc.DatePickerSingle(
                    id=ids.FILTER_SINCE, placeholder="From", **date_input
                ),
            ),
            labelled(
                "Until",
                ids.FILTER_UNTIL,
                dcc.DatePickerSingle(
                    id=ids.FILTER_UNTIL, placeholder="Until", **date_input
                ),
            ),
            type_checklists(),
            labelled(
                "Modes",
                ids.FILTER_MODES,
                dcc.Dropdown(
                    id=ids.FILTER_MODES, multi=True, placeholder="Any mode", options=[]
                ),
            ),
            labelled(
                "Actors",
                ids.FILTER_ACTORS,
                dcc.Dropdown(
                    id=ids.FILTER_ACTORS,
                    multi=True,
                    placeholder="Any actor",
                    options=[],
                ),
            ),
            labelled(
                "Countries",
                ids.FILTER_COUNTRIES,
                dcc.Dropdown(
                    id=ids.FILTER_COUNTRIES,
                    multi=True,
                    placeholder="Any country",
                    options=[],
                ),
            ),
            labelled(
                "Places",
                ids.FILTER_PLACES,
                dcc.Dropdown(
                    id=ids.FILTER_PLACES,
                    multi=True,
                    placeholder="Any place",
                    options=[],
                ),
            ),
            labelled(
                "Admin1 (province, oblast)",
                ids.FILTER_ADMIN1,
                dcc.Dropdown(
                    id=ids.FILTER_ADMIN1,
                    multi=True,
                    placeholder="Any region",
                    options=[],
                ),
            ),
            labelled(
                "Admin2 (district, raion)",
                ids.FILTER_ADMIN2,
                dcc.Dropdown(
                    id=ids.FILTER_ADMIN2,
                    multi=True,
                    placeholder="Any district",
                    options=[],
                ),
            ),
            labelled(
                "ACLED event types",
                ids.FILTER_ACLED_TYPES,
                dcc.Dropdown(
                    id=ids.FILTER_ACLED_TYPES,
                    multi=True,
                    placeholder="Any ACLED type",
                    options=[
                        {"label": t, "value": t} for t in taxonomy.acled_event_types()
                    ],
                ),
            ),
            labelled(
                "ACLED sub-event types",
                ids.FILTER_ACLED_SUB_TYPES,
                dcc.Dropdown(
                    id=ids.FILTER_ACLED_SUB_TYPES,
                    multi=True,
                    placeholder="Any ACLED sub-event type",
                    options=acled_sub_type_options([], []),
                ),
            ),
            labelled(
                "Datasets",
                ids.FILTER_DATASETS,
                dcc.Dropdown(
                    id=ids.FILTER_DATASETS,
                    multi=True,
                    placeholder="Any dataset",
                    options=[
                        {"label": c.label, "value": c.value} for c in DATASET_CHOICES
                    ],
                ),
            ),
            labelled(
                "Actor kinds",
                ids.FILTER_ACTOR_KINDS,
                dcc.Dropdown(
                    id=ids.FILTER_ACTOR_KINDS,
                    multi=True,
                    placeholder="Any kind of actor",
                    options=[
                        {"label": k.value.replace("_", " "), "value": k.value}
                        for k in ActorKind
                    ],
                ),
            ),
            labelled(
                "Tags",
                ids.FILTER_TAGS,
                dcc.Dropdown(
                    id=ids.FILTER_TAGS,
                    multi=True,
                    placeholder="Type a tag",
                    options=[],
                ),
            ),
            labelled(
                "Search text",
                ids.FILTER_TEXT,
                dcc.Input(
                    id=ids.FILTER_TEXT,
                    type="search",
                    debounce=True,
                    placeholder="Words in title, notes, quotes",
                ),
            ),
            labelled(
                "Minimum fatalities",
                ids.FILTER_MIN_FATALITIES,
                dcc.Input(
                    id=ids.FILTER_MIN_FATALITIES,
                    type="number",
                    min=0,
                    step=1,
                    debounce=True,
                ),
            ),
            labelled(
                "Maximum fatalities",
                ids.FILTER_MAX_FATALITIES,
                dcc.Input(
                    id=ids.FILTER_MAX_FATALITIES,
                    type="number",
                    min=0,
                    step=1,
                    debounce=True,
                ),
            ),
            dcc.Checklist(
                id=ids.FILTER_CIVILIANS,
                options=[
                    {"label": "Only violence targeting civilians", "value": CIVILIANS}
                ],
                value=[],
                inputClassName="check",
                className="field",
            ),
            html.Fieldset(
                [
                    html.Legend("Status"),
                    dcc.Checklist(
                        id=ids.FILTER_STATUSES,
                        options=[
                            {"label": s.value, "value": s.value} for s in EventStatus
                        ],
                        value=[],
                        inputClassName="check",
                    ),
                    html.Small(
                        "None ticked: confirmed and disputed events. Tick "
                        "proposed to count machine proposals too."
                    ),
                ],
                className="field",
            ),
            dcc.Checklist(
                id=ids.FILTER_FLAGGED,
                options=[
                    {
                        "label": "Only figures flagged as published out of order",
                        "value": FLAGGED,
                    }
                ],
                value=[],
                inputClassName="check",
                className="field",
            ),
            dcc.Store(id=ids.FILTER_WRITTEN, storage_type="memory"),
        ],
        id=ids.FILTER_PANEL,
        className="filter-panel",
    )


def chips(event_filter: EventFilter | None = None) -> html.Div:
    """The active filters as removable chips, above the page content: those of
    `event_filter` when given (the page's), else none until `sync_filters` sets them."""
    shown = chip_list(event_filter) if event_filter is not None else None
    return html.Div(shown, id=ids.FILTER_CHIPS, className="chips")


def panel_showing(event_filter: EventFilter) -> html.Aside:
    """The panel with its controls set, and the options holding their values, as
    `sync_filters` sets them from a URL with `event_filter`: for a layout that
    already knows the page's address, so the panel needs no callback to show it."""
    aside = panel()
    found = {
        _id_key(c.id): c
        for c in aside._traverse()
        if getattr(c, "id", None) is not None
    }
    for (control, prop), value in zip(
        CONTROLS, controls_from_filter(event_filter), strict=True
    ):
        if isinstance(control, dict):  # the type checklists: a value for each quad
            for quad, quad_value in zip(QUADS, value, strict=True):
                setattr(found[(control["type"], quad)], prop, quad_value)
        elif value is not None:
            # Nothing set is left unset, not null: a date picker without a date
            # reports `undefined` as it is drawn, which Dash takes for a change
            # from null and answers with a request, on every page opened.
            setattr(found[control], prop, value)
    for control, options in zip(
        CHOSEN_OPTIONS, options_holding(event_filter), strict=True
    ):
        found[control].options = options
    found[ids.FILTER_COUNTRIES].options = reads.country_choices()
    return aside


def _id_key(component_id: str | dict) -> str | tuple:
    """A component id as a dictionary key: a type checklist's as (type, quad)."""
    if isinstance(component_id, dict):
        return component_id["type"], component_id["quad"]
    return component_id


def chip_list(event_filter: EventFilter) -> list[html.Button]:
    """One removable chip per active filter value."""
    found: list[html.Button] = []
    for field, label in LIST_FIELDS.items():
        for value in getattr(event_filter, field):
            found.append(_chip(field, value, f"{label}: {value}"))
    for field, label in (("since", "from"), ("until", "until"), *TEXT_FIELDS.items()):
        value = getattr(event_filter, field)
        if value is not None:
            found.append(_chip(field, str(value), f"{label}: {value}"))
    if event_filter.flagged_figures:
        found.append(_chip("flagged_figures", FLAGGED, FLAGGED_LABEL))
    if event_filter.civilians_targeted:
        found.append(_chip("civilians_targeted", CIVILIANS, CIVILIANS_LABEL))
    return found


def ignored_notice(problems: list[Problem]) -> html.Div | None:
    """Say which filter values of the URL a page ignored and why, and that what it
    shows and exports leaves them out; nothing when every value was taken.

    Drawn with the page, so it is seen before any export starts: a typo in a
    permalink must not pass for a filter (issue 18)."""
    if not problems:
        return None
    return html.Div(
        [
            html.P(
                "Some filter values in the address were ignored. What this page "
                "shows, and its Export CSV link, use only the other filters:"
            ),
            html.Ul([html.Li(str(problem)) for problem in problems]),
        ],
        id=ids.FILTER_IGNORED,
        className="filter-ignored",
        role="status",
    )


def search_with(search: str | None, event_filter: EventFilter) -> str:
    """The URL query string with `event_filter` in place of the filter it held; the
    page's own settings (the summary's period and rows, say) are kept, after it,
    but for the table's page and cursor when the filter changes: a new filter starts
    at its first page (the same filter, as controls set from the URL send it, keeps
    the page)."""
    changed = event_filter != EventFilter.from_query_string(search or "")
    dropped = set(FILTER_FIELDS) | (set(PAGE_KEYS) if changed else set())
    kept = [
        (key, value)
        for key, value in parse_qsl((search or "").lstrip("?"), keep_blank_values=True)
        if key not in dropped
    ]
    query = "&".join(q for q in (event_filter.to_query_string(), urlencode(kept)) if q)
    return "?" + query if query else ""


def _chip(field: str, value: str, text: str) -> html.Button:
    return html.Button(
        [text, html.Span(" ×", **{"aria-hidden": "true"})],
        id={"type": ids.FILTER_CHIP, "field": field, "value": value},
        className="chip",
        title=f"Remove filter {text}",
    )


def without(event_filter: EventFilter, field: str, value: str) -> EventFilter:
    """The filter with one value of one field removed (a chip's ×)."""
    current = getattr(event_filter, field)
    if isinstance(current, bool):
        return replace(event_filter, **{field: False})
    if isinstance(current, tuple):
        return replace(event_filter, **{field: tuple(v for v in current if v != value)})
    return replace(event_filter, **{field: None})


def filter_from_controls(
    since: str | None,
    until: str | None,
    types: list[list[str]],
    modes: list[str] | None,
    actors: list[str] | None,
    countries: list[str] | None,
    places: list[str] | None,
    text: str | None,
    min_fatalities: float | None,
    statuses: list[str] | None,
    flagged: list[str] | None = None,
    admin1: list[str] | None = None,
    admin2: list[str] | None = None,
    acled_types: list[str] | None = None,
    acled_sub_types: list[str] | None = None,
    datasets: list[str] | None = None,
    actor_kinds: list[str] | None = None,
    tags: list[str] | None = None,
    max_fatalities: float | None = None,
    civilians: list[str] | None = None,
) -> EventFilter:
    """The filter the controls show, read by the parser every surface uses: a value
    it refuses (a negative or fractional minimum, say) is left out."""
    values = {
        "since": since[:10] if isinstance(since, str) else since,
        "until": until[:10] if isinstance(until, str) else until,
        "event_types": [t for group in types or [] for t in _listed(group)],
        "modes": _listed(modes),
        "actors": _listed(actors),
        "countries": _listed(countries),
        "places": _listed(places),
        "text": text,
        "min_fatalities": _number_text(min_fatalities),
        "statuses": _listed(statuses),
        "flagged_figures": "1" if FLAGGED in _listed(flagged) else None,
        "admin1": _listed(admin1),
        "admin2": _listed(admin2),
        "acled_event_types": _listed(acled_types),
        "acled_sub_event_types": _listed(acled_sub_types),
        "datasets": _listed(datasets),
        "actor_kinds": _listed(actor_kinds),
        "tags": _listed(tags),
        "max_fatalities": _number_text(max_fatalities),
        "civilians_targeted": "1" if CIVILIANS in _listed(civilians) else None,
    }
    return parse_filter(values)[0]


def _listed(value: Any) -> list[Any]:
    """A control's list of values; anything else (none, or a tampered body) is none."""
    return value if isinstance(value, list) else []


def _number_text(value: Any) -> str | None:
    """A number input's value as the parser reads it: 3.0 is "3", none is None."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def controls_from_filter(event_filter: EventFilter) -> list[Any]:
    """The control values showing `event_filter`, in the callback's output order."""
    types = [
        [t for t in event_filter.event_types if taxonomy.quad_class(t) == quad]
        for quad in QUADS
    ]
    return [
        event_filter.since.isoformat() if event_filter.since else None,
        event_filter.until.isoformat() if event_filter.until else None,
        types,
        list(event_filter.modes),
        list(event_filter.actors),
        list(event_filter.countries),
        list(event_filter.places),
        event_filter.text or "",
        event_filter.min_fatalities,
        list(event_filter.statuses),
        [FLAGGED] if event_filter.flagged_figures else [],
        list(event_filter.admin1),
        list(event_filter.admin2),
        list(event_filter.acled_event_types),
        list(event_filter.acled_sub_event_types),
        list(event_filter.datasets),
        list(event_filter.actor_kinds),
        list(event_filter.tags),
        event_filter.max_fatalities,
        [CIVILIANS] if event_filter.civilians_targeted else [],
    ]


CONTROLS = [
    (ids.FILTER_SINCE, "date"),
    (ids.FILTER_UNTIL, "date"),
    ({"type": ids.FILTER_TYPES, "quad": ALL}, "value"),
    (ids.FILTER_MODES, "value"),
    (ids.FILTER_ACTORS, "value"),
    (ids.FILTER_COUNTRIES, "value"),
    (ids.FILTER_PLACES, "value"),
    (ids.FILTER_TEXT, "value"),
    (ids.FILTER_MIN_FATALITIES, "value"),
    (ids.FILTER_STATUSES, "value"),
    (ids.FILTER_FLAGGED, "value"),
    (ids.FILTER_ADMIN1, "value"),
    (ids.FILTER_ADMIN2, "value"),
    (ids.FILTER_ACLED_TYPES, "value"),
    (ids.FILTER_ACLED_SUB_TYPES, "value"),
    (ids.FILTER_DATASETS, "value"),
    (ids.FILTER_ACTOR_KINDS, "value"),
    (ids.FILTER_TAGS, "value"),
    (ids.FILTER_MAX_FATALITIES, "value"),
    (ids.FILTER_CIVILIANS, "value"),
]


# A dropdown drops a value missing from its options: the modes, actors and places a
# URL names are sent with options holding them, or a permalink would lose them before
# the options callbacks below answer.
CHOSEN_OPTIONS = (
    ids.FILTER_MODES,
    ids.FILTER_ACTORS,
    ids.FILTER_PLACES,
    ids.FILTER_ADMIN1,
    ids.FILTER_ADMIN2,
    ids.FILTER_ACLED_SUB_TYPES,
    ids.FILTER_TAGS,
)


def options_holding(event_filter: EventFilter) -> list[list[dict[str, str]]]:
    """The options of CHOSEN_OPTIONS, with the filter's values among them."""
    return [
        filter_mode_options(event_filter),
        reads.actor_choices("", list(event_filter.actors)),
        reads.place_choices("", list(event_filter.places)),
        reads.admin1_choices("", list(event_filter.admin1)),
        reads.admin2_choices("", list(event_filter.admin2)),
        filter_acled_sub_type_options(event_filter),
        reads.tag_choices("", list(event_filter.tags)),
    ]


def options_following(event_filter: EventFilter) -> list[Any]:
    """The options of CHOSEN_OPTIONS after a control changed: those that follow
    other controls (the modes of the ticked types, the sub-types of the chosen
    ACLED types) anew, the searched ones unchanged (they hold what was picked)."""
    return [
        filter_mode_options(event_filter),
        no_update,
        no_update,
        no_update,
        no_update,
        filter_acled_sub_type_options(event_filter),
        no_update,
    ]


def filter_mode_options(event_filter: EventFilter) -> list[dict[str, str]]:
    """The modes of the filter's types (every mode when none), and its modes."""
    ticked = event_filter.event_types or taxonomy.event_types()
    modes = {m for t in ticked for m in taxonomy.modes_for(t)}
    return [{"label": m, "value": m} for m in sorted(modes | set(event_filter.modes))]


def filter_acled_sub_type_options(event_filter: EventFilter) -> list[dict[str, str]]:
    """The sub-event types of the filter's ACLED types, and its sub-event types."""
    return acled_sub_type_options(
        list(event_filter.acled_event_types), list(event_filter.acled_sub_event_types)
    )


@callback(
    Output(ids.URL, "search"),
    *[Output(component, prop) for component, prop in CONTROLS],
    Output(ids.FILTER_CHIPS, "children"),
    *[Output(c, "options", allow_duplicate=True) for c in CHOSEN_OPTIONS],
    Output(ids.FILTER_WRITTEN, "data"),
    Input(ids.URL, "search"),
    *[Input(component, prop) for component, prop in CONTROLS],
    Input(ids.FILTER_CLEAR, "n_clicks"),
    Input({"type": ids.FILTER_CHIP, "field": ALL, "value": ALL}, "n_clicks"),
    State(ids.FILTER_WRITTEN, "data"),
    # A layout that knows the page's address comes with the panel set and the URL
    # filled in (`panel_showing`); one that does not leaves the URL to report it as
    # the page opens, which calls this.
    prevent_initial_call=True,
)
def sync_filters(search: str | None, *values: Any):
    """Keep URL, controls and chips in step (see the module docstring)."""
    return (*_synced(search, *values[:-1], written=values[-1]),)


def _synced(search: str | None, *values: Any, written: str | None) -> tuple:
    """URL search, controls, chips, options of chosen values, and the search the
    panel wrote, in the callback's output order."""
    trigger = ctx.triggered_id
    from_url = EventFilter.from_query_string(search or "")
    # The type checklists are a wildcard output: "unchanged" is one no_update each.
    keep = [
        [no_update] * len(QUADS) if index == 2 else no_update
        for index in range(len(CONTROLS))
    ]
    same_options = [no_update] * len(CHOSEN_OPTIONS)
    if trigger == ids.URL and written is not None and (search or "") == written:
        # The panel's own write coming back. A URL equal to it needs no controls
        # set: every change of a control since would have written a newer one.
        return no_update, *keep, no_update, *same_options, no_update
    if trigger is None or trigger == ids.URL:
        return (
            no_update,
            *controls_from_filter(from_url),
            chip_list(from_url),
            *options_holding(from_url),
            no_update,
        )
    if trigger == ids.FILTER_CLEAR:
        wanted = EventFilter()
    elif isinstance(trigger, dict) and trigger.get("type") == ids.FILTER_CHIP:
        if not ctx.triggered[0]["value"]:
            # A chip just drawn, not clicked.
            return no_update, *keep, no_update, *same_options, no_update
        wanted = without(from_url, trigger["field"], trigger["value"])
    else:
        wanted = filter_from_controls(*values[: len(CONTROLS)])
        if wanted == from_url:
            # The controls echo the URL they were just set from: writing it back
            # could undo a navigation made meanwhile (a summary's "Rows" link).
            return no_update, *keep, no_update, *same_options, no_update
        new_search = search_with(search, wanted)
        return (
            new_search,
            *keep,
            chip_list(wanted),
            *options_following(wanted),
            new_search,
        )
    new_search = search_with(search, wanted)
    return (
        new_search,
        *controls_from_filter(wanted),
        chip_list(wanted),
        *options_holding(wanted),
        new_search,
    )


def acled_sub_type_options(
    acled_types: list[str] | None, chosen: list[str] | None
) -> list[dict[str, str]]:
    """The sub-event types of the chosen ACLED types (all when none is chosen),
    labelled with their type, plus those already chosen."""
    pairs = [
        (event_type, sub)
        for event_type, subs in taxonomy.acled_event_types().items()
        if not acled_types or event_type in acled_types
        for sub in subs
    ]
    offered = {sub for _, sub in pairs}
    return [{"label": f"{sub} ({t})", "value": sub} for t, sub in pairs] + [
        {"label": sub, "value": sub} for sub in chosen or [] if sub not in offered
    ]


def searched_options(
    control_id: str, choices: Callable[[str, list[str]], list[dict[str, str]]]
) -> Callable[[str | None, list[str] | None], list[dict[str, str]]]:
    """Register the callback that offers a searchable dropdown's options: the
    values matching what is typed, plus those already chosen.

    Only typing calls it. The options holding the chosen values come with the
    values themselves (`sync_filters`), and a value picked is among the options
    it was picked from: answering each change of the value as well cost every
    page load seven requests more, queued behind the page's own."""

    @callback(
        Output(control_id, "options"),
        Input(control_id, "search_value"),
        State(control_id, "value"),
        prevent_initial_call=True,
    )
    def update_options(search: str | None, chosen: list[str] | None):
        return choices(search or "", chosen or [])

    return update_options


# Actors, places, regions and districts come from the registries; tags are free words.
update_actor_options = searched_options(ids.FILTER_ACTORS, reads.actor_choices)
update_place_options = searched_options(ids.FILTER_PLACES, reads.place_choices)
update_admin1_options = searched_options(ids.FILTER_ADMIN1, reads.admin1_choices)
update_admin2_options = searched_options(ids.FILTER_ADMIN2, reads.admin2_choices)
update_tag_options = searched_options(ids.FILTER_TAGS, reads.tag_choices)


@callback(
    Output(ids.FILTER_COUNTRIES, "options"),
    Input(ids.URL, "pathname"),
    # An opened page's panel holds them already (`panel_showing`); otherwise the
    # URL reports the address as the page opens, which calls this.
    prevent_initial_call=True,
)
def update_country_options(_pathname: str | None):
    """The countries of known places, refreshed on each page visit."""
    return reads.country_choices()
