"""Saved views: a page of the dashboard with its query string, named and kept by its
owner, private or shared with the team.

Anyone may read their own views and the shared ones; only the owner renames a view,
and the owner or an admin deletes it. The rules live here, not in the dashboard, so
a crafted request meets them too. Flushes, never commits."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import Session, or_, select

from tracker.errors import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    problems_from_validation_error,
)
from tracker.models import Role, SavedView, SavedViewCreate, utc_now
from tracker.store.accounts import Action, Principal, authorize


def validated_view(values: dict) -> SavedViewCreate:
    """`values` as a view to save; InvalidInput naming every problem."""
    try:
        return SavedViewCreate.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(problems_from_validation_error(error)) from error


def save_view(
    session: Session, data: SavedViewCreate, *, owner: Principal
) -> SavedView:
    """Store a new view owned by `owner`."""
    authorize(owner, Action.SAVE_VIEWS)
    view = SavedView.model_validate({**data.model_dump(), "owner": owner.username})
    session.add(view)
    session.flush()
    return view


def list_views(session: Session, principal: Principal) -> list[SavedView]:
    """The views `principal` may open: their own and the team's shared ones, their
    own first, then by name."""
    mine = SavedView.owner == principal.username
    query = (
        select(SavedView)
        .where(or_(mine, SavedView.shared))
        .order_by(mine.desc(), SavedView.name, SavedView.id)
    )
    return list(session.exec(query))


def fetch_view(
    session: Session, view_id: int, *, principal: Principal | None
) -> SavedView:
    """The view `view_id`, if `principal` owns it or it is shared.

    NotFound when there is none; PermissionDenied for someone else's private view
    (or for nobody logged in)."""
    view = session.get(SavedView, view_id)
    if view is None:
        raise NotFound(f"there is no saved view {view_id}")
    if principal is None:
        raise PermissionDenied("log in to open saved views")
    if view.owner != principal.username and not view.shared:
        raise PermissionDenied(
            f"saved view {view_id} is private to {view.owner}: ask them to share it"
        )
    return view


def rename_view(
    session: Session, view_id: int, name: str, *, principal: Principal
) -> SavedView:
    """Give the view another name; only its owner may."""
    view = fetch_view(session, view_id, principal=principal)
    if view.owner != principal.username:
        raise PermissionDenied(f"only {view.owner} may rename saved view {view_id}")
    checked = validated_view({"name": name, "page": view.page})
    view.name = checked.name
    view.updated_at = utc_now()
    session.add(view)
    session.flush()
    return view


def may_delete(owner: str, principal: Principal | None) -> bool:
    """Whether `principal` may delete a view `owner` saved: its owner or an admin."""
    if principal is None:
        return False
    return owner == principal.username or principal.role is Role.ADMIN


def delete_view(session: Session, view_id: int, *, principal: Principal) -> None:
    """Delete the view; only its owner or an admin may."""
    view = session.get(SavedView, view_id)
    if view is None:
        raise NotFound(f"there is no saved view {view_id}")
    if not may_delete(view.owner, principal):
        raise PermissionDenied(
            f"only {view.owner} or an admin may delete saved view {view_id}"
        )
    session.delete(view)
    session.flush()


def view_href(view: SavedView) -> str:
    """Where the view opens: its page with its query string."""
    return view.page + (f"?{view.query}" if view.query else "")
