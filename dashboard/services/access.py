"""Who is asking, and what they may do: the logged-in account of the request.

The roles are decided in `tracker.store.accounts` (`ALLOWED`, `authorize`); this
module only finds the account, names the action a form save needs, and words a
refusal for a person."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from tracker.errors import PermissionDenied
from tracker.models import EventStatus
from tracker.store.accounts import Action, Principal, authorize
from tracker.store.history import Author


def current_principal() -> Principal | None:
    """The logged-in account of the current request, or None for a visitor."""
    return getattr(current_user, "principal", None)


def may(action: Action) -> bool:
    """Whether the logged-in account may `action` (to show or hide a button)."""
    principal = current_principal()
    return principal is not None and principal.may(action)


def refusal(action: Action) -> str | None:
    """Why the logged-in account may not `action`, naming it and its role; None
    when it may."""
    principal = current_principal()
    try:
        authorize(principal, action)
    except PermissionDenied:
        if principal is None:
            return f"You are not logged in: log in as an editor to {action}"
        role = principal.role.value
        return (
            f"You are logged in as {principal.username} ({role}): "
            f"{role}s cannot {action}"
        )
    return None


def allowed(action: Action, via: str) -> Author:
    """The author of a write the logged-in account may do; PermissionDenied, with
    the `refusal`, when it may not. Called before a write touches the database."""
    reason = refusal(action)
    if reason is not None:
        raise PermissionDenied(f"{reason}. Nothing was changed.")
    return Author(current_principal().username, via=via)


def form_action(record: dict[str, Any], event_id: int | None, accept: bool) -> Action:
    """The action a save of the event form is: accepting a proposal, adding, or
    editing `event_id` (retracting it when the record's status says so)."""
    if accept:
        return Action.REVIEW
    if event_id is None:
        return Action.ADD
    retracting = record.get("status") == EventStatus.RETRACTED.value
    return Action.RETRACT if retracting else Action.EDIT
