"""The event page's History section: every recorded write, newest first.

Each entry says which version it made, when, who, through what (a form, a file, a
restore) and, field by field, the value before and after. An editor gets "Restore
this version" beside each earlier version. Values are written out as text
components, never as HTML, so nothing an event holds can run in the page."""

from __future__ import annotations

import json
from typing import Any

from dash import html

from dashboard import ids
from tracker.errors import EditConflict
from tracker.store.history import HistoryEntry

VALUE_LIMIT = 300  # characters of one value shown; the rest is cut with "…"
ACTION_WORDS = {
    "create": "created",
    "import": "imported",
    "update": "edited",
    "retract": "retracted",
    "revert": "restored",
    "merge": "merged",
    "accept": "accepted",
    "reject": "rejected",
    "purge": "purged",
    "dismiss": "marked not a duplicate",
}
# Entries that note a decision about the event without making a new version.
NOTES = frozenset({"dismiss"})
EMPTY = "(empty)"


def describe_value(value: Any) -> str:
    """One field's value as a line of text: lists and records compactly."""
    if value is None or value == [] or value == {} or value == "":
        return EMPTY
    if isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        text = ", ".join(value)
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
        text = "; ".join(_describe_record(v) for v in value)
    elif isinstance(value, dict):
        text = _describe_record(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _describe_record(record: dict[str, Any]) -> str:
    parts = [f"{k} {describe_value(v)}" for k, v in record.items() if v is not None]
    return ", ".join(parts) or EMPTY


def describe_entry(entry: HistoryEntry) -> str:
    """The entry's heading: "Version 2 · 2025-06-01 12:00 UTC · edited by ana
    (dashboard form)"."""
    action = ACTION_WORDS.get(entry.action, entry.action)
    via = f" ({entry.via})" if entry.via else ""
    version = "At version" if entry.action in NOTES else "Version"
    return (
        f"{version} {entry.version} · {entry.at:%Y-%m-%d %H:%M} UTC · "
        f"{action} by {entry.username}{via}"
    )


def field_lines(changes: dict[str, list] | None) -> list[html.Li]:
    """One line per changed field: its name, the value before and after."""
    return [
        html.Li(
            [
                html.Span(name.replace("_", " "), className="history-field"),
                f": {describe_value(before)} → {describe_value(after)}",
            ]
        )
        for name, (before, after) in sorted((changes or {}).items())
    ]


def history_section(
    entries: list[HistoryEntry],
    *,
    current_version: int,
    summary: str,
    can_restore: bool,
    message: Any = None,
) -> html.Section:
    """The History section; with `can_restore`, a Restore button per earlier version.

    `message` says what the last restore did, or why it was refused."""
    items = []
    offered: set[int] = set()
    for entry in entries:
        children: list[Any] = [html.P(describe_entry(entry), className="history-head")]
        lines = field_lines(entry.changes)
        if lines:
            children.append(html.Ul(lines, className="history-changes"))
        elif entry.action in ("create", "import"):
            children.append(html.P("The first version.", className="note"))
        restorable = (
            entry.version < current_version
            and entry.version not in offered
            and entry.action not in NOTES  # the entry that made the version offers it
        )
        if can_restore and restorable:
            offered.add(entry.version)
            children.append(
                html.Button(
                    "Restore this version",
                    id={"type": ids.EVENT_RESTORE, "version": entry.version},
                    type="button",
                    className="button link",
                    title=f"Save the event as it was at version {entry.version}",
                )
            )
        items.append(html.Li(children, className=f"history-entry {entry.action}"))
    body: Any = (
        html.Ol(items, className="history-list")
        if items
        else html.P("No writes were recorded for this event.", className="note")
    )
    return html.Section(
        [
            html.H2("History"),
            html.P(summary, className="history"),
            html.P(
                "Restoring an earlier version saves it as a new version; nothing is "
                "ever deleted.",
                className="note",
            ),
            html.Div(message, id=ids.EVENT_MESSAGE, role="alert"),
            body,
        ],
        id=ids.EVENT_HISTORY,
        className="event-card event-history",
    )


def conflict_message(error: EditConflict) -> list[Any]:
    """A refused stale save: the reason, then each field changed meanwhile."""
    lines = [
        html.Li(
            f"{name.replace('_', ' ')}: you started from {describe_value(then)}; "
            f"it is now {describe_value(now)}"
        )
        for name, (then, now) in sorted(error.changed.items())
    ]
    reason = "; ".join(problem.reason for problem in error.problems)
    return [html.P(f"Not saved: {reason}.")] + ([html.Ul(lines)] if lines else [])
