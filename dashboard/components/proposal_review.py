"""The review queue's parts: an article with its evidence marked, proposal cards, and
the edit form's "Edit and accept" mode.

Everything read from an article is passed to Dash components as text, never as HTML,
so a pasted article stays inert."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.components.event_card import safe_url
from dashboard.components.event_form_fields import dropdown
from tracker.extraction.acled_model import LOW_CONFIDENCE
from tracker.matching.similar_events import SimilarEvent
from tracker.models import EventRecord, EventStatus
from tracker.review import ArticleQueue, Proposal, article_key_of
from tracker.vocab.dates import describe_date

REVIEW_PATH = "/review"


# --- The article with its evidence marked --------------------------------------------


def evidence_segments(
    text: str, spans: list[tuple[int, list[tuple[int, int]]]]
) -> list[tuple[str, list[int], list[int]]]:
    """Cut `text` where evidence starts or ends.

    `spans` pairs each proposal's number with its [start, end) offsets. Returns
    (piece, the numbers whose evidence covers it, the numbers whose evidence starts
    there) for each piece, in order; offsets outside the text are ignored."""
    size = len(text)
    cuts = {0, size}
    clipped = []
    for number, pairs in spans:
        for start, end in pairs:
            start, end = max(0, min(start, size)), max(0, min(end, size))
            if start < end:
                clipped.append((number, start, end))
                cuts |= {start, end}
    bounds = sorted(cuts)
    pieces = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        covering = sorted({n for n, s, e in clipped if s <= start and end <= e})
        starting = sorted({n for n, s, _ in clipped if s == start})
        pieces.append((text[start:end], covering, starting))
    return pieces


def marked_article(queue: ArticleQueue) -> html.Div:
    """The article's text with each proposal's evidence in a numbered <mark>."""
    if queue.text is None:
        return html.P(
            "The article's text was not kept with these proposals; each card shows "
            "its quote.",
            className="hint",
        )
    numbered = [(n, p.spans) for n, p in enumerate(queue.proposals, start=1)]
    children: list[Any] = []
    for piece, covering, starting in evidence_segments(queue.text, numbered):
        children.extend(
            html.Sup(f"[{n}]", className="evidence-label") for n in starting
        )
        if covering:
            names = ", ".join(str(n) for n in covering)
            children.append(
                html.Mark(
                    piece, className="evidence", title=f"Evidence of proposal {names}"
                )
            )
        else:
            children.append(piece)
    return html.Div(children, className="article-text")


# --- Proposal cards ------------------------------------------------------------------


def _actors(record: EventRecord) -> str:
    return ", ".join(f"{a['name']} ({a['role']})" for a in record.actors) or "none"


def _casualties(record: EventRecord) -> str:
    parts = []
    figures = record.fatalities
    if figures.get("best") is not None:
        parts.append(f"{figures['best']} killed")
    elif figures.get("low") is not None:
        parts.append(f"at least {figures['low']} killed")
    elif figures.get("high") is not None:
        parts.append(f"up to {figures['high']} killed")
    for key, words in (
        ("civilians_killed", "civilians"),
        ("children_killed", "children"),
        ("injured", "injured"),
    ):
        if getattr(record, key) is not None:
            parts.append(f"{getattr(record, key)} {words}")
    return ", ".join(parts) or "none reported"


def confidence_text(confidence: float | None) -> Any:
    """The proposal's confidence; below the model's calibrated threshold it is marked
    (the model is then wrong about the type more often than right)."""
    if confidence is None:
        return "not given"
    if confidence >= LOW_CONFIDENCE:
        return f"{confidence:.0%}"
    return html.Span(
        [
            f"{confidence:.0%} ",
            html.Strong("low", className="low-confidence"),
            f" (below the calibrated threshold of {LOW_CONFIDENCE:.0%}: check the"
            " type before accepting)",
        ]
    )


def proposal_facts(record: EventRecord) -> html.Dl:
    """What the proposal says: type and mode, dates, actors, place, casualties."""
    place = record.location or {}
    where = ", ".join(
        str(place[k]) for k in ("name", "admin1", "country") if place.get(k)
    )
    rows: list[tuple[str, Any]] = [
        ("Type", " · ".join(filter(None, [record.event_type, record.mode]))),
        (
            "ACLED",
            " · ".join(
                filter(None, [record.acled_event_type, record.acled_sub_event_type])
            )
            or "not recorded by ACLED",
        ),
        (
            "When",
            describe_date(record.date_start, record.date_end, record.date_precision),
        ),
        ("Who", _actors(record)),
        ("Where", where or "not found"),
        ("Casualties", _casualties(record)),
        ("Confidence", confidence_text(record.confidence)),
    ]
    if record.notes:
        rows.append(("Notes", record.notes))
    items: list[Any] = []
    for term, value in rows:
        items += [html.Dt(term), html.Dd(value)]
    return html.Dl(items, className="proposal-facts")


def merge_choices(similar: list[SimilarEvent]) -> list[dict[str, Any]]:
    """Dropdown options for "Merge with…": each known event with why it looks alike."""
    return [
        {
            "label": f"#{s.id} {s.title} · {s.date}"
            + (f" · {s.place}" if s.place else "")
            + f" (likeness {s.score:.0%})",
            "value": s.id,
            "title": s.reasons,
        }
        for s in similar
    ]


def proposal_card(number: int, proposal: Proposal, similar: list[SimilarEvent]):
    """One proposal: what it says, its quote, and the three decisions."""
    record = proposal.record
    merge_id = {"type": ids.REVIEW_MERGE_INTO, "event": record.id}
    if similar:
        merge: Any = html.Div(
            [
                dropdown("Merge with…", merge_id, merge_choices(similar), None, None),
                html.Button(
                    "Merge",
                    id={"type": ids.REVIEW_MERGE, "event": record.id},
                    type="button",
                    className="button",
                ),
            ],
            className="row merge",
        )
    else:
        merge = html.P("No known event looks like this one.", className="hint")
    return html.Article(
        [
            html.H3(
                [html.Span(f"[{number}] ", className="evidence-label"), record.title]
            ),
            html.Span(EventStatus.PROPOSED.value, className="status-badge proposed"),
            proposal_facts(record),
            html.Blockquote(proposal.quote or "", className="quote"),
            html.Div(
                [
                    html.A(
                        "Edit and accept",
                        href=f"/events/{record.id}/accept",
                        className="button primary",
                    ),
                    html.Button(
                        "Reject",
                        id={
                            "type": ids.REVIEW_REJECT,
                            "event": record.id,
                            "version": record.version,
                        },
                        type="button",
                        className="button",
                    ),
                ],
                className="row decisions",
            ),
            merge,
        ],
        className="proposal-card",
        id=f"proposal-{record.id}",
        **{"aria-label": f"Proposal {number}: {record.title}"},
    )


def article_section(
    queue: ArticleQueue, similar: dict[int, list[SimilarEvent]]
) -> html.Section:
    """An article beside the cards of its proposals still waiting."""
    heading = queue.title or "Untitled article"
    about = [f"published {queue.published}" if queue.published else None]
    if safe_url(queue.url):
        link: Any = html.A(queue.url, href=queue.url, rel="noopener noreferrer")
    elif queue.url:  # not a web address: shown, never linked
        link = queue.url
    else:
        link = "no URL"
    count = len(queue.proposals)
    waiting = (
        f"{count} proposal{'s' if count != 1 else ''} waiting"
        if count
        else "Every proposal of this article has been decided."
    )
    cards = [
        proposal_card(n, p, similar.get(p.record.id, []))
        for n, p in enumerate(queue.proposals, start=1)
    ]
    return html.Section(
        [
            html.H2(heading),
            html.P(
                [*filter(None, about), " · ", link, " · ", waiting], className="hint"
            ),
            html.Div(
                [marked_article(queue), html.Div(cards, className="proposal-cards")],
                className="review-columns",
            ),
        ],
        className="review-article",
        **{"data-article": queue.article_key},
    )


# --- The edit form's "Edit and accept" mode ------------------------------------------


def accept_mode(
    record: EventRecord, contents: dict[str, Any], editing: dict[str, Any]
) -> str | None:
    """Turn the edit form of a proposal into its "Edit and accept" form; its heading.

    The status starts at confirmed and saving accepts the proposal, then returns to
    the queue. None (the form stays a plain edit) when the event is no longer a
    proposal."""
    if record.status != EventStatus.PROPOSED.value:
        return None
    contents["values"]["status"] = EventStatus.CONFIRMED.value
    key = article_key_of(record.external_id)
    editing.update(accept=True, return_to=REVIEW_PATH, article=key)
    return f"Accept proposal {record.id}: edit it, then save to confirm it"
