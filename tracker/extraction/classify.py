"""Which events a sentence reports: trigger words, their clauses, and what changes them.

Rules, not a model: `tracker/data/extraction/triggers.toml` lists trigger patterns per
PLOVER type, mode cues, and markers. A trigger proposes an event; a verbal trigger
("accused", "proposed") makes the later triggers of its clause its content instead of
events of their own; negation, failure and hedges cancel a trigger; a future or a
hypothetical turns cooperation into AGREE (PLOVER codes a promise when it is made) and
force into THREATEN.

One idea, kept whole at the usual 400 lines: the trigger rules of one clause, which
cancel and modify each other.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from tracker.extraction.sentences import Token

MAX_GAP = 4
REFERENCE_WINDOW = 3
# "," never ends a clause before a participle: ", killing 14", ", demanding reforms".
_NO_GAP_THROUGH = frozenset({".", ",", ";", ":", "(", ")", "—", "–"})
COOPERATION = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
)
FORCE = frozenset({"ASSAULT", "SANCTION", "COERCE", "MOBILIZE", "PROTEST"})
# Material types take their mode from anything in the sentence; verbal types from
# their own clause onward (the content of the demand, the threat).
MATERIAL = FORCE | {"COOPERATE", "AID", "RETREAT"}

MONTHS_THAT_ARE_WORDS = frozenset({"March", "May"})
# What protesters say in the same sentence is the protest's content, not an event.
PROTESTERS_SAY = frozenset({"REQUEST", "SUPPORT", "ACCUSE", "REJECT", "AGREE"})
Element = frozenset[str] | None  # None: skip up to MAX_GAP tokens


@dataclass(frozen=True)
class Pattern:
    """A compiled trigger pattern: word alternatives and gaps."""

    elements: tuple[Element, ...]

    @property
    def size(self) -> int:
        """How many words (not gaps) the pattern has: longer patterns win."""
        return sum(1 for e in self.elements if e is not None)


@dataclass(frozen=True)
class Trigger:
    """One trigger found in a sentence: token positions [first, last)."""

    event_type: str
    mode: str | None
    first: int
    last: int
    size: int


@dataclass(frozen=True)
class Candidate:
    """An event a sentence proposes, before actors, date and place are attached."""

    event_type: str
    mode: str | None
    first: int  # the trigger's token positions
    last: int
    clause_end: int  # where the trigger's clause (and its content) ends
    transformed: bool = False  # changed by a future/hypothetical marker
    model_only: bool = False  # no trigger: proposed by the learned ACLED model


_IZE_SUFFIXES = (
    "ze",
    "zed",
    "zes",
    "zing",
    "zation",
    "se",
    "sed",
    "ses",
    "sing",
    "sation",
)


def inflections(word: str) -> set[str]:
    """The regular English inflections of `word` (over-generation is harmless)."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    forms.add(word + "ion")
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "ion"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) > 2 and word[-1] not in "aeiouwy":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
        # A stem cut before a final e or y: "provid+" -> provide, "den+" -> deny.
        forms |= {word + "e", word + "y", word + "ies", word + "ied"}
    if word.endswith("i"):  # "apologi+", "recogni+": -ize and -ise verbs
        forms |= {word + s for s in _IZE_SUFFIXES}
    return forms


def compile_pattern(text: str) -> Pattern:
    """'launch+ * attack|strike' -> a Pattern of word sets and gaps."""
    elements: list[Element] = []
    # spaCy splits "cease-fire" into "cease", "-", "fire"; so does the pattern.
    words = [w if "|" in w else w.replace("-", " - ") for w in text.split()]
    for word in " ".join(words).split():
        if word == "*":
            elements.append(None)
            continue
        forms: set[str] = set()
        for choice in word.split("|"):
            forms |= inflections(choice[:-1]) if choice.endswith("+") else {choice}
        elements.append(frozenset(forms))
    return Pattern(tuple(elements))


def _match(pattern: Pattern, lowers: Sequence[str], at: int, k: int = 0) -> int | None:
    """The end position of `pattern` matched from token `at`, or None."""
    if k == len(pattern.elements):
        return at
    element = pattern.elements[k]
    if element is None:
        for skip in range(MAX_GAP + 1):
            if at + skip > len(lowers):
                return None
            if skip and lowers[at + skip - 1] in _NO_GAP_THROUGH:
                return None
            end = _match(pattern, lowers, at + skip, k + 1)
            if end is not None:
                return end
        return None
    if at < len(lowers) and lowers[at] in element:
        return _match(pattern, lowers, at + 1, k + 1)
    return None


@dataclass(frozen=True)
class Rules:
    """triggers.toml, compiled."""

    triggers: tuple[tuple[str, str | None, tuple[Pattern, ...]], ...]
    modes: tuple[tuple[str, str, tuple[Pattern, ...]], ...]
    markers: dict[str, tuple[Pattern, ...]]
    window: int
    governing: frozenset[str]
    boundaries: frozenset[str]
    threat_modes: dict[str, str]
    contexts: dict[str, tuple[Pattern, ...]]
    titles: dict[str, list[str]]
    speech: tuple[Pattern, ...]
    unnamed: frozenset[str]
    trailing: tuple[str, ...]


def _patterns(texts: Sequence[str]) -> tuple[Pattern, ...]:
    return tuple(compile_pattern(t) for t in texts)


@cache
def rules() -> Rules:
    """The compiled rules of triggers.toml (read once)."""
    path = files("tracker") / "data" / "extraction" / "triggers.toml"
    data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    markers = dict(data["markers"])
    window = int(markers.pop("window"))
    return Rules(
        triggers=tuple(
            (t["type"], t.get("mode"), _patterns(t["patterns"]))
            for t in data["triggers"]
        ),
        modes=tuple(
            (m["type"], m["mode"], _patterns(m["cues"])) for m in data["modes"]
        ),
        markers={name: _patterns(words) for name, words in markers.items()},
        window=window,
        governing=frozenset(data["governing"]["types"]),
        boundaries=frozenset(data["boundaries"]["tokens"]),
        threat_modes=dict(data["threat_modes"]),
        contexts={k: _patterns(v) for k, v in data["contexts"].items()},
        titles=dict(data["titles"]),
        speech=_patterns(data["attribution"]["speech"]),
        unnamed=frozenset(data["attribution"]["unnamed"]),
        trailing=tuple(data["trailing"]["headings"]),
    )


def find_pattern(
    patterns: Sequence[Pattern],
    lowers: Sequence[str],
    start: int = 0,
    end: int | None = None,
) -> tuple[int, int] | None:
    """The first (start, end) where one of `patterns` matches inside [start, end)."""
    stop = len(lowers) if end is None else end
    for i in range(start, stop):
        for pattern in patterns:
            found = _match(pattern, lowers[:stop], i)
            if found is not None:
                return i, found
    return None


def find_triggers(lowers: Sequence[str]) -> list[Trigger]:
    """Every trigger of the sentence; of overlapping ones the longest is kept."""
    found: list[Trigger] = []
    for i in range(len(lowers)):
        for event_type, mode, patterns in rules().triggers:
            for pattern in patterns:
                end = _match(pattern, lowers, i)
                if end is not None:
                    found.append(Trigger(event_type, mode, i, end, pattern.size))
    found.sort(key=lambda t: (-t.size, -(t.last - t.first), t.first))
    kept: list[Trigger] = []
    for trigger in found:
        if all(trigger.last <= k.first or trigger.first >= k.last for k in kept):
            kept.append(trigger)
    return sorted(kept, key=lambda t: t.first)


def clause_starts(lowers: Sequence[str]) -> list[int]:
    """Token positions where a clause starts (the first is 0)."""
    starts = [0]
    boundaries = rules().boundaries
    for i, word in enumerate(lowers):
        if word not in boundaries:
            continue
        following = lowers[i + 1] if i + 1 < len(lowers) else ""
        if word == "," and following.endswith("ing"):
            continue
        starts.append(i if word != "," else i + 1)
    return sorted(set(starts))


def _clause_of(position: int, starts: Sequence[int], size: int) -> tuple[int, int]:
    start = max(s for s in starts if s <= position)
    later = [s for s in starts if s > position]
    return start, later[0] if later else size


def is_descriptive(lowers: Sequence[str], clause_start: int) -> bool:
    """A ", who ..." clause describes a person; what it tells is background."""
    return (
        0 < clause_start < len(lowers)
        and lowers[clause_start] in ("who", "whom")
        and lowers[clause_start - 1] == ","
    )


def _marker(name: str, lowers: Sequence[str], lo: int, hi: int) -> bool:
    return find_pattern(rules().markers[name], lowers, max(lo, 0), hi) is not None


def _apply_markers(
    trigger: Trigger, lowers: Sequence[str], clause: tuple[int, int]
) -> tuple[str, str | None, bool] | None:
    """The trigger's type and mode after the markers before it, or None to drop it."""
    lo = max(clause[0], trigger.first - rules().window)
    kind, mode = trigger.event_type, trigger.mode
    if _marker("hedge", lowers, clause[0], trigger.first) or _marker(
        "irrealis", lowers, lo, trigger.first
    ):
        return None
    if _marker("reference", lowers, trigger.first - REFERENCE_WINDOW, trigger.first):
        return None
    if _marker("failure", lowers, lo, trigger.first):
        return None
    if _marker("negation", lowers, lo, trigger.first):
        return ("REJECT", None, True) if kind in COOPERATION else None
    future = _marker("future", lowers, lo, trigger.first)
    hypothetical = _marker("hypothetical", lowers, lo, trigger.first)
    if (future or hypothetical) and kind in FORCE:
        return "THREATEN", rules().threat_modes.get(kind), True
    if future and kind in COOPERATION - {"AGREE"}:
        return "AGREE", None, True
    if hypothetical and kind in COOPERATION:
        return None
    return kind, mode, False


def classify_sentence(tokens: Sequence[Token]) -> list[Candidate]:
    """The events one sentence proposes, in text order (same type not yet merged)."""
    lowers = [_word(t) for t in tokens]
    starts = clause_starts(lowers)
    governed_until = -1
    protest = False
    candidates: list[Candidate] = []
    for trigger in find_triggers(lowers):
        clause = _clause_of(trigger.last - 1, starts, len(lowers))
        if is_descriptive(lowers, clause[0]) or trigger.last - 1 < governed_until:
            continue
        if in_name(tokens, trigger.first, trigger.last):
            continue  # "Amnesty International", "Emergency Relief Coordinator"
        if protest and trigger.event_type in PROTESTERS_SAY:
            # "rallied in Tours, calling for ..." is what the protest wants, and so is
            # what the call is for ("demanding the release of ...").
            if trigger.event_type in rules().governing:
                governed_until = clause[1]
            continue
        protest = protest or trigger.event_type == "PROTEST"
        if trigger.event_type in rules().governing:
            governed_until = clause[1]
        changed = _apply_markers(trigger, lowers, clause)
        if changed is None:
            continue
        kind, mode, transformed = changed
        candidates.append(
            Candidate(kind, mode, trigger.first, trigger.last, clause[1], transformed)
        )
    return candidates


def _capital(token: Token) -> bool:
    return token.text[:1].isupper()


def in_name(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether tokens [first, last) are words of a capitalised name ("Asia-Pacific
    Economic Cooperation", "Development and Cooperation") in a sentence-case sentence;
    a title-case headline capitalises its verbs too, so it is left alone."""
    words = [t for t in tokens if t.text[:1].isalpha()]
    if not words or sum(map(_capital, words)) * 2 > len(words):
        return False
    if not all(_capital(t) for t in tokens[first:last]):
        return False
    before = first - 1
    if before > 0 and tokens[before].lower in _NAME_LINKS:
        before -= 1
    after = last
    if after < len(tokens) - 1 and tokens[after].lower in _NAME_LINKS:
        after += 1
    return (before >= 0 and first > 0 and _capital(tokens[before])) or (
        after < len(tokens) and _capital(tokens[after])
    )


_NAME_LINKS = frozenset({"and", "of", "for", "&"})


def _word(token: Token) -> str:
    """The lower-case form, except that "March" and "May" mid-sentence are months."""
    if token.text in MONTHS_THAT_ARE_WORDS:
        return "<month>"
    return token.lower


def find_mode(candidate: Candidate, lowers: Sequence[str]) -> str | None:
    """The candidate's mode: its trigger's, else the first cue of [[modes]] found."""
    if candidate.mode:
        return candidate.mode
    # Material events: their own clause first, then the whole sentence.
    ranges = [(0, candidate.clause_end), (0, len(lowers))]
    if candidate.event_type not in MATERIAL:
        ranges = [(candidate.first, candidate.clause_end)]
    for lo, hi in ranges:
        for event_type, mode, cues in rules().modes:
            if event_type == candidate.event_type and find_pattern(
                cues, lowers, lo, hi
            ):
                return mode
    return None


def find_contexts(lowers: Sequence[str]) -> list[str]:
    """PLOVER contexts whose cue words the sentence uses."""
    return [
        name
        for name, cues in rules().contexts.items()
        if find_pattern(cues, lowers) is not None
    ]


def find_attribution(tokens: Sequence[Token]) -> str | None:
    """Who the sentence says the claim comes from: "according to X", ", X said"."""
    lowers = [t.lower for t in tokens]
    for i in range(len(lowers) - 1):
        if lowers[i] == "according" and lowers[i + 1] == "to":
            end = i + 2
            while end < len(lowers) and lowers[end] not in _NO_GAP_THROUGH:
                end += 1
            return _text(tokens, i + 2, end)
    for i, word in enumerate(lowers):
        if word not in ("said", "says", "told", "reported", "announced", "indicate"):
            continue
        if word == "indicate" and i > 0:
            return _text(tokens, max(0, i - 1), i)
        # ", officials said" at the end; a speaker at the start is the actor itself.
        commas = [j for j in range(i) if lowers[j] == ","]
        if commas and i - commas[-1] <= 8 and i > len(lowers) // 2:
            return _text(tokens, commas[-1] + 1, i)
    return None


def is_unnamed(speaker: str) -> bool:
    """An attribution to unnamed sources ("sources", "officials", "media reports")."""
    words = speaker.lower().split()
    return bool(words) and words[-1] in rules().unnamed


def _text(tokens: Sequence[Token], first: int, last: int) -> str:
    if first >= last:
        return ""
    return " ".join(t.text for t in tokens[first:last])
