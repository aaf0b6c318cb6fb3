"""The event form's warning that what is about to be saved looks like a known event.

Shown instead of saving (nothing is written yet): each likely duplicate with its id,
title, date, place, the reasons it looks alike and a link to it; then the analyst's
choices: "Merge into event N" for a proposal under review, "Add its sources to event
N" for a new event typed in; "Save anyway", a button of the form itself (see
`dashboard.pages.event_form.form_page`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import html

from dashboard import ids
from tracker.matching.likely_duplicates import LikelyDuplicate


def duplicate_item(found: LikelyDuplicate, *, merge: bool) -> html.Li:
    """One likely duplicate: link, date and place, reasons, and its merge button:
    for a proposal (`merge`) the proposal is merged into it, for a new event the
    form's sources are added to it."""
    where = f" · {found.place}" if found.place else ""
    parts: list[Any] = [
        html.A(
            f"Event {found.id}: {found.title}",
            href=f"/events/{found.id}",
            target="_blank",  # the form keeps what was typed
            rel="noopener",
        ),
        html.Span(f" · {found.date}{where} · likeness {found.score:.0%}"),
        html.P(found.reasons, className="note"),
    ]
    label, kind = (
        (f"Merge into event {found.id}", ids.FORM_MERGE_INTO)
        if merge
        else (f"Add its sources to event {found.id}", ids.FORM_CITE_ON)
    )
    parts.append(
        html.Button(
            label,
            id={"type": kind, "event": found.id},
            type="button",
            className="button",
        )
    )
    return html.Li(parts, className="likely-duplicate")


def duplicate_warning(
    found: Sequence[LikelyDuplicate], *, accept: bool
) -> html.Div | None:
    """The warning for `found` (None when empty); `accept`: the form accepts a
    proposal, which can be merged into a known event instead."""
    if not found:
        return None
    first = found[0]
    head = (
        f"This looks like event {first.id}, already recorded"
        if len(found) == 1
        else f"This looks like {len(found)} events already recorded"
    )
    advice = (
        "Merge it into the event it repeats (the event then cites this article), or "
        "save it as a new event anyway if it is another happening."
        if accept
        else "Open the event to compare: if it is the same happening, add this "
        "report's sources to it (nothing is counted twice); save anyway if it is "
        "another happening."
    )
    return html.Div(
        [
            html.P(html.Strong(f"{head}; nothing was saved yet.")),
            html.P(advice),
            html.Ul([duplicate_item(f, merge=accept) for f in found]),
        ],
        className="duplicate-warning",
    )
