"""The API's writes, for tokens of editors: create, update (with the version the
caller started from) and retract an event.

They go through the doors the dashboard's form uses (`tracker.store.events`:
`validated_entered_event`, `create_event`, `update_event`, `retract_event`), so an
event written here is validated, versioned and recorded in its history the same
way, as written "via api". The permission is checked before the database is
touched; a refusal of any kind changes nothing."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from dashboard.server.api import access
from dashboard.server.api.answers import ApiError, invalid, json_answer
from dashboard.server.api.reads import event_id_of
from dashboard.services import engine
from tracker.db import session_scope
from tracker.errors import EditConflict, InvalidInput, NotFound, Problem
from tracker.models import EventStatus
from tracker.query.events import get_event_record
from tracker.query.filter_values import MAX_TAG_LENGTH
from tracker.store import events as event_store
from tracker.store.accounts import Action
from tracker.store.history import writable_state


def _body() -> dict[str, Any]:
    """The request's JSON object; ApiError 400 for anything else."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise invalid([Problem("body", "must be a JSON object")])
    return body


def _version(body: dict[str, Any], *, required: bool) -> int | None:
    """The `version` the caller started from: a whole number of 1 or more."""
    value = body.get("version")
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        reason = "give the version of the event you started from (a whole number)"
        raise invalid([Problem("version", reason, value=value)])
    return value


def _answer_record(event_id: int, status: int) -> Response:
    with session_scope(engine()) as session:
        record = get_event_record(session, event_id)
    headers = {"Location": f"{request.host_url.rstrip('/')}/api/v1/events/{event_id}"}
    return json_answer(record.model_dump(mode="json"), status, headers)


def _refused(error: Exception) -> ApiError:
    """The API's answer to tracker's refusal of a write."""
    if isinstance(error, EditConflict):
        return ApiError(
            409,
            "the event was changed since the version you started from",
            error.problems,
            extra={"changed": error.changed},
        )
    if isinstance(error, NotFound):
        return ApiError(404, str(error))
    assert isinstance(error, InvalidInput)
    return invalid(list(error.problems), "the event was not saved")


def create_event_endpoint() -> Response:
    """POST /api/v1/events: a new event from a record (the export's shape); 201."""
    author = access.writer(Action.ADD)
    record = _body()
    try:
        data = event_store.validated_entered_event(record)
    except InvalidInput as error:
        raise _refused(error) from error
    with session_scope(engine()) as session:
        problems = event_store.link_problems(session, record)
        if problems:
            raise invalid(problems, "the event was not saved")
        try:
            event_id = event_store.create_event(session, data, author=author).id
        except InvalidInput as error:
            raise _refused(error) from error
    return _answer_record(event_id, 201)


def update_event_endpoint(event_id: str) -> Response:
    """PATCH /api/v1/events/<id>: change the fields given, starting from `version`.

    Fields not given keep their stored values; a stale version is 409, with the
    fields changed meanwhile."""
    number = event_id_of(event_id)
    body = _body()
    retracting = body.get("status") == EventStatus.RETRACTED.value
    author = access.writer(Action.RETRACT if retracting else Action.EDIT)
    expected = _version(body, required=True)
    changes = {k: v for k, v in body.items() if k != "version"}
    with session_scope(engine()) as session:
        try:
            stored = get_event_record(session, number)
        except NotFound as error:
            raise _refused(error) from error
        state = writable_state(stored)
        unknown = [name for name in changes if name not in state]
        if unknown:
            raise invalid(
                [
                    Problem(name, "is not a field of an event one can change")
                    for name in unknown
                ],
                "the event was not saved",
            )
        record = state | changes
        try:
            data = event_store.validated_entered_event(record, stored)
            problems = event_store.link_problems(session, record, event_id=number)
            if problems:
                raise InvalidInput(problems)
            event_store.update_event(
                session, number, data, expected_version=expected, author=author
            )
        except (InvalidInput, NotFound) as error:
            raise _refused(error) from error
    return _answer_record(number, 200)


def retract_event_endpoint(event_id: str) -> Response:
    """POST /api/v1/events/<id>/retract: withdraw the event (kept, still readable),
    optionally tagged why; with `version`, refused 409 if it changed since."""
    number = event_id_of(event_id)
    author = access.writer(Action.RETRACT)
    body = _body() if request.get_data() else {}
    expected = _version(body, required=False)
    tag = body.get("tag")
    if tag is not None and (
        not isinstance(tag, str) or not tag.strip() or len(tag) > MAX_TAG_LENGTH
    ):
        reason = f"must be text of 1 to {MAX_TAG_LENGTH} characters"
        raise invalid([Problem("tag", reason)])
    unknown = [name for name in body if name not in ("version", "tag")]
    if unknown:
        raise invalid([Problem(name, "is not taken here") for name in unknown])
    with session_scope(engine()) as session:
        try:
            event_store.retract_event(
                session,
                number,
                author=author,
                expected_version=expected,
                tag=tag.strip() if tag else None,
            )
        except (InvalidInput, NotFound) as error:
            raise _refused(error) from error
    return _answer_record(number, 200)
