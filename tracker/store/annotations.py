"""Annotations: key dates (or spans) pinned on the timeline for the whole team, such
as "Istanbul talks", drawn on its charts as labelled markers.

Editors pin and remove them (`Action.ANNOTATE`, checked here as well as by the
caller); everyone reads them (`tracker.query.annotations`). Flushes, never
commits."""

from __future__ import annotations

from pydantic import ValidationError
from sqlmodel import Session

from tracker.errors import InvalidInput, NotFound, problems_from_validation_error
from tracker.models import Annotation, AnnotationCreate
from tracker.query.annotations import Pin, pin_of
from tracker.store.accounts import Action, Principal, authorize


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
    return pin_of(row)


def delete_annotation(session: Session, annotation_id: int, *, principal: Principal):
    """Remove an annotation (an editor or admin may)."""
    authorize(principal, Action.ANNOTATE)
    row = session.get(Annotation, annotation_id)
    if row is None:
        raise NotFound(f"there is no annotation {annotation_id}")
    session.delete(row)
    session.flush()
