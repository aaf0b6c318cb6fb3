"""How the JSON API answers: data as JSON, every error as JSON naming the field
and the reason, `{"error": ..., "problems": [{"field": ..., "reason": ...}]}`.

Flask's own JSON writes dates as HTTP dates ("Sun, 24 May 2025 00:00:00 GMT"); the
API writes them as ISO 8601, as the CSV export and the URL filter do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Iterable
from typing import Any

from flask import Response
from pydantic import BaseModel

from tracker.errors import Problem

JSON_TYPE = "application/json"


class ApiError(Exception):
    """A refusal: answered `status` with its message and problems, nothing changed."""

    def __init__(
        self,
        status: int,
        message: str,
        problems: Iterable[Problem] = (),
        *,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.problems = list(problems)
        self.extra = extra or {}
        self.headers = headers or {}


def plain(value: Any) -> Any:
    """`value` as JSON-ready values: dataclasses and models as objects, dates as
    ISO text, enums as their value."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def json_text(data: Any) -> str:
    """`data` as JSON text (UTF-8 characters as they are)."""
    return json.dumps(plain(data), ensure_ascii=False, separators=(",", ":"))


def json_answer(
    data: dict[str, Any] | Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    spliced: dict[str, str] | None = None,
) -> Response:
    """`data` as a JSON response; `spliced` adds members already written as JSON
    text (a page of records serialised in one pass) to the object `data`."""
    body = json_text(data)
    if spliced:
        members = ",".join(f"{json.dumps(k)}:{v}" for k, v in spliced.items())
        body = "{" + members + ("," + body[1:] if body != "{}" else "}")
    return Response(body, status=status, mimetype=JSON_TYPE, headers=headers)


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as the API names it: the field and the reason (and the value)."""
    found: dict[str, Any] = {"field": problem.field, "reason": problem.reason}
    if problem.value is not None:
        found["value"] = plain(problem.value)
    return found


def error_answer(error: ApiError) -> Response:
    """The JSON answer of a refusal."""
    body = {
        "error": error.message,
        "problems": [problem_json(p) for p in error.problems],
        **error.extra,
    }
    return json_answer(body, error.status, error.headers)


def invalid(problems: list[Problem], message: str | None = None) -> ApiError:
    """A 400 naming each refused value."""
    fields = ", ".join(dict.fromkeys(p.field for p in problems))
    return ApiError(400, message or f"refused: {fields}", problems)
