"""How a PLOVER record's event reads in PLOVER 2.0 terms: type, mode, contexts.

The `event` of a record may be a 2.0 category, an older (0.5b1-0.8) one, or a CAMEO
code as coded-event files write it; `event_coding` maps all three (see the PLOVER
importer's docstring, tracker/formats/plover/read.py, for the decisions) and keeps what
the translation changed as tags, so an analyst sees where a type came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.formats.base import RowProblem
from tracker.vocab import taxonomy

HOST_A_VISIT = "043"  # CAMEO: the actor hosts, so the recipient is the visitor
# 0.5b1 contexts -> 2.0 contexts (the choices of tracker/data/cameo_plover.csv where
# it has them); None: no 2.0 equivalent, kept as a tag.
LEGACY_CONTEXTS: dict[str, str | None] = {
    "refugee": "migration",
    "refugees": "migration",
    "resource": "natural_resource",
    "resources": "natural_resource",
    "rights": "rights_freedoms",
    "political": "political_institutions",
    "politics": "political_institutions",
    "government": "executive",
    "religion": "religion_ethnicity",
    "discrimination": "human_rights",
    "assets": "economic",
    "democracy": "pro_democracy",
    "humanitarian": "human_security",
}


def text_of(value: Any) -> str:
    """A value as stripped text; "" for None, lists and objects."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def as_list(value: Any) -> list[Any]:
    """A value as a list: a list as it is, one value in a list, nothing as []."""
    if isinstance(value, list):
        return value
    return [] if value in (None, "") else [value]


@dataclass(frozen=True)
class Coding:
    """A record's event in PLOVER 2.0 terms, and how it got there."""

    event_type: str
    mode: str | None
    contexts: tuple[str, ...] = ()  # from the CAMEO crosswalk
    tags: tuple[str, ...] = ()  # what the translation changed
    hosted: bool = False  # the actor hosts the recipient: roles swap (2.0 visit)
    note: str | None = None


def event_coding(record: Mapping[str, Any]) -> Coding:
    """The record's first category (a PLOVER name of any version, or a CAMEO code)
    and mode in PLOVER 2.0 terms."""
    categories = [text_of(c) for c in as_list(record.get("event")) if text_of(c)]
    if not categories:
        raise RowProblem("event", None, "is missing: name a PLOVER category")
    modes = [text_of(m) for m in as_list(record.get("mode")) if text_of(m)]
    old_mode = modes[0] if modes else None
    if categories[0].isascii() and categories[0].isdigit():
        return cameo_coding(categories[0], old_mode)
    try:
        try:
            event_type, mode = taxonomy.legacy_to_plover(categories[0], old_mode)
        except ValueError:  # the category may be fine and only the mode unknown
            event_type, mode = taxonomy.legacy_to_plover(categories[0])
    except (KeyError, ValueError) as error:
        raise RowProblem("event", categories[0], str(error.args[0])) from None
    tags = []
    if categories != [event_type]:
        tags += [f"plover:event={category}" for category in categories]
    if old_mode and old_mode != mode:
        tags.append(f"plover:mode={old_mode}")
    hosted = event_type == "CONSULT" and (old_mode or "").lower() == "host"
    return Coding(event_type, mode, tags=tuple(tags), hosted=hosted)


def cameo_coding(code: str, given_mode: str | None) -> Coding:
    """A CAMEO code in `event`, mapped as GDELT's EventCode is (roots 01 and 02
    refused); a mode the record gives wins when it is one of the type's modes."""
    try:
        event_type, mode, context = taxonomy.cameo_event(code)
    except (KeyError, ValueError) as error:
        raise RowProblem("event", code, str(error.args[0])) from None
    root = taxonomy.CAMEO_ROOT_NAMES[code[:2]]
    mapped = f"{event_type}/{mode}" if mode else event_type
    note = f"Coded CAMEO {code} ({root}) in the file; the crosswalk gives {mapped}"
    tags = [f"plover:cameo={code}"]
    if given_mode and taxonomy.is_valid_mode(event_type, given_mode.lower()):
        mode = given_mode.lower()
    elif given_mode:
        tags.append(f"plover:mode={given_mode}")
    return Coding(
        event_type,
        mode,
        contexts=(context,) if context else (),
        tags=tuple(tags),
        hosted=code.startswith(HOST_A_VISIT),
        note=note,
    )


def contexts_of(value: Any) -> tuple[list[str], list[str]]:
    """2.0 contexts, and tags for names that have none."""
    names = value.split(",") if isinstance(value, str) else as_list(value)
    contexts, tags = [], []
    for raw in names:
        name = text_of(raw).lower()
        if not name:
            continue
        mapped = name if name in taxonomy.contexts() else LEGACY_CONTEXTS.get(name)
        if mapped:
            contexts.append(mapped)
        else:
            tags.append(f"plover:context={name}")
    return contexts, tags
