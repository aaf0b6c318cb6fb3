"""Casualty counts in a sentence: killed, injured, and how many of the dead were
civilians or children.

Counts are read next to the words that make them casualties: a subject before "were
killed" / "died", an object after "killing" / "shot dead", a noun like "fatalities". A
number elsewhere ("14 drones", "in 2022", "a 3-year-old conflict", "Su-34") counts for
nothing. Groups joined by "and" add up ("killed 2 soldiers and 3 civilians" is 5);
a group after "including" is part of the one before it, not more dead.

Qualifiers: "at least N" and "more than N" / "over N" read as N at least (reporters
round down, and ACLED codes "more than twenty" as 20); "about", "some", "nearly" as
about; "up to", "as many as" as up to. Vague counts ("dozens", "several", "an unknown
number") give no number: `killed` stays None but `phrase` shows where the deaths were
mentioned. Explicit denials ("no casualties", "no one was killed", "no injuries were
reported") give 0.

ACLED notes close with the count they code ("2 fatalities.", "Fatalities: 3", "coded
as 10", "3 fatalities coded to this event"); that coded figure wins over the narrative,
which it restates; "split across two events" divides a narrated total.

One idea, kept whole past the usual 400 lines: reading a casualty figure, whose
rules (ranges, "at least", who was hit, coded totals) decide together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from tracker.extraction.numbers import NUMBER_PATTERN, parse_number

Qualifier = Literal["exact", "at_least", "about", "up_to"]


@dataclass(frozen=True)
class Casualties:
    """The casualty figures one sentence gives; None where it gives none."""

    killed: int | None = None
    killed_qualifier: Qualifier | None = None
    injured: int | None = None
    civilians_killed: int | None = None
    children_killed: int | None = None
    phrase: str | None = None  # the words the death count came from
    offset: int = -1


_QUALIFIERS: dict[str, Qualifier] = {
    "at least": "at_least",
    "more than": "at_least",
    "over": "at_least",
    "upwards of": "at_least",
    "about": "about",
    "around": "about",
    "approximately": "about",
    "roughly": "about",
    "nearly": "about",
    "almost": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "close to": "about",
    "circa": "about",
    "up to": "up_to",
    "as many as": "up_to",
    "at most": "up_to",
}
_QUAL = r"(?:(?P<q>" + "|".join(q.replace(" ", r"\s+") for q in _QUALIFIERS) + r")\s+)?"
# A number standing alone: not part of "3-year-old", "Su-34", "1.5" or a year. A range
# ("2-3", "8 - 14", "two to three") counts its lower end, at least. Pronouns and "the"
# before a singular noun count one person ("He was killed", "the owner was killed").
_NUMBER = rf"(?!(?:19|20)\d\d\b)(?:{NUMBER_PATTERN})"
_NUM = (
    rf"(?P<n>(?<![\w.,-])(?<!no\s){_NUMBER}(?:(?<=\d)\s*[-–]\s*\d+|\s+to\s+{_NUMBER})?"
    r"(?![\w-]|[.,]\d)"
    r"|(?<!\w)(?:he|she|him|her|both|the)\b)"
)
# Words that end a group noun phrase: verbs, conjunctions, prepositions.
_STOP = (
    r"(?:were|was|is|are|have|has|had|been|be|being|got|and|or|but|as|in|on|at|by|"
    r"of|from|to|with|during|after|while|when|who|which|that|killed|killing|dead|died|"
    r"injured|wounded|hurt|including|among|others?|also|reportedly|all|both|later|"
    r"the|a|an|shot|stabbed|beaten|than|into|near|for|per|then|their|his|her|him|"
    r"(?!family|elderly)\w+ly|wounding|injuring|killing|leaving|hurting|using|"
    r"following|according)\b"
)
_WORD = rf"(?!{_STOP})(?:[A-Za-z][\w'’/-]*|'[\w\s-]+'|\d+-year-old)"
_WORDS = rf"(?:\s+{_WORD}){{0,5}}"
_PARENS = r"\s*\([^()]{0,120}\)"
_GROUP = (
    rf"(?:\s+{_WORD}|{_PARENS}){{0,6}}"
    rf"(?:\s+of(?:\s+(?:the|an?|their|his|her))?(?:\s+{_WORD}){{1,4}})?(?:{_PARENS})?"
)
_ITEM = rf"(?:(?:another|a\s+further|an\s+additional)\s+)?{_QUAL}{_NUM}{_GROUP}"
# "killed a man and his son": one more person, a singular noun after "his".
_KIN = r"(?:his|her|their)\s+[\w-]+(?<!s)\b"
# Lists repeat items, and a pattern names each group once: `_count` re-reads items.
_ANY_ITEM = re.sub(r"\(\?P<\w+>", "(?:", _ITEM)
_INCLUDING = (
    r"(?:,?\s*\(?(?:including|among\s+them|of\s+whom|among\s+whom)\s+"
    rf"(?:{_ANY_ITEM}(?:\s+and\s+{_ANY_ITEM})?|[^,.;()]{{1,60}}?)\)?,?)?"
)
_LIST = (
    rf"(?:{_ANY_ITEM}|{_KIN}){_INCLUDING}(?:(?:,\s*(?:and\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)"
    rf"(?:{_ANY_ITEM}|{_KIN}|(?:{_WORD}\s+){{0,3}}{_WORD}){_INCLUDING})*"
)
_AUX = r"\s+(?:were|was|are|is|have\s+been|has\s+been|had\s+been|got|being)"
_ADVERB = r"(?:\s+(?:\w+ly|all|also|later|then|subsequently|reportedly))*"
_DEATH_VERB = (
    r"(?:killed|slain|murdered|executed|shot\s+dead|beheaded|lynched|assassinated|"
    r"massacred|(?:burned|burnt|beaten|stabbed|hacked|strangled)\s+to\s+death|"
    r"found\s+dead|(?:shot|stabbed|beaten|tortured|attacked|abducted|kidnapped|raped|"
    r"ambushed|wounded|injured)(?:\s+\w+){0,3}?\s+and\s+killed)"
)
_DIED = r"(?:died|perished|succumbed|lost\s+(?:their|his|her)\s+lives?)"
# After "killed" without "was"/"were", what shows it is not an active verb.
_NOT_ACTIVE = (
    r"(?=\s*(?:[,.;:()\[\]]|$)|\s+(?:in|by|on|at|and|when|after|during|as|while|near|"
    r"inside|outside|from|with|following|since|overnight|yesterday|today|last|this|"
    r"earlier|later|but|or|according)\b)"
)
_INJURY_VERB = r"(?:injured|wounded|hurt|sustained\s+(?:\w+\s+)?(?:injuries|wounds))"
_ACTIVE_DEATH = (
    r"(?:killed|killing|kills|kill|shot\s+dead|shooting\s+dead|shot\s+and\s+killed|"
    r"executed|executing|murdered|murdering|massacred|claimed\s+the\s+lives\s+of|"
    r"claiming\s+the\s+lives\s+of|lynched|lynching|(?:beat|beating|beaten|stabbed|hacked|burned|burnt)\s+to\s+death)"
)
_ACTIVE_INJURY = r"(?:injuring|wounding|injured|wounded|injures|wounds|hurt|hurting)"

_FLAGS = re.IGNORECASE
_DEATH_PATTERNS = [
    # "14 Ukrainians, including 6 children, were killed"; "one person died"
    re.compile(rf"(?P<list>{_LIST})(?:{_AUX})?{_ADVERB}\s+{_DIED}\b", _FLAGS),
    re.compile(rf"(?P<list>{_LIST}){_AUX}{_ADVERB}\s+{_DEATH_VERB}\b", _FLAGS),
    # "14 killed in strike": no "were", so nothing may follow as an object
    re.compile(rf"(?P<list>{_LIST}){_ADVERB}\s+{_DEATH_VERB}\b{_NOT_ACTIVE}", _FLAGS),
    # "killing at least 12 people"; "killed a man and his son"
    re.compile(rf"\b{_ACTIVE_DEATH}\s+(?P<list>{_LIST})", _FLAGS),
    # "left two dead and five wounded"
    re.compile(rf"\b(?:left|leaving)\s+(?P<list>{_LIST})\s+dead\b", _FLAGS),
    # "3 deaths", "two dead"
    re.compile(rf"{_QUAL}{_NUM}{_GROUP}\s+(?:fatalit(?:y|ies)|deaths|dead)\b", _FLAGS),
    # "resulting in the death of 3 people"; a bare "the killing of a man" is more often
    # what a protest is about than what happened in the event
    re.compile(
        r"\b(?:result(?:ed|ing|s)?\s+in|le(?:d|ads|ading)\s+to|caus(?:ed|es|ing)|"
        rf"left|leaving)\s+(?:the\s+)?(?:deaths?|killing|murder)\s+of\s+(?P<list>{_LIST})",
        _FLAGS,
    ),
    re.compile(
        rf"\bdeath\s+toll\s+(?:\w+\s+){{0,3}}?(?:to|of|at|reached|is|was)\s+{_QUAL}{_NUM}",
        _FLAGS,
    ),
]
# Bodies found count only when no killing is told: "a man was shot dead ... his body
# was found" is one death.
_BODY_PATTERNS = [
    re.compile(
        rf"(?P<list>{_LIST})\s+(?:body|bodies|corpses?|remains)\s+(?:was|were|had\s+been|"
        r"have\s+been)\s+(?:found|discovered|recovered)",
        _FLAGS,
    ),
    re.compile(
        rf"\b(?:bod(?:y|ies)|corpses?|remains)\s+of\s+(?P<list>{_LIST})", _FLAGS
    ),
    re.compile(rf"{_QUAL}{_NUM}{_GROUP}\s+(?:bodies|corpses)\b", _FLAGS),
]
_CLAIMED = re.compile(r"\bclaim|\bsaid\s+(?:it|they)\b|\baccording\s+to\b", _FLAGS)
_CODED_THIS = re.compile(
    rf"{_NUM}\s+fatalit(?:y|ies)\s+(?:are\s+|were\s+)?coded\s+(?:to|for)\s+this\s+event",
    _FLAGS,
)
_CODED_ELSEWHERE = re.compile(
    r"fatalit(?:y|ies)\s+(?:are\s+|were\s+)?coded\s+(?:to|in)\s+(?:the\s+)?"
    r"(?!this\b)[\w' -]{1,40}?\s+event",
    _FLAGS,
)
_CODED_AS = re.compile(
    rf"\bcoded\s+(?:as|to)\s+(?!(?:an?|the|he|she|him|her|both)\b){_NUM}(?!\s+events?\b)",
    _FLAGS,
)
_STATED = re.compile(rf"\b{_NUM}\s+fatalit(?:y|ies)\b", _FLAGS)
_FATALITIES_FIELD = re.compile(rf"\bfatalities:\s*{_NUM}", _FLAGS)
_SPLIT = re.compile(
    rf"\b(?:split|spread)\s+(?:across|between|among|into|over)\s+{_NUM}\s+"
    r"(?:events|locations)",
    _FLAGS,
)
_NONE_KILLED = re.compile(
    r"\b(?:no\s+(?:casualties|fatalities|deaths|victims|injuries|one\s+was\s+(?:killed|"
    r"hurt|injured)|one\s+died|loss\s+of\s+life)|nobody\s+was\s+(?:killed|hurt|injured)|"
    r"none\s+(?:were|was)\s+(?:killed|hurt|injured)|without\s+(?:casualties|"
    r"fatalities|injuries|loss\s+of\s+life))\b",
    _FLAGS,
)
_VAGUE_KILLED = re.compile(
    r"\b(?:dozens|scores|hundreds|thousands|several|many|numerous|an\s+unknown\s+"
    r"number|a\s+number|unknown\s+number)\b(?:\s+of)?(?:\s+\w+){0,3}?"
    rf"(?:{_AUX}\s+{_DEATH_VERB}|\s+(?:fatalities|deaths|dead))\b|\b{_ACTIVE_DEATH}\s+"
    r"(?:dozens|scores|hundreds|several|many|numerous|an\s+unknown\s+number|a\s+number)\b",
    _FLAGS,
)
_INJURY_PATTERNS = [
    re.compile(rf"(?P<list>{_LIST}){_AUX}{_ADVERB}\s+{_INJURY_VERB}\b", _FLAGS),
    re.compile(rf"(?P<list>{_LIST}){_ADVERB}\s+{_INJURY_VERB}\b{_NOT_ACTIVE}", _FLAGS),
    re.compile(rf"\b{_ACTIVE_INJURY}\s+(?P<list>{_LIST})", _FLAGS),
    re.compile(rf"{_QUAL}{_NUM}{_GROUP}\s+(?:injuries|injured|wounded)\b", _FLAGS),
]
_DEATH_WORDS = re.compile(
    r"kill|dead|died|death|fatalit|bod(?:y|ies)|slain|murder|execut|lives|perish|"
    r"succumb|massacr|lynch|behead|assassin|corpse|remains|strangl|toll",
    _FLAGS,
)
_INJURY_WORDS = re.compile(r"injur|wound|hurt", _FLAGS)
_ITEM_RE = re.compile(rf"(?P<kin>{_KIN})|{_ITEM}", _FLAGS)
_SUBSET = re.compile(r"\b(?:including|among\s+them|of\s+whom|among\s+whom)\b", _FLAGS)
_THEN_INJURED = re.compile(rf"{_ADVERB}(?:{_AUX})?{_ADVERB}\s+{_INJURY_VERB}", _FLAGS)
_PRONOUNS = {"he": 1, "she": 1, "him": 1, "her": 1, "both": 2}
# Nouns that are plural without an -s: "the police were..." is not one person.
_PLURAL_NOUNS = re.compile(
    r"(?:people|police|personnel|staff|troops|forces|militia|youth|crew|military|army|"
    r"men|women|children|folk|public|population|family|group|army|government)$",
    _FLAGS,
)
_NOT_PEOPLE = re.compile(
    r"(?:drones?|missiles?|rockets?|shells?|vehicles?|tanks?|houses?|homes?|"
    r"buildings?|km|kilometres?|kilometers?|metres?|meters?|miles?|mm|times|days?|"
    r"hours?|weeks?|months?|years?|minutes|rounds|bombs?|mortars?|explosions?|shots|"
    r"cars?|trucks?|events?|locations?|villages?|percent|per|attacks?|strikes?|"
    r"January|February|March|April|May|June|July|August|September|October|November|"
    r"December|total|number|group|couple|result|consequence|series|part|time|way|"
    r"previous|following|same|livestock|cattle|cows?|goats?|sheep|camels?|animals?)[.,]?",
    _FLAGS,
)
_MONTH_WORD = re.compile(
    r"(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)"
)
_CHILDREN = re.compile(
    r"\b(?:child(?:ren)?|kids?|minors?|boys?|girls?|infants?|babies|baby)\b", _FLAGS
)
_CIVILIANS = re.compile(r"\bcivilians?\b", _FLAGS)


@dataclass(frozen=True)
class _Count:
    """People counted by one casualty phrase."""

    total: int
    qualifier: Qualifier
    civilians: int
    children: int
    start: int
    end: int


def find_casualties(sentence: str) -> Casualties:
    """The killed and injured a sentence reports, with civilians and children among
    the dead; every field None when it reports none."""
    injured = _injured(sentence)
    coded = _coded(sentence)
    deaths = _death_counts(sentence)
    if coded is not None:
        value, match = coded
        kinds = _sum(deaths) if deaths else None
        return Casualties(
            killed=value,
            killed_qualifier="exact",
            injured=injured,
            civilians_killed=kinds.civilians or None if kinds else None,
            children_killed=kinds.children or None if kinds else None,
            phrase=match.group(0),
            offset=match.start(),
        )
    if deaths:
        total = _sum(deaths)
        split = _SPLIT.search(sentence)
        killed = (
            total.total // (parse_number(split.group("n")) or 1)
            if split
            else total.total
        )
        first, last = deaths[0], deaths[-1]
        return Casualties(
            killed=killed,
            killed_qualifier=total.qualifier,
            injured=injured,
            civilians_killed=total.civilians or None,
            children_killed=total.children or None,
            phrase=sentence[first.start : last.end],
            offset=first.start,
        )
    if denial := _NONE_KILLED.search(sentence):
        return Casualties(
            killed=0,
            killed_qualifier="exact",
            injured=injured if injured is not None else 0,
            phrase=denial.group(0),
            offset=denial.start(),
        )
    if vague := _VAGUE_KILLED.search(sentence):
        return Casualties(injured=injured, phrase=vague.group(0), offset=vague.start())
    return Casualties(injured=injured)


def _coded(sentence: str) -> tuple[int, re.Match[str]] | None:
    """The figure an ACLED note says it codes, most specific statement first."""
    if match := _CODED_THIS.search(sentence):
        return parse_number(match.group("n")) or 0, match
    if match := _CODED_ELSEWHERE.search(sentence):
        return 0, match
    for pattern in (_CODED_AS, _FATALITIES_FIELD, _STATED):
        matches = list(pattern.finditer(sentence))
        if matches:
            value = parse_number(matches[-1].group("n"))
            split = _SPLIT.search(sentence)
            # "4 fatalities split among 12 events", "coded as 12 and split between 2
            # locations": this event's share; "split ..., coded as 10" is the share.
            if value is not None and split and split.start() > matches[-1].start():
                value //= parse_number(split.group("n")) or 1
            if value is not None:
                return value, matches[-1]
    return None


def _death_counts(sentence: str) -> list[_Count]:
    """Every death count in the sentence, in text order.

    A claim beside a reported count ("6 soldiers were killed ... the group said it
    killed 7") is the same dead told again: the reported count stands."""
    counts = _read_counts(sentence, _DEATH_PATTERNS, _DEATH_WORDS, deaths=True)
    if not counts:
        return _read_counts(sentence, _BODY_PATTERNS, _DEATH_WORDS, deaths=True)
    claimed = [
        c for c in counts if _CLAIMED.search(sentence[max(0, c.start - 60) : c.start])
    ]
    if claimed and len(claimed) < len(counts):
        counts = [c for c in counts if c not in claimed]
    return counts


def _read_counts(
    sentence: str,
    patterns: list[re.Pattern[str]],
    words: re.Pattern[str],
    *,
    deaths: bool,
) -> list[_Count]:
    """Counts the patterns find, each stretch of text read once.

    The patterns start with a number, which a regular expression tries at every
    character; searching only near the words they need keeps a sentence cheap."""
    found: list[_Count] = []
    taken: list[tuple[int, int]] = []
    windows = _windows(sentence, words)
    for pattern in patterns:
        for low, high in windows:
            for match in pattern.finditer(sentence, low, high):
                if any(match.start() < e and s < match.end() for s, e in taken):
                    continue
                if sentence[: match.start()].rstrip().endswith("("):
                    continue  # a breakdown of the count before the parenthesis
                count = _count(match, sentence, deaths=deaths)
                if count is not None:
                    found.append(count)
                    taken.append((match.start(), match.end()))
    return sorted(found, key=lambda c: c.start)


def _windows(sentence: str, words: re.Pattern[str]) -> list[tuple[int, int]]:
    """Stretches around each casualty word, long enough for a list of groups."""
    windows: list[tuple[int, int]] = []
    for match in words.finditer(sentence):
        low, high = max(0, match.start() - 300), min(len(sentence), match.end() + 250)
        if windows and low <= windows[-1][1]:
            windows[-1] = (windows[-1][0], high)
        else:
            windows.append((low, high))
    return windows


def _count(
    match: re.Match[str], sentence: str, *, deaths: bool = True
) -> _Count | None:
    """Add up the groups one phrase counts; a group after "including" is a part."""
    # Only the counted list: the words around it ("the death of") are no group.
    has_list = "list" in match.groupdict() and match.group("list") is not None
    base = match.start("list") if has_list else match.start()
    text = match.group("list") if has_list else match.group(0)
    total = civilians = children = 0
    qualifier: Qualifier = "exact"
    counted = False
    for item in _ITEM_RE.finditer(text):
        if item.group("kin"):
            total, counted = total + 1, True
            continue
        group = text[item.end("n") : item.end()]
        value = _value(item.group("n"), group)
        after = sentence[base + item.end() :]
        if value is None or not _people(group) or _is_date(text, item):
            continue
        if deaths and _THEN_INJURED.match(after):
            continue
        if _CHILDREN.search(group):
            children += value
        if _CIVILIANS.search(group):
            civilians += value
        if counted and _SUBSET.search(text[: item.start()]):
            continue
        total, counted = total + value, True
        if item.group("q") and qualifier == "exact":
            qualifier = _QUALIFIERS[re.sub(r"\s+", " ", item.group("q").lower())]
        elif re.search(r"\d\s*(?:-|–|to)\s*\w|\w\s+to\s+\w", item.group("n")):
            qualifier = "at_least"
    if not counted:
        return None
    return _Count(total, qualifier, civilians, children, match.start(), match.end())


def _people(group: str) -> bool:
    """Whether the words after a number name people: not "14 drones", "3 June"."""
    words = re.split(r"\s+of\b|\s*\(", group)[0].split()
    if not words:
        return True
    return not (
        _NOT_PEOPLE.fullmatch(words[-1])
        or _NOT_PEOPLE.fullmatch(words[0])
        and words[0].lower() in ("previous", "following", "same")
        or _MONTH_WORD.fullmatch(words[0])
    )


def _value(token: str, group: str) -> int | None:
    """How many people a counting word stands for: a range its lower end, "he" one,
    "the" one before a singular noun."""
    word = token.lower()
    if word in _PRONOUNS:
        return _PRONOUNS[word]
    if word == "the":
        head = re.split(r"\s+of\b|\s*\(", group)[0].split()
        if not head or head[-1].lower().endswith("s") or _PLURAL_NOUNS.match(head[-1]):
            return None
        return 1
    lower = re.split(r"(?<=\d)\s*[-–]\s*|\s+to\s+", token)[0]
    return parse_number(lower)


def _is_date(text: str, item: re.Match[str]) -> bool:
    """A day after its month ("May 24") is no count; "24 May" fails as a group."""
    return bool(
        re.search(
            r"(?:January|February|March|April|May|June|July|August|September|"
            r"October|November|December)\s*$",
            text[: item.start()],
        )
    )


def _sum(counts: list[_Count]) -> _Count:
    """Separate phrases of one sentence add up; the loosest qualifier wins."""
    qualifiers = [c.qualifier for c in counts if c.qualifier != "exact"]
    return _Count(
        total=sum(c.total for c in counts),
        qualifier=qualifiers[0] if qualifiers else "exact",
        civilians=sum(c.civilians for c in counts),
        children=sum(c.children for c in counts),
        start=counts[0].start,
        end=counts[-1].end,
    )


def _injured(sentence: str) -> int | None:
    """The injured a sentence counts, or None."""
    counts = _read_counts(sentence, _INJURY_PATTERNS, _INJURY_WORDS, deaths=False)
    return sum(c.total for c in counts) if counts else None
