"""The event form's "Tags and links" part: free-word tags, and links to other events.

A link is a relation (walks back, follows up, responds to, duplicate of) and the
event it points at, chosen from a dropdown whose options are events found by their
title or id as the analyst types (`dashboard.pages.event_form.update_link_choices`).
Kept apart from `event_form_fields`, which holds the controls it builds on."""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard import ids
from dashboard.components import event_form_fields as fields


def link_row(
    index: int, link: dict[str, Any] | None = None, options: list[dict] | None = None
) -> html.Div:
    """One link: how this event relates to another, and that event."""
    link = link or {}
    relation_id = {"type": ids.FORM_LINK_RELATION, "index": index}
    target_id = {"type": ids.FORM_LINK_TARGET, "index": index}
    relations = [
        {"label": words, "value": value}
        for value, words in fields.RELATION_WORDS.items()
    ]
    target = link.get("id")
    return html.Div(
        [
            html.Div(
                [
                    fields.dropdown(
                        "Relation", relation_id, relations, link.get("relation"), None
                    ),
                    fields.dropdown(
                        "Linked event",
                        target_id,
                        options or [],
                        None if target is None else str(target),
                        None,
                        clearable=True,
                        placeholder="Type a title or an id…",
                    ),
                ],
                className="row link-row",
            ),
            html.Div(
                id={"type": ids.FORM_LINK_ERROR, "index": index},
                className="field-error",
            ),
        ],
        className="repeat-row",
    )


def tags_and_links_part(
    values: dict[str, Any], links: list[dict[str, Any]], options: list[dict]
) -> html.Fieldset:
    """Tags as free words, and the events this one points at."""
    return fields.fieldset(
        "Tags and links",
        fields.text_input("tags", values.get("tags"), maxLength=2000),
        html.P("Tags are free words; separate several with commas.", className="hint"),
        html.Div(
            [link_row(i, link, options) for i, link in enumerate(links)],
            id=ids.FORM_LINKS,
        ),
        html.Button(
            "Add link", id=ids.FORM_LINK_ADD, type="button", className="button link"
        ),
    )
