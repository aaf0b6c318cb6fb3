"""The timeline's "Pin an annotation" form: a date (or span), a label and an
optional event, for editors; the server checks again when it is sent."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from dashboard.services import access
from tracker.models import ANNOTATION_LABEL_LENGTH
from tracker.store.accounts import Action


def pin_form() -> html.Details | None:
    """The folded form, or None for an account that may not pin."""
    if not access.may(Action.ANNOTATE):
        return None
    return html.Details(
        [html.Summary("Pin an annotation"), *pin_fields()], className="pin-form"
    )


def pin_fields() -> list:
    """The form's fields, button and message, whoever asks (Dash's check of the
    callbacks' ids is built from these too: see `dashboard.app`)."""
    return [
        html.Div(
            [
                _field("Label", ids.TIMELINE_PIN_LABEL, "text"),
                _field("Date", ids.TIMELINE_PIN_STARTS, "date"),
                _field("Until (optional)", ids.TIMELINE_PIN_ENDS, "date"),
                _field("Event id (optional)", ids.TIMELINE_PIN_EVENT, "number"),
                html.Button("Pin", id=ids.TIMELINE_PIN_SAVE, className="button"),
            ],
            className="pin-fields",
        ),
        html.P(id=ids.TIMELINE_PIN_MESSAGE, className="note", role="status"),
    ]


def _field(label: str, component_id: str, kind: str) -> html.Div:
    extra = {"maxLength": ANNOTATION_LABEL_LENGTH} if kind == "text" else {}
    if kind == "number":
        extra = {"min": 1, "step": 1}
    return html.Div(
        [
            html.Label(label, htmlFor=component_id),
            dcc.Input(id=component_id, type=kind, **extra),
        ],
        className="pin-field",
    )
