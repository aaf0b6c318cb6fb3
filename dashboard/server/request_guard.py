"""Answer a malformed Dash callback request 400 with a short reason, before Dash.

Dash reads the body of `POST /_dash-update-component` trusting its shape: `null`, a
list where it expects an object or an input missing its id ends in a Python error
inside Dash, answered 500 with a traceback in the log. The renderer never sends
such bodies, so a client that does is refused here, in three checks:
- the envelope: `output` names a server callback, `outputs`, `inputs` and `state`
  match its declared outputs, inputs and states one for one (pattern-matching ones
  by their id's keys), `changedPropIds` names some of the inputs;
- the value of each property every component gives in one known type
  (`PROPERTY_TYPES`: `n_clicks` a count, `pathname` a path, `contents` text ...);
- the value of each input and state against the type hint of the callback's
  parameter it becomes (pydantic, strict: no "3" for 3, no true for 1), so a
  callback's signature is its contract.
`None` passes (Dash sends it for any property not set yet), but for a pathname,
which a page always has.
A callback refuses what only it can judge by raising `BadCallbackInput`; both
are answered 400 in plain text, and nothing is logged as an error. So is a body
whose pattern-matching outputs are not the page's (Dash finds the callback's
answer does not fit them)."""

from __future__ import annotations

import inspect
import json
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dash import Dash
from dash.exceptions import InvalidCallbackReturnValue
from flask import Flask, Response, current_app, request
from pydantic import PydanticUserError, TypeAdapter, ValidationError

CALLBACK_ROUTE = "_dash-update-component"
WILDCARDS = (["ALL"], ["MATCH"], ["ALLSMALLER"])
# Wildcards that stand for a list of components; MATCH stands for one.
GROUP_WILDCARDS = (["ALL"], ["ALLSMALLER"])
SHOWN_CHARACTERS = 80  # of an id or value quoted in a reason


class BadCallbackInput(Exception):
    """A callback request whose body is not what the callback takes: answered 400
    with this reason (raise it in a callback for what a type hint cannot say)."""


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _path(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("/")


# Properties with one meaning on every component that has them, and the check
# their value must pass (None aside).
PROPERTY_TYPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "n_clicks": ("a count", _count),
    "n_submit": ("a count", _count),
    "pathname": ("a path starting with /", _path),
    "search": ("text", lambda v: isinstance(v, str)),
    "hash": ("text", lambda v: isinstance(v, str)),
    "href": ("text", lambda v: isinstance(v, str)),
    "search_value": ("text", lambda v: isinstance(v, str)),
    "contents": ("a data URL", lambda v: isinstance(v, str)),
    "filename": ("a file name", lambda v: isinstance(v, str)),
    "date": ("a date as text", lambda v: isinstance(v, str)),
    "clickData": ("an object", lambda v: isinstance(v, dict)),
    "cellClicked": ("an object", lambda v: isinstance(v, dict)),
    "getRowsRequest": ("an object", lambda v: isinstance(v, dict)),
    "id": ("an id", lambda v: isinstance(v, str | dict)),
}
NEVER_NONE = {"pathname"}  # Dash's page router reads it as text


def install(app: Dash) -> None:
    """Check every callback request of `app` before Dash reads it, and answer
    `BadCallbackInput` 400 wherever it is raised."""
    guard = CallbackGuard(app)
    server: Flask = app.server
    # Appended: after the login check (a stranger learns nothing of the shapes)
    # and after Dash's own first-request set-up, which fills its callback map.
    server.before_request(guard.check_request)
    server.register_error_handler(BadCallbackInput, refusal)
    server.register_error_handler(InvalidCallbackReturnValue, mismatched_outputs)


def refusal(error: BadCallbackInput) -> Response:
    """The 400 answer: the reason in plain text."""
    return Response(
        f"Bad callback request: {error}\n", status=400, mimetype="text/plain"
    )


def mismatched_outputs(error: InvalidCallbackReturnValue) -> Response:
    """400 when Dash finds the callback's answer does not fit the outputs the
    request listed: the renderer lists one output a component on the page, so
    only a body that does not match the page (three chips where the page has
    four) gets here. Logged as a warning, in one line, to be looked into should
    the renderer ever send one."""
    current_app.logger.warning(
        "callback answer does not fit the request's outputs: %s",
        str(error).splitlines()[0][:200],
    )
    return refusal(BadCallbackInput("the outputs do not match the page's components"))


class CallbackGuard:
    """The checks for one app; each callback's parameter types are read once."""

    def __init__(self, app: Dash):
        self.app = app
        self.route = app.config.routes_pathname_prefix + CALLBACK_ROUTE
        self.parameter_types: dict[str, list[TypeAdapter[Any] | None]] = {}

    def check_request(self) -> None:
        """Raise BadCallbackInput when this is a callback request Dash must not see."""
        if request.method != "POST" or request.path != self.route:
            return
        try:
            body = request.get_json(silent=True)  # Dash's own get_json() reuses it
        except RecursionError:
            raise BadCallbackInput("the body is nested too deeply") from None
        if not isinstance(body, dict):
            raise BadCallbackInput("the body must be a JSON object")
        if not is_unicode(body):
            raise BadCallbackInput("the body holds text that is not valid Unicode")
        self.check_body(body)

    def check_body(self, body: Mapping[str, Any]) -> None:
        """Raise BadCallbackInput unless `body` fits the callback it names."""
        output = body.get("output")
        entry = self.app.callback_map.get(output) if isinstance(output, str) else None
        if entry is None or entry.get("callback") is None:
            raise BadCallbackInput(
                f"no server callback has the output {_shown(output)}"
            )
        if not entry.get("no_output"):
            check_outputs(output, body.get("outputs"))
        # Dash reads a missing section as [] but trips over null.
        inputs = check_items("inputs", entry["inputs"], body.get("inputs", []))
        states = check_items("state", entry["state"], body.get("state", []))
        check_changed(body.get("changedPropIds", []), body.get("inputs") or [])
        slots = [*entry["inputs"], *entry["state"]]
        values = [*inputs, *states]
        for spec, value in zip(slots, values, strict=True):
            check_property(spec, value)
        adapters = self._adapters(output, entry, len(values))
        for spec, value, adapter in zip(slots, values, adapters, strict=True):
            if adapter is not None and value is not None:
                try:
                    adapter.validate_python(value, strict=True)
                except ValidationError as error:
                    problem = error.errors()[0]
                    where = "".join(f"[{part!r}]" for part in problem["loc"])
                    reason = f"{_name(spec)}{where}: {problem['msg'].lower()}"
                    raise BadCallbackInput(reason) from None

    def _adapters(
        self, output: str, entry: Mapping[str, Any], count: int
    ) -> list[TypeAdapter[Any] | None]:
        if output not in self.parameter_types:
            self.parameter_types[output] = parameter_adapters(entry, count)
        return self.parameter_types[output]


def is_unicode(body: Any) -> bool:
    """Whether every text in a parsed JSON body can be written as UTF-8.

    JSON may spell a lone surrogate ("\\ud800"); Python keeps it, and the database
    driver, the logger and the CSV writer then fail on it. Walked without recursion:
    the decoder allows nesting deeper than a recursive walk would."""
    pending = [body]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return False
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return True


def check_outputs(output: str, outputs: Any) -> None:
    """The outputs of the body must be the callback's own, in order."""
    declared = declared_slots(output)
    given = outputs if output.startswith("..") else [outputs]
    if not isinstance(given, list) or len(given) != len(declared):
        raise BadCallbackInput(f"outputs must list the {len(declared)} outputs")
    for (component, prop), target in zip(declared, given, strict=True):
        targets = target if isinstance(target, list) else [target]
        for each in targets:
            if not _is_target(each, component, prop):
                raise BadCallbackInput(f"outputs do not match {_shown(output)}")


def check_items(section: str, specs: Sequence[Mapping[str, str]], items: Any) -> list:
    """The values of the body's inputs or states, checked against the callback's
    specs: one item a spec, a list of items for a pattern-matching one."""
    if not specs and items == []:
        return []
    if not isinstance(items, list) or len(items) != len(specs):
        raise BadCallbackInput(f"{section} must list the callback's {len(specs)}")
    values = []
    for spec, item in zip(specs, items, strict=True):
        component, prop = _pattern(spec["id"]), spec["property"]
        if _is_group(component):
            group = item if isinstance(item, list) else None
            if group is None or not all(_is_item(i, component, prop) for i in group):
                raise BadCallbackInput(f"{section}: {_name(spec)} must be a list")
            values.append([i.get("value") for i in group])
        elif _is_item(item, component, prop):
            values.append(item.get("value"))
        else:
            raise BadCallbackInput(f"{section}: expected {_name(spec)} in its place")
    return values


def check_changed(changed: Any, inputs: list) -> None:
    """changedPropIds, when given, must name inputs of the body."""
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCallbackInput("changedPropIds must be a list of property ids")
    known = [
        (item.get("id"), item.get("property"))
        for entry in inputs
        for item in (entry if isinstance(entry, list) else [entry])
    ]
    for prop_id in changed:
        if _parsed_prop_id(prop_id) not in known:
            raise BadCallbackInput(f"changedPropIds names no input: {_shown(prop_id)}")


def check_property(spec: Mapping[str, str], value: Any) -> None:
    """A property known everywhere (`PROPERTY_TYPES`) must hold its kind of value;
    for a pattern-matching spec, each value of the list must."""
    known = PROPERTY_TYPES.get(spec["property"])
    if known is None:
        return
    kind, fits = known
    group = _is_group(_pattern(spec["id"]))
    for each in value if group else [value]:
        if each is None and spec["property"] in NEVER_NONE:
            raise BadCallbackInput(f"{_name(spec)} must be {kind}, not null")
        if each is not None and not fits(each):
            raise BadCallbackInput(f"{_name(spec)} must be {kind}, not {_shown(each)}")


def parameter_adapters(
    entry: Mapping[str, Any], count: int
) -> list[TypeAdapter[Any] | None]:
    """A validator for each argument from the hint of the callback's parameter it
    fills (None: no check), when the arguments are passed flat, in order."""
    adapters: list[TypeAdapter[Any] | None] = [None] * count
    function = inspect.unwrap(entry["callback"])
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError):
        return adapters
    indices = entry["inputs_state_indices"]
    if isinstance(indices, dict):  # keyword arguments, by parameter name
        named = indices.items()
    else:  # positional arguments, in the order of the parameters
        positional = [
            p.name
            for p in inspect.signature(function).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        flat = indices if isinstance(indices, list) else [indices]
        named = zip(positional, flat, strict=False)
    for name, index in named:
        # A group of arguments (a dict of States) is left to the callback.
        if isinstance(index, int) and 0 <= index < count:
            adapters[index] = _adapter(hints.get(name))
    return adapters


def _adapter(hint: Any) -> TypeAdapter[Any] | None:
    if hint is None or hint is Any:
        return None
    try:
        return TypeAdapter(hint)
    except PydanticUserError:
        return None


def declared_slots(output: str) -> list[tuple[str | dict, str]]:
    """(component id, property) of each output of a callback's output key
    ("a.children" or "..a.children...b.data.."); "@<hash>" of an allowed
    duplicate dropped."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    slots = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        slots.append((_pattern(component), prop.split("@", 1)[0]))
    return slots


def _pattern(component: str) -> str | dict:
    """A declared id: a plain string, or a dict for a pattern-matching one."""
    return json.loads(component) if component.startswith("{") else component


def _is_group(component: str | dict) -> bool:
    """Whether a declared id takes a list of components (ALL, ALLSMALLER); one with
    MATCH only takes the one component that fires, as a plain id takes its own."""
    return isinstance(component, dict) and any(
        value in GROUP_WILDCARDS for value in component.values()
    )


def _is_target(item: Any, component: str | dict, prop: str) -> bool:
    """Whether `item` is {"id": ..., "property": ...} of the declared component
    (a concrete id fitting a pattern) and property."""
    if not isinstance(item, dict) or not isinstance(item.get("property"), str):
        return False
    if item["property"].split("@", 1)[0] != prop:
        return False
    concrete = item.get("id")
    if isinstance(component, str):
        return concrete == component
    if not isinstance(concrete, dict) or concrete.keys() != component.keys():
        return False
    return all(
        _is_key_value(concrete[key])
        if expected in WILDCARDS
        else concrete[key] == expected
        for key, expected in component.items()
    )


def _is_item(item: Any, component: str | dict, prop: str) -> bool:
    """Whether `item` is an input or state of the declared component and property;
    the value of its "id" property is its id, as the renderer fills it in."""
    if not _is_target(item, component, prop):
        return False
    return prop != "id" or item.get("value", item["id"]) == item["id"]


def _is_key_value(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def _parsed_prop_id(prop_id: str) -> tuple[Any, str] | None:
    """(id, property) of "id.property" as the renderer writes it (a dict id as
    JSON); None when it is not one."""
    component, _, prop = prop_id.rpartition(".")
    if not component.startswith("{"):
        return component, prop
    try:
        return json.loads(component), prop
    except ValueError:
        return None


def _name(spec: Mapping[str, str]) -> str:
    return f"{spec['id']}.{spec['property']}"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"
