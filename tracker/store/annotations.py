"""Annotations: key dates (or spans) pinned on the timeline for the whole team, such
as "Istanbul talks", drawn on its charts as labelled markers.

Editors pin and remove them (`Action.ANNOTATE`, checked here as well as by the
caller); everyone reads them. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from tracker.errors import InvalidInput, NotFound, problems_from_validation_error
from tracker.models import Annotation, AnnotationCreate
from tracker.store.accounts import Action, Principal, authorize


@dataclass(frozen=True)
class Pin:
    """One annotation as the charts and lists take it: plain values."""

    id: int
    label: str
    starts: dt.date
    ends: dt.date | None
    event_id: int | None
    created_by: str


def validated_annotation(values: dict) -> AnnotationCreate:
    """`values` as an annotation to pin; InvalidInput naming every problem."""
    try:
        return AnnotationCreate.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(problems_from_validation_error(error)) from error


def pin_annotation(
    session: Session, data: AnnotationCreate, *, principal: Principal
) -> Pin:
    """Store a new annotation made by `principal` (an editor or admin)."""
    authorize(principal, Action.ANNOTATE)
    row = Annotation.model_validate(
        {**data.model_dump(), "created_by": principal.username}
    )
    session.add(row)
    session.flush()
    return _pin(row)


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
    return [_pin(row) for row in session.exec(query)]


def delete_annotation(session: Session, annotation_id: int, *, principal: Principal):
    """Remove an annotation (an editor or admin may)."""
    authorize(principal, Action.ANNOTATE)
    row = session.get(Annotation, annotation_id)
    if row is None:
        raise NotFound(f"there is no annotation {annotation_id}")
    session.delete(row)
    session.flush()


def _pin(row: Annotation) -> Pin:
    return Pin(
        id=row.id,
        label=row.label,
        starts=row.starts,
        ends=row.ends,
        event_id=row.event_id,
        created_by=row.created_by,
    )
