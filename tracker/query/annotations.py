"""Reading annotations: the key dates pinned on the timeline, as plain values the
charts draw (`tracker.store.annotations` writes them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, select

from tracker.models import Annotation


@dataclass(frozen=True)
class Pin:
    """One annotation as the charts and lists take it: plain values."""

    id: int
    label: str
    starts: dt.date
    ends: dt.date | None
    event_id: int | None
    created_by: str


def list_annotations(
    session: Session,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[Pin]:
    """Every annotation touching the dates from `since` to `until` (either open),
    by date."""
    query = select(Annotation)
    if until is not None:
        query = query.where(Annotation.starts <= until)
    if since is not None:
        query = query.where(func.coalesce(Annotation.ends, Annotation.starts) >= since)
    query = query.order_by(Annotation.starts, Annotation.id)
    return [pin_of(row) for row in session.exec(query)]


def pin_of(row: Annotation) -> Pin:
    """A stored annotation as plain values."""
    return Pin(
        id=row.id,
        label=row.label,
        starts=row.starts,
        ends=row.ends,
        event_id=row.event_id,
        created_by=row.created_by,
    )
