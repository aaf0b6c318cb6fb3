"""PLOVER 2.0 event types, modes, scores and contexts; ACLED and CAMEO crosswalks.

The vocabularies are data files in ``tracker/data`` (``plover.toml``,
``acled_plover.csv``, ``cameo_plover.csv``), each opening with a comment on its schema
and sources. They are read on first use and cached: importing this module does no I/O.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

# The tag an event carries when the violence targeted civilians (ACLED's
# civilian_targeting column; an analyst may set it on any event).
CIVILIANS_TARGETED_TAG = "civilians targeted"


@dataclass(frozen=True)
class Mode:
    """A PLOVER mode (the "how" of an event) with its conflict-cooperation score."""

    name: str
    description: str
    score: float


@dataclass(frozen=True)
class PloverType:
    """A PLOVER event type with its quad class, score and modes."""

    name: str
    quad_class: int
    score: float
    description: str
    recipient_required: bool
    modes: tuple[Mode, ...]


def _read_data(name: str) -> str:
    return (files("tracker") / "data" / name).read_text(encoding="utf-8")


def _read_csv(name: str) -> list[dict[str, str]]:
    lines = [line for line in _read_data(name).splitlines() if not line.startswith("#")]
    return [
        {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)
    ]


@cache
def _vocabulary() -> dict[str, Any]:
    return tomllib.loads(_read_data("plover.toml"))


@cache
def _types() -> dict[str, PloverType]:
    types = {}
    for raw in _vocabulary()["types"]:
        modes = tuple(
            Mode(m["name"], m["description"], float(m.get("score", raw["score"])))
            for m in raw.get("modes", [])
        )
        types[raw["name"]] = PloverType(
            name=raw["name"],
            quad_class=raw["quad_class"],
            score=float(raw["score"]),
            description=raw["description"],
            recipient_required=raw["recipient_required"],
            modes=modes,
        )
    return types


def _quad(quad: int) -> dict[str, Any]:
    for entry in _vocabulary()["quad_classes"]:
        if entry["number"] == quad:
            return entry
    raise KeyError(f"unknown quad class {quad!r}; expected 1, 2, 3 or 4")


def quad_class_label(quad: int) -> str:
    """Return the label of a quad class, e.g. 4 -> "Material conflict"."""
    return _quad(quad)["label"]


def quad_class_key(quad: int) -> str:
    """Return the snake_case key of a quad class, e.g. 4 -> "material_conflict"."""
    return _quad(quad)["key"]


def event_types() -> tuple[str, ...]:
    """Return the 16 PLOVER 2.0 event type names in the manual's order."""
    return tuple(_types())


def plover_type(name: str) -> PloverType:
    """Return the PLOVER type called ``name``; raise KeyError if there is none."""
    try:
        return _types()[name]
    except KeyError:
        known = ", ".join(_types())
        raise KeyError(
            f"unknown PLOVER event type {name!r}; expected one of {known}"
        ) from None


def modes_for(event_type: str) -> tuple[str, ...]:
    """Return the names of the modes the manual defines for ``event_type``."""
    return tuple(mode.name for mode in plover_type(event_type).modes)


def is_valid_mode(event_type: str, mode: str | None) -> bool:
    """Say whether ``mode`` is a mode of ``event_type``; None is always valid."""
    return mode is None or mode in modes_for(event_type)


def quad_class(event_type: str) -> int:
    """Return the quad class (1-4) of ``event_type``."""
    return plover_type(event_type).quad_class


def score(event_type: str, mode: str | None = None) -> float:
    """Return the conflict-cooperation score: the mode's if known, else the type's."""
    kind = plover_type(event_type)
    for candidate in kind.modes:
        if candidate.name == mode:
            return candidate.score
    return kind.score


@cache
def contexts() -> tuple[str, ...]:
    """Return the names of the PLOVER 2.0 general contexts, in the manual's order."""
    return tuple(entry["name"] for entry in _vocabulary()["contexts"])


def _optional(value: str) -> str | None:
    return value or None


@cache
def _acled_rows() -> list[dict[str, str]]:
    return _read_csv("acled_plover.csv")


@cache
def acled_event_types() -> dict[str, tuple[str, ...]]:
    """Return the 6 ACLED event types, each with its sub-event types, in ACLED order."""
    result: dict[str, list[str]] = {}
    for row in _acled_rows():
        if row["direction"] != "plover_to_acled":
            result.setdefault(row["acled_event_type"], []).append(
                row["acled_sub_event_type"]
            )
    return {event_type: tuple(subs) for event_type, subs in result.items()}


@cache
def _acled_forward() -> dict[tuple[str, str], tuple[str, str | None]]:
    return {
        (r["acled_event_type"].casefold(), r["acled_sub_event_type"].casefold()): (
            r["plover_type"],
            _optional(r["plover_mode"]),
        )
        for r in _acled_rows()
        if r["direction"] != "plover_to_acled"
    }


@cache
def _acled_backward() -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (r["plover_type"], r["plover_mode"]): (
            r["acled_event_type"],
            r["acled_sub_event_type"],
        )
        for r in _acled_rows()
        if r["direction"] != "acled_to_plover"
    }


def acled_to_plover(event_type: str, sub_event_type: str) -> tuple[str, str | None]:
    """Map an ACLED event type and sub-event type to a PLOVER (type, mode).

    Matching ignores case and surrounding whitespace; an unknown pair raises KeyError.
    """
    key = (event_type.strip().casefold(), sub_event_type.strip().casefold())
    try:
        return _acled_forward()[key]
    except KeyError:
        wanted = event_type.strip().casefold()
        subs = next(
            (v for k, v in acled_event_types().items() if k.casefold() == wanted), ()
        )
        hint = f"; its sub-event types: {', '.join(subs)}" if subs else ""
        raise KeyError(
            f"unknown ACLED pair {event_type!r} / {sub_event_type!r}{hint}; "
            f"event types: {', '.join(acled_event_types())}"
        ) from None


def plover_to_acled(event_type: str, mode: str | None) -> tuple[str, str] | None:
    """Return the ACLED (event type, sub-event type) that would record a PLOVER event.

    The exact type and mode are tried first, then the type without a mode. None means
    ACLED would not record the event (e.g. THREATEN, ACCUSE, CONCEDE).
    """
    name = plover_type(event_type.strip().upper()).name
    backward = _acled_backward()
    exact = backward.get((name, (mode or "").strip().lower()))
    return exact or backward.get((name, ""))


@cache
def _cameo_table() -> dict[str, tuple[str, str | None, str | None] | None]:
    return {
        r["cameo_code"]: (
            (
                r["plover_type"],
                _optional(r["plover_mode"]),
                _optional(r["plover_context"]),
            )
            if r["plover_type"]
            else None
        )
        for r in _read_csv("cameo_plover.csv")
    }


def cameo_to_plover(code: str) -> tuple[str, str | None, str | None] | None:
    """Map a CAMEO event code to PLOVER (type, mode, context) by longest prefix.

    Returns None for codes PLOVER dropped (roots 01 and 02). Raises ValueError for a
    code that is not all digits and KeyError for a code with no matching root.
    """
    cleaned = code.strip()
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise ValueError(f"CAMEO code must be digits, got {code!r}")
    table = _cameo_table()
    for length in range(len(cleaned), 1, -1):
        if cleaned[:length] in table:
            return table[cleaned[:length]]
    raise KeyError(
        f"unknown CAMEO code {code!r}: roots run 01-20 and codes keep their leading "
        "zeros ('0841', not '841')"
    )


# CAMEO root codes and their names (formats.md 3.3), for titles and refusals.
CAMEO_ROOT_NAMES = {
    "01": "make public statement",
    "02": "appeal",
    "03": "express intent to cooperate",
    "04": "consult",
    "05": "engage in diplomatic cooperation",
    "06": "engage in material cooperation",
    "07": "provide aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threaten",
    "14": "protest",
    "15": "exhibit force posture",
    "16": "reduce relations",
    "17": "coerce",
    "18": "assault",
    "19": "fight",
    "20": "use unconventional mass violence",
}


def cameo_event(code: str) -> tuple[str, str | None, str | None]:
    """Map a CAMEO code to PLOVER (type, mode, context) for an importer.

    The one CAMEO mapping of the GDELT and PLOVER importers: `cameo_to_plover`, but a
    code of roots 01 or 02 raises ValueError saying why it has no PLOVER type (the
    decision of issue 17: statements and appeals are refused, not imported as
    something else). Raises ValueError or KeyError, as `cameo_to_plover`, otherwise.
    """
    mapped = cameo_to_plover(code)
    if mapped is None:
        root = code.strip()[:2]
        raise ValueError(
            f"CAMEO root {root} ({CAMEO_ROOT_NAMES[root]}) has no PLOVER 2.0 event "
            "type: statements and appeals are not events to import"
        )
    return mapped


def legacy_to_plover(category: str, mode: str | None = None) -> tuple[str, str | None]:
    """Map an older PLOVER (0.5b1-0.8) category, and optionally its mode, to 2.0.

    2.0 names pass through unchanged. Renamed 0.5b1 modes (e.g. PROTEST strike-hun) are
    translated; a mode still unknown in 2.0 raises ValueError, as does CRIME, which
    has no 2.0 type. An unknown category raises KeyError.
    """
    name = category.strip().upper()
    old_mode = (mode or "").strip().lower()
    renamed = _vocabulary()["legacy_modes"].get(f"{name}.{old_mode}")
    if renamed is not None:
        return renamed["type"], _optional(renamed["mode"])
    legacy = _vocabulary()["legacy"].get(name)
    if legacy is not None and not legacy["type"]:
        raise ValueError(
            f"PLOVER category {name} has no 2.0 equivalent: {legacy['note']}"
        )
    if legacy is not None:
        new_type, new_mode = legacy["type"], _optional(legacy["mode"])
    else:
        new_type, new_mode = plover_type(name).name, None
    if old_mode and old_mode != new_mode:
        if not is_valid_mode(new_type, old_mode):
            raise ValueError(
                f"mode {old_mode!r} of {name} has no PLOVER 2.0 equivalent"
            )
        new_mode = old_mode
    return new_type, new_mode
