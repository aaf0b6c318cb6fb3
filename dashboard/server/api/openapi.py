"""The API described as an OpenAPI 3.1 document, served at /api/v1/openapi.json.

The filter parameters are generated from `EventFilter`'s fields (their types) and
`FIELD_READERS` (what each accepts, from the reader's docstring), and the event
schemas from the pydantic models the API reads and writes, so the document cannot
drift from what the code takes."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import fields as dataclass_fields
from typing import Any

from dashboard.server.api.params import DEFAULT_LIMIT, EVENT_FIELDS, MAX_LIMIT
from tracker.models import EventCreate, EventRecord
from tracker.query.filter_values import (
    FIELD_READERS,
    read_actor_kind,
    read_event_type,
    read_status,
)
from tracker.query.filters import EventFilter
from tracker.vocab import taxonomy
from tracker.vocab.codes import ActorKind, EventStatus

SCHEMAS = "#/components/schemas/"


def _choices() -> dict[Any, list[str]]:
    """The values a reader accepts, where they are a closed list."""
    return {
        read_status: [s.value for s in EventStatus],
        read_actor_kind: [k.value for k in ActorKind],
        read_event_type: sorted(taxonomy.event_types()),
    }


def _scalar_schema(kind: Any) -> dict[str, Any]:
    if kind is dt.date:
        return {"type": "string", "format": "date"}
    if kind is bool:
        return {"type": "boolean"}
    if kind is int:
        return {"type": "integer", "minimum": 0}
    return {"type": "string"}


def filter_parameters() -> list[dict[str, Any]]:
    """One query parameter per field of EventFilter, typed as the field is."""
    hints = typing.get_type_hints(EventFilter)
    choices = _choices()
    parameters = []
    for item in dataclass_fields(EventFilter):
        kind = hints[item.name]
        reader = FIELD_READERS[item.name]
        if typing.get_origin(kind) is tuple:
            items = _scalar_schema(typing.get_args(kind)[0])
            if reader in choices:
                items["enum"] = choices[reader]
            schema: dict[str, Any] = {"type": "array", "items": items}
            extra = "; repeat the parameter for several values (any of them matches)"
        else:
            if isinstance(kind, types.UnionType):
                kind = next(a for a in typing.get_args(kind) if a is not type(None))
            schema, extra = _scalar_schema(kind), ""
        summary = (reader.__doc__ or "").strip().splitlines()[0]
        parameters.append(
            {
                "name": item.name,
                "in": "query",
                "required": False,
                "description": f"{summary}{extra}.",
                "schema": schema,
                "style": "form",
                "explode": True,
            }
        )
    return parameters


def _hoisted(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with its $defs moved into `components`."""
    schema = dict(schema)
    components.update(schema.pop("$defs", {}))
    return schema


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": SCHEMAS + "Error"}}},
    }


def _ok(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": SCHEMAS + schema}}},
    }


READ_ERRORS = {
    "400": _error("A refused parameter: each problem names the field and reason"),
    "401": _error("No token, or one unknown, revoked or expired"),
    "429": _error("Too many requests for this token: see Retry-After"),
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "403": _error("The token's account may not do this; nothing changed"),
    "404": _error("No such event"),
}
EVENT_ID = {
    "name": "event_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    event = _hoisted(
        EventRecord.model_json_schema(ref_template=SCHEMAS + "{model}"), schemas
    )
    new_event = _hoisted(
        EventCreate.model_json_schema(ref_template=SCHEMAS + "{model}"), schemas
    )
    problem = {
        "type": "object",
        "required": ["field", "reason"],
        "properties": {
            "field": {"type": "string"},
            "reason": {"type": "string"},
            "value": {},
        },
    }
    schemas |= {
        "Event": event,
        "EventInput": new_event,
        "EventPatch": {
            "type": "object",
            "required": ["version"],
            "description": "The fields to change (as in EventInput) and the "
            "version of the event they start from.",
            "properties": {"version": {"type": "integer", "minimum": 1}},
            "additionalProperties": True,
        },
        "Retraction": {
            "type": "object",
            "properties": {
                "version": {"type": "integer", "minimum": 1},
                "tag": {"type": "string", "maxLength": 100},
            },
            "additionalProperties": False,
        },
        "Problem": problem,
        "Error": {
            "type": "object",
            "required": ["error", "problems"],
            "properties": {
                "error": {"type": "string"},
                "problems": {"type": "array", "items": {"$ref": SCHEMAS + "Problem"}},
                "changed": {
                    "type": "object",
                    "description": "409 only: each field changed since the version "
                    "given, as [what it was then, what it is now]",
                    "additionalProperties": {"type": "array"},
                },
            },
        },
        "EventPage": {
            "type": "object",
            "required": ["data", "next", "limit", "filter"],
            "properties": {
                "data": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "description": "An Event, or the fields asked for",
                    },
                },
                "next": {
                    "type": ["string", "null"],
                    "format": "uri",
                    "description": "The next page, null on the last",
                },
                "limit": {"type": "integer"},
                "filter": {"type": "string", "description": "The filter in words"},
            },
        },
        "EventDetail": {
            "allOf": [
                {"$ref": SCHEMAS + "Event"},
                {
                    "type": "object",
                    "properties": {
                        "linked": {"type": "array", "items": {"type": "object"}},
                        "history": {"type": "array", "items": {"type": "object"}},
                    },
                },
            ]
        },
        "Timeline": {
            "type": "object",
            "properties": {
                "filter": {"type": "string"},
                "period": {"type": ["string", "null"]},
                "counts": {"type": "array", "items": {"type": "object"}},
                "fatalities": {"type": "array", "items": {"type": "object"}},
                "scores": {"type": "array", "items": {"type": "object"}},
            },
        },
        "List": {
            "type": "object",
            "properties": {"data": {"type": "array", "items": {"type": "object"}}},
        },
    }
    return {
        "schemas": schemas,
        "securitySchemes": {
            "token": {
                "type": "http",
                "scheme": "bearer",
                "description": "A token from `tracker token create --user NAME`",
            }
        },
    }


def _get(summary: str, parameters: list, schema: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": _ok(summary, schema), **READ_ERRORS},
        }
    }


def _search(name: str) -> list[dict[str, Any]]:
    return [
        {
            "name": "q",
            "in": "query",
            "required": False,
            "description": f"Words the {name} contains (empty: all, up to 50).",
            "schema": {"type": "string", "maxLength": 200},
        }
    ]


def openapi_document(server_url: str) -> dict[str, Any]:
    """The whole document, for an API served at `server_url` (…/api/v1)."""
    filters = filter_parameters()
    paging = [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"Events a page, 1 to {MAX_LIMIT}.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        {
            "name": "cursor",
            "in": "query",
            "required": False,
            "description": "Where the page starts: take it from `next`.",
            "schema": {"type": "string"},
        },
        {
            "name": "fields",
            "in": "query",
            "required": False,
            "description": "The fields of each event to send (the id always is).",
            "schema": {"type": "array", "items": {"enum": list(EVENT_FIELDS)}},
            "style": "form",
            "explode": False,
        },
    ]
    period = {
        "name": "period",
        "in": "query",
        "required": False,
        "description": "The width of a period; by default chosen from the span.",
        "schema": {"enum": ["week", "month", "year"]},
    }
    body = {"$ref": SCHEMAS + "EventInput"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "tracker API",
            "version": "1",
            "description": "Conflict events, the timeline's figures, the registry "
            "and saved views, with the dashboard's filter. Editors' tokens may "
            "also write; every write is recorded in the event's history.",
        },
        "servers": [{"url": server_url}],
        "security": [{"token": []}],
        "components": _components(),
        "paths": {
            "/events": {
                **_get("Matching events, in date order", filters + paging, "EventPage"),
                "post": {
                    "summary": "Add an event (editors)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": body}},
                    },
                    "responses": {
                        "201": _ok("The event as stored", "Event"),
                        **WRITE_ERRORS,
                    },
                },
            },
            "/events/{event_id}": {
                **_get(
                    "One event with its links and history", [EVENT_ID], "EventDetail"
                ),
                "patch": {
                    "summary": "Change an event's fields (editors)",
                    "parameters": [EVENT_ID],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": SCHEMAS + "EventPatch"}
                            }
                        },
                    },
                    "responses": {
                        "200": _ok("The event as stored", "Event"),
                        "409": _error("Changed since `version`: see `changed`"),
                        **WRITE_ERRORS,
                    },
                },
            },
            "/events/{event_id}/retract": {
                "post": {
                    "summary": "Retract an event (editors)",
                    "parameters": [EVENT_ID],
                    "requestBody": {
                        "required": False,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": SCHEMAS + "Retraction"}
                            }
                        },
                    },
                    "responses": {
                        "200": _ok("The event as stored", "Event"),
                        "409": _error("Changed since `version`: see `changed`"),
                        **WRITE_ERRORS,
                    },
                }
            },
            "/timeline": _get(
                "Events by period and type, fatalities and mean score by period",
                [*filters, period],
                "Timeline",
            ),
            "/actors": _get(
                "Registry actors with their aliases",
                _search("name or an alias"),
                "List",
            ),
            "/places": _get("Registry places", _search("place's name"), "List"),
            "/views": _get("Your saved views and the shared ones", [], "List"),
            "/datasets": _get(
                "The datasets events were imported from, alphabetically", [], "List"
            ),
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [{}],
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
        },
    }
