"""The ACLED event type and sub-event type of one proposal, from cues in its text.

PLOVER type and mode say what kind of act a sentence reports; ACLED splits the same
acts by weapon, target and setting (a shelling, an air strike and a clash are all
PLOVER ASSAULT). `code_acled` reads those distinctions from the words of the proposal's
sentence(s) with the ordered rules of `tracker/data/extraction/acled_cues.toml`; the
proposal's PLOVER type gates which rules may apply, and its actors stand in for cue
words (a civilian target). None means no rule fits: the caller then falls back to
`taxonomy.plover_to_acled`, the crosswalk by type and mode alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from tracker.extraction.proposals import ProposedActor
from tracker.vocab import taxonomy

CUES_FILE = ("data", "extraction", "acled_cues.toml")


@dataclass(frozen=True)
class CueRule:
    """One ordered rule: the ACLED pair it gives and the cue groups it needs."""

    name: str
    event_type: str
    sub_event_type: str
    needs: tuple[str, ...]
    excludes: tuple[str, ...]
    types: frozenset[str] | None


@dataclass(frozen=True)
class CueBook:
    """The compiled cue groups, the rules in order, and the types ACLED records."""

    groups: dict[str, re.Pattern[str]]
    rules: tuple[CueRule, ...]
    record_types: frozenset[str]


def _compile_group(name: str, patterns: Sequence[str]) -> re.Pattern[str]:
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"acled_cues.toml: group {name!r}: {error}") from None


def _rule(raw: dict, groups: dict[str, re.Pattern[str]]) -> CueRule:
    name = raw["name"]
    pairs = taxonomy.acled_event_types()
    if raw["sub_event_type"] not in pairs.get(raw["event_type"], ()):
        raise ValueError(f"acled_cues.toml: rule {name!r} names an unknown ACLED pair")
    needs, excludes = tuple(raw["all"]), tuple(raw.get("none", ()))
    unknown = [g for g in needs + excludes if g not in groups and not g.startswith("@")]
    if unknown:
        raise ValueError(
            f"acled_cues.toml: rule {name!r} uses unknown groups {unknown}"
        )
    types = raw.get("types")
    return CueRule(
        name=name,
        event_type=raw["event_type"],
        sub_event_type=raw["sub_event_type"],
        needs=needs,
        excludes=excludes,
        types=frozenset(types) if types is not None else None,
    )


@cache
def cue_book() -> CueBook:
    """The rules of `acled_cues.toml`, compiled once, checked against the crosswalk."""
    path = files("tracker").joinpath(*CUES_FILE)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = {
        name: _compile_group(name, patterns)
        for name, patterns in data["groups"].items()
    }
    rules = tuple(_rule(raw, groups) for raw in data["rules"])
    return CueBook(groups, rules, frozenset(data["gate"]["record_types"]))


def _actor_cues(actors: Sequence[ProposedActor]) -> set[str]:
    """The built-in "@" groups the proposal's actors satisfy."""
    civilian_target = any(a.role == "target" and a.kind == "civilians" for a in actors)
    return {"@civilian_target"} if civilian_target else set()


def matching_rule(
    text: str, event_type: str, actors: Sequence[ProposedActor] = ()
) -> CueRule | None:
    """The first rule whose cues all appear in `text` and none of its exclusions.

    Exposed so the evaluation can say which rule produced a wrong answer."""
    book = cue_book()
    kind = event_type.strip().upper()
    if kind not in book.record_types:
        return None
    actor_cues = _actor_cues(actors)
    seen: dict[str, bool] = {}

    def present(group: str) -> bool:
        if group.startswith("@"):
            return group in actor_cues
        if group not in seen:
            seen[group] = book.groups[group].search(text) is not None
        return seen[group]

    for rule in book.rules:
        if rule.types is not None and kind not in rule.types:
            continue
        if all(present(g) for g in rule.needs) and not any(
            present(g) for g in rule.excludes
        ):
            return rule
    return None


def acled_reading(
    text: str,
    event_type: str,
    mode: str | None,
    actors: Sequence[ProposedActor],
) -> tuple[tuple[str, str] | None, str | None]:
    """The rules' ACLED pair and what gave it: a cue rule's name, "crosswalk TYPE/mode"
    or None. The learned model weighs a rule by how often it was right on the
    training sentences, so it needs to know which one spoke."""
    rule = matching_rule(text, event_type, actors)
    if rule is not None:
        return (rule.event_type, rule.sub_event_type), rule.name
    pair = taxonomy.plover_to_acled(event_type, mode)
    if pair is None:
        return None, None
    return pair, f"crosswalk {event_type.strip().upper()}/{mode or ''}"


def code_acled(
    text: str,
    event_type: str,
    mode: str | None,
    actors: Sequence[ProposedActor],
) -> tuple[str, str] | None:
    """The ACLED (event type, sub-event type) for one proposal, or None.

    `text` is the proposal's sentence(s); `event_type` and `mode` its PLOVER coding.
    Cues decide; the PLOVER type only gates the rules (no ACLED pair for a threat or an
    accusation). When no cue fits, a mode decides through the crosswalk (ASSAULT/aerial
    is an air strike); with no mode either, None: the caller then falls back to
    `taxonomy.plover_to_acled` on the type alone, or leaves the pair empty.
    """
    rule = matching_rule(text, event_type, actors)
    if rule is not None:
        return rule.event_type, rule.sub_event_type
    if mode and event_type.strip().upper() in cue_book().record_types:
        return taxonomy.plover_to_acled(event_type, mode)
    return None
