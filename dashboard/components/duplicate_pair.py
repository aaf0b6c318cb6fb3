"""One duplicate candidate of the queue: its score and reasons, then its two events
side by side (title, date with its precision, place, type and ACLED type, actors,
killed, dataset, status and sources), and for an editor the decisions: keep either
event and merge the other into it, or "Not a duplicate".

Values are text components, never HTML, so nothing an event holds runs in the page."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.components.event_card import acled, killed, safe_url, status, what
from dashboard.components.event_card import where as place_of
from tracker.matching.candidates import CandidateEvent, DuplicateRow
from tracker.models import EventRecord
from tracker.vocab.dates import describe_date

SOURCES_SHOWN = 5  # per event; its page lists them all


def pair_card(
    row: DuplicateRow, records: dict[int, EventRecord], *, can_decide: bool
) -> html.Article:
    """The candidate `row` with both events; `can_decide` adds the buttons (the
    server refuses a decision from anyone who may not, regardless)."""
    sides = [
        side(row, event, records.get(event.id), can_decide=can_decide)
        for event in (row.event, row.other)
    ]
    children: list[Any] = [
        html.Header(
            [
                html.H2(f"Candidate #{row.id}"),
                html.Span(f"score {row.score:.2f}", className="pair-score"),
            ],
            className="pair-head",
        ),
        html.P(f"Why: {row.reasons}.", className="pair-reasons"),
        retracted_note(row),
        html.Div(sides, className="pair-sides"),
    ]
    if can_decide:
        children.append(
            html.Div(
                html.Button(
                    "Not a duplicate",
                    id={"type": ids.DUPLICATES_DISMISS, "candidate": row.id},
                    type="button",
                    className="button export",
                    title=f"#{row.event.id} and #{row.other.id} are different events",
                ),
                className="pair-actions",
            )
        )
    return html.Article(
        children, id=f"duplicates-candidate-{row.id}", className="duplicate-pair"
    )


def retracted_note(row: DuplicateRow) -> html.P | None:
    """A pair with an event retracted since it was flagged (merged into a third
    event, say): which one, and that "Not a duplicate" closes the pair."""
    gone = [e.id for e in (row.event, row.other) if e.status == "retracted"]
    if not gone:
        return None
    named = " and ".join(f"#{i}" for i in gone)
    verb = "is" if len(gone) == 1 else "are"
    return html.P(
        f"{named} {verb} retracted already (merged into another event, or "
        'withdrawn): "Not a duplicate" closes this pair.',
        className="note",
    )


def side(
    row: DuplicateRow,
    event: CandidateEvent,
    record: EventRecord | None,
    *,
    can_decide: bool,
) -> html.Section:
    """One event of the pair, with its Keep button."""
    other = row.counterpart(event.id)
    head = [
        html.P(f"Event #{event.id}", className="kicker"),
        html.H3(
            html.A(
                event.title,
                href=f"/events/{event.id}",
                target="_blank",
                rel="noopener",
                title="Open the event in a new tab",
            )
        ),
    ]
    body: list[Any] = [facts(event, record)]
    # A retracted event cannot be kept (merge_candidate refuses it): no button.
    if can_decide and event.status != "retracted":
        body.append(
            html.Button(
                f"Keep #{event.id}, merge #{other.id} into it",
                id={
                    "type": ids.DUPLICATES_KEEP,
                    "candidate": row.id,
                    "keep": event.id,
                },
                type="button",
                className="button",
                title=(
                    f"#{other.id} is retracted as a duplicate of #{event.id}, which "
                    "gains its sources"
                ),
            )
        )
    return html.Section(head + body, className="pair-side")


def facts(event: CandidateEvent, record: EventRecord | None) -> html.Dl:
    """The fields an analyst compares, one per line."""
    when = describe_date(event.date_start, event.date_end, event.date_precision)
    rows: list[tuple[str, Any]] = [("When", when)]
    if record is not None:
        rows += [
            ("Where", place_of(record.location)),
            ("What", what(record)),
            ("ACLED type", acled(record)),
            ("Who", actors(record.actors)),
            ("Killed", killed(record.fatalities)),
        ]
    rows += [
        ("Dataset", dataset(event, record)),
        (
            "Status",
            html.Span(
                status(record) if record else event.status,
                className=f"status-badge {event.status}",
            ),
        ),
    ]
    if record is not None:
        rows.append(("Sources", sources(record.sources)))
    children: list[Any] = []
    for term, value in rows:
        children.extend([html.Dt(term), html.Dd(value)])
    return html.Dl(children, className="pair-facts")


def dataset(event: CandidateEvent, record: EventRecord | None) -> str:
    """The dataset and the event's id in it, or that it was entered by hand."""
    if not event.dataset:
        return "none (entered by hand)"
    external = record.external_id if record is not None else None
    return event.dataset + (f", id {external}" if external else "")


def actors(items: list[dict[str, Any]]) -> str:
    """The actors with their roles on one line."""
    if not items:
        return "none recorded"
    return "; ".join(f"{a['name']} ({a['role']})" for a in items)


def sources(items: list[dict[str, Any]]) -> html.Ul | str:
    """The first sources by title or publisher, each linked when it is online."""
    if not items:
        return "none recorded"
    shown = []
    for item in items[:SOURCES_SHOWN]:
        name = item.get("title") or item.get("publisher") or item.get("url") or "?"
        url = safe_url(item.get("url"))
        shown.append(
            html.Li(
                html.A(name, href=url, target="_blank", rel="noopener noreferrer")
                if url
                else name
            )
        )
    more = len(items) - SOURCES_SHOWN
    if more > 0:
        shown.append(html.Li(f"and {more} more", className="note"))
    return html.Ul(shown, className="pair-sources")
