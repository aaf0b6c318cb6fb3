"""Dash callback request bodies: a valid one per callback, read from the running app,
and mutations of it.

`/_dash-dependencies` lists every callback (its output string, inputs and states);
the page layouts (`/_dash-layout` for the shell, the pages callback for each page)
give the components and their current property values. A valid body is what the
browser would send on first load: each input and state with the value the layout
holds; an `ALL` pattern with every matching component of the layout. Mutations then
change one thing a client controls: a value's type, a missing or extra key, a huge
array, the envelope itself."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench.fuzz.values import json_value, text_value

UPDATE_PATH = "/_dash-update-component"
PAGES_OUTPUT = ".._pages_content.children..._pages_store.data.."


@dataclass(frozen=True)
class Callback:
    """One server-side callback of the app, as `/_dash-dependencies` describes it."""

    output: str
    inputs: tuple[dict[str, str], ...]
    state: tuple[dict[str, str], ...]

    @property
    def name(self) -> str:
        """A short readable name: the first output's id and property."""
        first = split_outputs(self.output)[0]
        ident = first["id"]
        if isinstance(ident, dict):
            ident = ident.get("type", "?")
        return f"{ident}.{first['property'].split('@')[0]}"

    @property
    def changes_data(self) -> bool:
        """Whether a click or an upload may make it write (save, import, merge...)."""
        triggers = {f"{i['id']}.{i['property']}" for i in self.inputs}
        return any(t.endswith(".n_clicks") for t in triggers) or any(
            t.endswith(".contents") for t in triggers
        )


def callbacks(dependencies: list[dict[str, Any]]) -> list[Callback]:
    """The server-side callbacks (clientside ones never reach the server)."""
    return [
        Callback(
            d["output"],
            tuple(d["inputs"]),
            tuple(d["state"]),
        )
        for d in dependencies
        if not d.get("clientside_function")
    ]


def _parse_id(text: str) -> str | dict[str, Any]:
    return json.loads(text) if text.startswith("{") else text


def split_outputs(output: str) -> list[dict[str, Any]]:
    """The output string ("a.b" or "..a.b...c.d..") as a list of id and property."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    found = []
    for part in parts:
        ident, _, prop = part.rpartition(".")
        found.append({"id": _parse_id(ident), "property": prop})
    return found


def components(tree: Any) -> Iterator[dict[str, Any]]:
    """Every component (as Dash serialises it) in a layout tree that has an id."""
    if isinstance(tree, list):
        for item in tree:
            yield from components(item)
    elif isinstance(tree, dict):
        props = tree.get("props")
        if isinstance(props, dict) and "type" in tree:
            if "id" in props:
                yield props
            for value in props.values():
                yield from components(value)
        else:
            for value in tree.values():
                yield from components(value)


def _matches(pattern: Any, ident: Any) -> bool:
    if isinstance(pattern, str) or isinstance(ident, str):
        return pattern == ident
    if set(pattern) != set(ident):
        return False
    wild = (["ALL"], ["MATCH"], ["ALLSMALLER"])
    return all(p in wild or p == ident[k] for k, p in pattern.items())


def _id_text(ident: Any) -> str:
    """A component id as Dash writes it in changedPropIds (a dict id as its JSON)."""
    if isinstance(ident, dict):
        return json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return ident


def _is_match(pattern: Any) -> bool:
    """A MATCH pattern: the browser sends one component's entry, not a list."""
    return isinstance(pattern, dict) and ["MATCH"] in pattern.values()


def _one_match(pattern: dict[str, Any], layout: list[dict[str, Any]]) -> Any:
    """The id of the first component a MATCH pattern takes (else its keys at 0)."""
    found = next((p["id"] for p in layout if _matches(pattern, p["id"])), None)
    return found or {k: 0 if v == ["MATCH"] else v for k, v in pattern.items()}


def _is_wild(pattern: Any) -> bool:
    return isinstance(pattern, dict) and any(
        isinstance(v, list) for v in pattern.values()
    )


# What the browser puts in a property the layout leaves empty: dcc.Location fills
# pathname and search from the address bar before its first callback.
BROWSER_FILLED = {"pathname": "/", "search": ""}


def _value(props: dict[str, Any], prop: str) -> Any:
    name = prop.split("@")[0]
    value = props.get(name)
    return BROWSER_FILLED.get(name) if value is None else value


def valid_body(callback: Callback, layout: list[dict[str, Any]]) -> dict[str, Any]:
    """The body the browser would send: values as the layout holds them."""

    def entries(specs: tuple[dict[str, str], ...]) -> list[Any]:
        found: list[Any] = []
        for spec in specs:
            pattern = _parse_id(spec["id"])
            if _is_match(pattern):
                ident = _one_match(pattern, layout)
                props = next((p for p in layout if p["id"] == ident), {})
                value = _value(props, spec["property"])
                entry = {"id": ident, "property": spec["property"], "value": value}
                found.append(entry)
                continue
            if _is_wild(pattern):
                found.append(
                    [
                        {
                            "id": p["id"],
                            "property": spec["property"],
                            "value": _value(p, spec["property"]),
                        }
                        for p in layout
                        if _matches(pattern, p["id"])
                    ]
                )
                continue
            props = next((p for p in layout if p["id"] == pattern), {})
            value = _value(props, spec["property"])
            found.append({"id": pattern, "property": spec["property"], "value": value})
        return found

    outputs: list[Any] = []
    for out in split_outputs(callback.output):
        if _is_match(out["id"]):
            outputs.append({**out, "id": _one_match(out["id"], layout)})
        elif _is_wild(out["id"]):
            matching = [p for p in layout if _matches(out["id"], p["id"])]
            outputs.append(
                [{"id": p["id"], "property": out["property"]} for p in matching]
            )
        else:
            outputs.append(out)
    inputs = entries(callback.inputs)
    return {
        "output": callback.output,
        "outputs": outputs if callback.output.startswith("..") else outputs[0],
        "inputs": inputs,
        "state": entries(callback.state),
        "changedPropIds": [
            f"{_id_text(entry['id'])}.{entry['property']}"
            for entry in inputs
            if isinstance(entry, dict)
        ][:1],
    }


def _slots(body: dict[str, Any]) -> list[tuple[str, int, int | None]]:
    """(section, index, sub-index) of every input and state value in a body."""
    slots: list[tuple[str, int, int | None]] = []
    for section in ("inputs", "state"):
        for index, entry in enumerate(body.get(section) or []):
            if isinstance(entry, list):
                slots.extend((section, index, sub) for sub in range(len(entry)))
            else:
                slots.append((section, index, None))
    return slots


def set_value(body: dict[str, Any], slot: tuple[str, int, int | None], value: Any):
    """Put `value` in a slot and mark that input as the one that changed."""
    section, index, sub = slot
    entry = body[section][index]
    entry = entry[sub] if sub is not None else entry
    entry["value"] = value
    if section == "inputs":
        ident = entry["id"]
        ident = (
            json.dumps(ident, separators=(",", ":"))
            if isinstance(ident, dict)
            else ident
        )
        body["changedPropIds"] = [f"{ident}.{entry['property']}"]


def mutate(body: dict[str, Any], rng: random.Random) -> tuple[Any, str]:
    """A mutated copy of `body` (or a replacement of it) and a word on what changed.

    Most mutations change one input or state value (its type, size or text); the
    rest remove or add keys, or replace the envelope with another JSON value."""
    mutated = copy.deepcopy(body)
    slots = _slots(mutated)
    kind = rng.randrange(20)
    if slots and kind < 12:
        slot = rng.choice(slots)
        value = json_value(rng) if kind < 8 else text_value(rng)
        set_value(mutated, slot, value)
        return mutated, f"{slot[0]}[{slot[1]}] = {_short(value)}"
    if kind == 12 and slots:
        section, index, sub = rng.choice(slots)
        entry = mutated[section][index]
        entry = entry[sub] if sub is not None else entry
        key = rng.choice(("value", "id", "property"))
        entry.pop(key, None)
        return mutated, f"{section}[{index}] without {key}"
    if kind == 13:
        key = rng.choice(("output", "outputs", "inputs", "state", "changedPropIds"))
        mutated.pop(key, None)
        return mutated, f"body without {key}"
    if kind == 14:
        key = rng.choice(("inputs", "state", "outputs", "changedPropIds", "output"))
        value = json_value(rng)
        mutated[key] = value
        return mutated, f"{key} = {_short(value)}"
    if kind == 15:
        mutated[rng.choice(("extra", "__proto__", "inputs2"))] = json_value(rng)
        if slots:
            section, index, sub = rng.choice(slots)
            entry = mutated[section][index]
            entry = entry[sub] if sub is not None else entry
            entry["extra"] = json_value(rng)
        return mutated, "extra keys"
    if kind == 16 and slots:
        section, index, _sub = rng.choice(slots)
        mutated[section][index] = [copy.deepcopy(mutated[section][index])] * 5000
        return mutated, f"{section}[{index}] repeated 5000 times"
    if kind == 17:
        mutated["changedPropIds"] = rng.choice(
            (["nope.value"], [None], "x", [1], ["." * 5000])
        )
        return mutated, f"changedPropIds = {_short(mutated['changedPropIds'])}"
    if kind == 18:
        mutated["output"] = rng.choice(
            ("nope.children", "", "..x.y..", mutated["output"] + "x", "a" * 10_000)
        )
        return mutated, f"output = {_short(mutated['output'])}"
    value = rng.choice((None, [], "x", 1, {}, [body], True))
    return value, f"body = {_short(value)}"


def _short(value: Any, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else f"{text[:width]}… ({len(text):,} chars)"
