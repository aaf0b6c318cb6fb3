"""The event form's pure half: the draft an analyst typed, and tracker's answer to it.

`record_from_form` reads the form's values and rows into an event record (a `Draft`,
which remembers the form row of each actor, source and link); `form_from_record`
fills the form from a stored event. `place_problems` puts each problem tracker finds
in a draft next to the field it is about, in words a person can act on (`Messages`).
No Dash callbacks or layout: the page `dashboard.pages.event_form` holds those."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dashboard.components import event_form_fields as fields
from tracker.errors import Problem
from tracker.models import ActorRole, EventRecord
from tracker.vocab import taxonomy

# A new event starts with the two roles most reports name, and one source.
NEW_ACTORS = [{"role": ActorRole.INITIATOR.value}, {"role": ActorRole.TARGET.value}]
NEW_SOURCES = [{}]
NEW_LINKS: list[dict[str, Any]] = []
LOCATION_PARTS = {
    "name": "location",
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "latitude": "latitude",
    "longitude": "longitude",
    "geo_precision": "geo_precision",
}
# Names of fields inside tracker's messages, in the words of the form.
FIELD_WORDS = {
    "date_end": "the end date",
    "date_start": "the start date",
    "civilians_killed": "civilians killed",
    "children_killed": "children killed",
    "acled_event_type": "the ACLED type",
    "acled_sub_event_type": "the ACLED sub-type",
}


# --- From the form to a record, and back ----------------------------------------------


@dataclass
class Draft:
    """An event read from the form, and the form row of each actor, source and link."""

    record: dict[str, Any]
    actor_rows: list[int] = field(default_factory=list)
    source_rows: list[int] = field(default_factory=list)
    link_rows: list[int] = field(default_factory=list)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() or None
    return value if value != [] else None


def _present(mapping: dict[str, Any]) -> dict[str, Any]:
    """The entries that hold something: the model's defaults and "required" apply."""
    return {k: v for k, v in mapping.items() if v is not None}


def record_from_form(
    values: dict[str, Any],
    actors: list[dict[str, Any]],
    sources: list[dict[str, Any]],
    kept: dict[str, Any] | None = None,
    links: list[dict[str, Any]] | None = None,
) -> Draft:
    """The event record the form describes; blank fields and blank rows are left out.

    Tags are typed as words separated by commas. A blank ACLED pair follows the
    PLOVER type and mode when they differ from `kept`'s (the stored event's: on Add,
    none), so an edit that leaves all three alone keeps an event without a pair."""
    v = {key: _clean(value) for key, value in values.items()}
    kept = kept or {}
    draft = Draft(
        _present(
            {
                "title": v.get("title"),
                "event_type": v.get("event_type"),
                "mode": v.get("mode"),
                "contexts": v.get("contexts"),
                "notes": v.get("notes"),
                "date_start": v.get("date_start"),
                "date_end": v.get("date_end"),
                "date_precision": v.get("date_precision"),
                "civilians_killed": v.get("civilians_killed"),
                "children_killed": v.get("children_killed"),
                "injured": v.get("injured"),
                "status": v.get("status"),
                "confidence": v.get("confidence"),
                "acled_event_type": v.get("acled_event_type"),
                "acled_sub_event_type": v.get("acled_sub_event_type"),
                "tags": tags_in(v.get("tags")),
            }
        )
    )
    place = _present({part: v.get(key) for part, key in LOCATION_PARTS.items()})
    if set(place) - {"geo_precision"}:
        draft.record["location"] = place
    draft.record["fatalities"] = _present(
        {n: v.get(f"fatalities_{n}") for n in ("low", "best", "high")}
    )
    if not {"acled_event_type", "acled_sub_event_type"} & set(draft.record):
        draft.record.update(_acled_pair(v.get("event_type"), v.get("mode"), kept))
    for index, actor in enumerate(actors):
        if _clean(actor.get("name")) is not None:
            draft.actor_rows.append(index)
            actor_record = {k: _clean(actor.get(k)) for k in ("name", "role")}
            draft.record.setdefault("actors", []).append(_present(actor_record))
    for index, source in enumerate(sources):
        cleaned = _present({k: _clean(source.get(k)) for k in fields.SOURCE_PARTS})
        if cleaned:
            draft.source_rows.append(index)
            draft.record.setdefault("sources", []).append(cleaned)
    for index, link in enumerate(links or []):
        cleaned = _present({k: _clean(link.get(k)) for k in fields.LINK_PARTS})
        if cleaned:
            draft.link_rows.append(index)
            draft.record.setdefault("links", []).append(cleaned)
    return draft


def tags_in(text: Any) -> list[str] | None:
    """The tags typed as words separated by commas, in order, each once."""
    if not isinstance(text, str):
        return None
    words = (word.strip() for word in text.split(fields.TAG_SEPARATOR))
    return list(dict.fromkeys(word for word in words if word)) or None


def _acled_pair(event_type: str | None, mode: str | None, kept: dict) -> dict:
    """For a blank ACLED pair: none if type and mode are unchanged, else derived."""
    if (event_type, mode) == (kept.get("event_type"), kept.get("mode")):
        pair = (None, None)
    elif event_type in taxonomy.event_types() and taxonomy.is_valid_mode(
        event_type, mode
    ):
        pair = taxonomy.plover_to_acled(event_type, mode) or (None, None)
    else:
        pair = (None, None)
    return _present(
        dict(zip(("acled_event_type", "acled_sub_event_type"), pair, strict=True))
    )


def form_from_record(record: EventRecord) -> dict[str, Any]:
    """The form's contents for an existing event: values, actors, sources and kept."""
    place = record.location or {}
    values = {
        **record.model_dump(include={f.key for f in fields.FIELDS}),
        **{key: place.get(part) for part, key in LOCATION_PARTS.items()},
        **{
            f"fatalities_{n}": record.fatalities.get(n) for n in ("low", "best", "high")
        },
    }
    values = {
        k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()
    }
    values["tags"] = f"{fields.TAG_SEPARATOR} ".join(record.tags)
    sources = [
        {k: s[k].isoformat() if isinstance(s[k], dt.date) else s[k] for k in s}
        for s in record.sources
    ]
    kept = record.model_dump(include={"event_type", "mode"})
    return {
        "values": values,
        "actors": [{"name": a["name"], "role": a["role"]} for a in record.actors]
        or NEW_ACTORS[:1],
        "sources": sources or NEW_SOURCES,
        "links": [{"relation": x["relation"], "id": x["id"]} for x in record.links],
        "kept": kept,
        "figures_flag": record.figures_flag,
    }


# --- From tracker's problems to messages next to the fields ---------------------------


@dataclass
class Messages:
    """Where each problem shows: by field key, by actor, source or link row, and on
    top."""

    summary: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    actors: dict[int, str] = field(default_factory=dict)
    sources: dict[int, str] = field(default_factory=dict)
    links: dict[int, str] = field(default_factory=dict)


# The rows a problem can be about: (where, its word, its parts).
ROW_KINDS = {
    "actors": ("Actor", fields.ACTOR_PARTS),
    "sources": ("Source", fields.SOURCE_PARTS),
    "links": ("Link", fields.LINK_PARTS),
}


def friendly_reason(reason: str) -> str:
    """A pydantic or tracker reason, in words a person can act on."""
    # (pydantic's start, our words, keep the rest: "... to 90" yes, parser details no)
    rewrites = [
        ("Field required", "is required", False),
        (
            "acled_event_type and acled_sub_event_type go together",
            "choose both the ACLED type and its sub-type, or neither",
            False,
        ),
        ("a link needs the target's id", "choose the event it links to", False),
        ("String should have at least 1 character", "is required", False),
        (
            "Input should be a valid date",
            f"must be a date written {fields.DATE_HINT}",
            False,
        ),
        ("Input should be a valid number", "must be a number", False),
        ("Input should be a valid integer", "must be a whole number", False),
        ("Input should be less than or equal to", "must be at most", True),
        ("Input should be greater than or equal to", "must be at least", True),
        ("Input should be", "must be", True),
    ]
    for start, words, keep_rest in rewrites:
        if reason.startswith(start):
            reason = words + (reason.removeprefix(start) if keep_rest else "")
            break
    for name, words in FIELD_WORDS.items():
        reason = reason.replace(name, words)
    return reason


def place_problems(problems: list[Problem], draft: Draft) -> Messages:
    """Put each problem next to the field it is about; all of them in the summary."""
    messages = Messages()
    for problem in problems:
        reason = friendly_reason(problem.reason)
        where, row, part = _locate(problem.field.split("."), problem.reason, draft)
        if where in ROW_KINDS:
            kind, parts = ROW_KINDS[where]
            text = f"{parts[part][0] if part in parts else kind}: {reason}"
            _add(getattr(messages, where), row, text)
            messages.summary.append(f"{kind} {row + 1}, {text}")
            continue
        label = fields.FIELD_BY_KEY[where].label if where else problem.field
        text = f"{label}: {reason}"
        if where and problem.reason.startswith(f"{where} "):  # "date_end (...) must..."
            text = f"{label} {friendly_reason(problem.reason.split(' ', 1)[1])}"
        if where:
            _add(messages.fields, where, text)
        messages.summary.append(text)
    return messages


def _add(messages: dict, where: Any, text: str) -> None:
    messages[where] = "; ".join(filter(None, [messages.get(where), text]))


def _locate(path: list[str], reason: str, draft: Draft) -> tuple[str | None, int, Any]:
    """Where a problem shows: ("actors", "sources" or "links", row, part) for a row's
    problem, else (the field's key, or None for the summary only, 0, None)."""
    head, rest = path[0], path[1:]
    if head in ROW_KINDS and rest and rest[0].isdigit():
        rows = {
            "actors": draft.actor_rows,
            "sources": draft.source_rows,
            "links": draft.link_rows,
        }[head]
        if int(rest[0]) < len(rows):
            part = rest[1] if len(rest) > 1 else None
            if head == "links" and part is None:  # a whole link's rules: its event
                part = "id"
            return head, rows[int(rest[0])], part
    if head == "sources":  # none given at all: the first source row says so
        return "sources", 0, None
    if head == "location":  # without a part: the coordinates-in-pairs rule
        return LOCATION_PARTS.get(rest[0] if rest else "latitude"), 0, None
    if head == "fatalities":
        key = f"fatalities_{rest[0] if rest else reason.split(' ', 1)[0]}"
        return (key if key in fields.FIELD_BY_KEY else "fatalities_best"), 0, None
    if head == "tags":  # "tags.2": one of the words
        return "tags", 0, None
    if head == "record":  # a rule across fields names its first field
        head = reason.split(" ", 1)[0]
    return (head if head in fields.FIELD_BY_KEY else None), 0, None
