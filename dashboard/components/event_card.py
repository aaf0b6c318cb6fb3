"""The event page's body: one event written out like a short report.

Title, what, when, where, who, how many; then the sources as quotes with links and
the linked events (the history follows, from `history_panel`). Every value is
rendered as text components, never as raw HTML, so nothing a source said can run in
the page."""

from __future__ import annotations

from typing import Any

import pycountry
from dash import dcc, html

from dashboard import ids
from dashboard.components.source_record import source_record_section
from dashboard.services.reads import EventPageData
from tracker.matching.candidates import DuplicateRow
from tracker.models import EventRecord
from tracker.query.events import LinkedEvent
from tracker.vocab import taxonomy
from tracker.vocab.dates import describe_date

GEO_PRECISION = {
    "exact": "exact place",
    "near": "near the named place",
    "admin1": "only the region is known",
    "country": "only the country is known",
}
# How a link reads from the event that points, and from the event pointed at.
RELATION_OUT = {
    "follows_up": "follows up",
    "walks_back": "walks back",
    "responds_to": "responds to",
    "duplicate_of": "duplicates",
}
RELATION_IN = {
    "follows_up": "followed up by",
    "walks_back": "walked back by",
    "responds_to": "responded to by",
    "duplicate_of": "duplicated by",
}
NOT_REPORTED = "not reported"


def event_card(data: EventPageData, *, can_edit: bool = True) -> html.Article:
    """The event's report: the record and the events linked to it; `can_edit` shows
    Edit event (the server refuses a save from anyone who may not, regardless)."""
    record = data.record
    edit = dcc.Link(
        "Edit event",
        href=f"/events/{record.id}/edit",
        id=ids.EVENT_EDIT,
        className="button",
    )
    return html.Article(
        [
            html.Header(
                [
                    html.P(f"Event #{record.id}", className="kicker"),
                    html.H1(record.title),
                    *([edit] if can_edit else []),
                ],
                className="event-head",
            ),
            facts(record),
            html.H2("Sources"),
            sources(record.sources),
            html.H2("Linked events"),
            linked_events(data.linked),
            source_record_section(record),
        ],
        id=ids.EVENT_CARD,
        className="event-card",
    )


def not_found(event_id: Any) -> html.Div:
    """The friendly page for an id that is not a number or names no event."""
    shown = str(event_id) if event_id not in (None, "") else "(none given)"
    return html.Div(
        [
            html.H1("Event not found"),
            html.P(
                f"There is no event with the id {shown}. It may have been mistyped; "
                "event ids are whole numbers such as 6."
            ),
            dcc.Link("Browse all events", href="/events"),
        ],
        id=ids.EVENT_CARD,
        className="event-card not-found",
    )


def facts(record: EventRecord) -> html.Dl:
    """The record's fields as a definition list: what, when, where, who, how many."""
    rows: list[tuple[str, Any]] = [
        ("What", what(record)),
        ("When", when(record)),
        ("Where", where(record.location)),
        ("Who", who(record.actors)),
        ("Casualties", casualties(record)),
        (
            "Status",
            html.Span(status(record), className=f"status-badge {record.status}"),
        ),
        ("ACLED type", acled(record)),
        ("Contexts", ", ".join(record.contexts) or "none"),
        ("Tags", ", ".join(record.tags) or "none"),
    ]
    if record.notes:
        rows.append(("Notes", record.notes))
    if record.dataset:
        origin = record.dataset + (
            f", id {record.external_id}" if record.external_id else ""
        )
        rows.append(("Dataset", origin))
    children: list[Any] = []
    for term, value in rows:
        children.extend([html.Dt(term), html.Dd(value)])
    return html.Dl(children, className="facts")


def what(record: EventRecord) -> list[Any]:
    """Type and mode, with the quad class and the conflict-cooperation score."""
    kind = record.event_type + (f" / {record.mode}" if record.mode else "")
    label = taxonomy.quad_class_label(record.quad_class)
    return [
        html.Span(kind, className="event-type"),
        " ",
        html.Span(label, className=f"quad quad-{record.quad_class}"),
        f" (quad class {record.quad_class}), score {record.score:+g}",
    ]


def when(record: EventRecord) -> list[Any]:
    """The date at its precision, and the stored interval when wider than a day."""
    text = describe_date(record.date_start, record.date_end, record.date_precision)
    parts: list[Any] = [text]
    if record.date_end is not None and record.date_end != record.date_start:
        parts.append(
            html.Span(
                f" recorded as {record.date_start} to {record.date_end}",
                className="note",
            )
        )
    return parts


def country_name(code: str | None) -> str | None:
    """A country's common name with its ISO code, e.g. 'Ukraine (UKR)'."""
    if not code:
        return None
    country = pycountry.countries.get(alpha_3=code)
    name = getattr(country, "common_name", None) or getattr(country, "name", None)
    return f"{name} ({code})" if name else code


def where(location: dict[str, Any] | None) -> list[Any] | str:
    """Place, district, region, country, coordinates and how precisely the event is
    placed."""
    if not location:
        return NOT_REPORTED
    name, region = location["name"], location.get("admin1")
    country = country_name(location.get("country"))
    if country and country.startswith(f"{name} ("):
        name = None  # placed at the country only: "Ukraine (UKR)", not twice
    district = location.get("admin2")
    names = [name, district if district != name else None]
    names += [region if region != name else None, country]
    place = ", ".join(n for n in names if n)
    latitude, longitude = location.get("latitude"), location.get("longitude")
    coordinates = (
        f"{latitude:.4f}, {longitude:.4f}"
        if latitude is not None and longitude is not None
        else "no coordinates"
    )
    precision = location.get("geo_precision") or "exact"
    meaning = GEO_PRECISION.get(precision, precision)
    return [
        place,
        html.Br(),
        html.Span(
            f"{coordinates} · precision {precision} ({meaning})", className="note"
        ),
    ]


def who(actors: list[dict[str, Any]]) -> html.Ul | str:
    """The actors with their roles, kinds and countries."""
    if not actors:
        return NOT_REPORTED
    items = []
    for actor in actors:
        about = ", ".join(v for v in (actor.get("kind"), actor.get("country")) if v)
        items.append(
            html.Li(
                [
                    html.Strong(actor["name"]),
                    f" — {actor['role']}",
                    html.Span(f" ({about})", className="note") if about else None,
                ]
            )
        )
    return html.Ul(items, className="actors")


def killed(fatalities: dict[str, int | None]) -> str:
    """Deaths as the best estimate with its range, e.g. '14' or '12 (range 10–20)'."""
    low, best, high = (fatalities.get(k) for k in ("low", "best", "high"))
    if low is None and high is None:
        return NOT_REPORTED if best is None else str(best)
    span = f"{'?' if low is None else low}–{'?' if high is None else high}"
    if best is None:
        return f"{span} (no best estimate)"
    return str(best) if low == best == high else f"{best} (range {span})"


def casualties(record: EventRecord) -> html.Dl:
    """Killed (best and range), then civilians, children and injured where known.

    Figures a dataset published out of order carry its flag right after them, so
    nobody reads "5294 (range 5294–0)" as a typing slip of ours."""
    rows: list[tuple[str, Any]] = [("Killed", killed(record.fatalities))]
    if record.figures_flag:
        flag = html.Span(
            record.figures_flag, id=ids.EVENT_FIGURES_FLAG, className="figures-flag"
        )
        rows.append(("Figures flagged", flag))
    for label, value in (
        ("Civilians killed", record.civilians_killed),
        ("Children killed", record.children_killed),
        ("Injured", record.injured),
    ):
        if value is not None:
            rows.append((label, str(value)))
    children: list[Any] = []
    for term, value in rows:
        children.extend([html.Dt(term), html.Dd(value)])
    return html.Dl(children, className="casualties")


def status(record: EventRecord) -> str:
    """Review status and confidence, e.g. 'confirmed · confidence 85%'."""
    if record.confidence is None:
        return f"{record.status} · confidence not given"
    return f"{record.status} · confidence {record.confidence:.0%}"


def acled(record: EventRecord) -> str:
    """The ACLED event and sub-event type, or why there is none."""
    if not record.acled_event_type:
        return "none (ACLED would not record this event)"
    return f"{record.acled_event_type} — {record.acled_sub_event_type}"


def safe_url(url: str | None) -> str | None:
    """The URL if it is a web address; anything else (javascript: ...) is not linked."""
    if url and url.lower().startswith(("http://", "https://")):
        return url
    return None


def sources(items: list[dict[str, Any]]) -> html.Div | html.P:
    """Each source as its quote, then who published it, when, with a link if online."""
    if not items:
        return html.P("No source recorded.", className="note")
    return html.Div([source(item) for item in items], className="sources")


def source(item: dict[str, Any]) -> html.Figure:
    """One source: the quote as a blockquote, its citation below."""
    url = safe_url(item.get("url"))
    name = item.get("title") or item.get("url") or "untitled source"
    cite: list[Any] = [
        html.A(name, href=url, target="_blank", rel="noopener noreferrer")
        if url
        else html.Cite(name)
    ]
    details = [item.get("publisher"), item.get("published") and str(item["published"])]
    details = [d for d in details if d]
    if details:
        cite.append(" — " + ", ".join(details))
    if not url:
        cite.append(html.Span(" (no link recorded)", className="note"))
    quote = item.get("quote")
    return html.Figure(
        [
            html.Blockquote(quote, cite=url)
            if quote
            else html.P("No quote recorded.", className="note"),
            html.Figcaption(cite),
        ],
        className="source",
    )


def linked_events(linked: list[LinkedEvent]) -> html.Ul | html.P:
    """Events this one points at and events pointing at it, as links to their pages."""
    if not linked:
        return html.P("No linked events.", className="note")
    items = []
    for event in linked:
        phrases = RELATION_IN if event.incoming else RELATION_OUT
        relation = phrases.get(event.relation, event.relation.replace("_", " "))
        date = describe_date(event.date_start, event.date_end, event.date_precision)
        items.append(
            html.Li(
                [
                    f"{relation} ",
                    dcc.Link(f"#{event.id} {event.title}", href=f"/events/{event.id}"),
                    html.Span(f" · {date}", className="note"),
                ]
            )
        )
    return html.Ul(items, className="links")


def history(record: EventRecord) -> str:
    """When the record was made and last changed, and its version."""
    created = f"{record.created_at:%Y-%m-%d %H:%M} UTC"
    updated = f"{record.updated_at:%Y-%m-%d %H:%M} UTC"
    return f"Recorded {created}; last changed {updated}; version {record.version}."


def possible_duplicates(event_id: int, rows: list[DuplicateRow]) -> html.Section | None:
    """Events of other datasets that may record the same happening, and their fate.

    Each links to the other event, with its date, place and dataset, the score and
    the reasons; nothing is shown when there are none."""
    if not rows:
        return None
    items = []
    for row in rows:
        other = row.counterpart(event_id)
        date = describe_date(other.date_start, other.date_end, other.date_precision)
        place = other.place or "no place given"
        dataset = f"dataset {other.dataset}" if other.dataset else "no dataset"
        items.append(
            html.Li(
                [
                    dcc.Link(f"#{other.id} {other.title}", href=f"/events/{other.id}"),
                    html.Span(f" · {date} · {place} · {dataset}", className="note"),
                    html.Br(),
                    f"Score {row.score:.2f}: {row.reasons}.",
                    html.Br(),
                    html.Span(duplicate_status(row, event_id), className="note"),
                ],
                className=f"duplicate duplicate-{row.status}",
            )
        )
    return html.Section(
        [
            html.H2("Possible duplicates"),
            html.Ul(items, className="links"),
        ],
        id=ids.EVENT_DUPLICATES,
        className="event-card event-duplicates",
    )


def duplicate_status(row: DuplicateRow, event_id: int) -> str:
    """Where the analyst's decision on a candidate stands, from this event's side."""
    other = row.counterpart(event_id)
    head = f"{row.status.capitalize()} (candidate #{row.id})"
    if row.status == "open":
        return (
            f"{head}: not decided yet; an analyst merges or dismisses it with "
            f"`tracker duplicates merge {row.id} --keep ID` or "
            f"`tracker duplicates dismiss {row.id}`."
        )
    if row.status == "dismissed":
        return f"{head}: judged to be different events."
    if other.status == "retracted":
        return f"{head}: #{other.id} was retracted as a duplicate of this event."
    return f"{head}: this event was retracted as a duplicate of #{other.id}."
