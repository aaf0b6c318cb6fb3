"""Numbers as news text writes them: "14", "1,200", "twenty-one", "a dozen".

Own code rather than a dependency: text2num (maintained) reads "one hundred and five"
but not "a dozen", "1,200" or the article "a", which casualty counts need, and
word2number is unmaintained; the English vocabulary below is small and closed.
`NUMBER_PATTERN` is the regular expression other readers embed to find such numbers.
"""

from __future__ import annotations

import re

_UNITS = {
    word: n
    for n, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen"
        " fourteen fifteen sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {
    word: 10 * n
    for n, word in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2
    )
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# A lone "a"/"an" counts one ("a woman was killed"); "single" as in "a single soldier".
_ONE_WORDS = {"a", "an", "one", "single", "another", "a single"}

_UNIT_RE = "|".join(sorted(_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(_TENS)
_SMALL = rf"(?:(?:{_TENS_RE})(?:[\s-](?:{_UNIT_RE}))?|(?:{_UNIT_RE}))"
_HUNDREDS = rf"(?:(?:{_SMALL}|a)\s+hundred(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL})"
_WORDS = (
    rf"(?:(?:{_HUNDREDS}|a)\s+thousand(?:,?\s+(?:and\s+)?{_HUNDREDS})?|{_HUNDREDS})"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+|\d+"
_DOZEN = rf"(?:(?:{_SMALL}|a|half\s+a)\s+dozen)"

# The exact grammar, longest forms first ("twenty-one" before "twenty").
_STRICT = rf"(?:{_DOZEN}|{_DIGITS}|{_WORDS}|a\s+single|an?|another|single)"
_WHOLE = re.compile(rf"\s*{_STRICT}\s*", re.IGNORECASE)

# What readers embed to find numbers: a run of number words, looser than the grammar
# (it admits "two hundred dozen") but a tenth of its size, so patterns that repeat it
# compile fast; `parse_number` then rejects what the grammar does not allow.
_NUMBER_WORD = "|".join(
    sorted([*_UNITS, *_TENS, "hundred", "thousand", "million", "dozen"], key=len)[::-1]
)
_AND = r"(?:(?<=hundred)|(?<=thousand))\s+and"
NUMBER_PATTERN = (
    rf"(?:{_DIGITS}|(?:(?:an?|half\s+a)\s+)?(?:{_NUMBER_WORD})"
    rf"(?:(?:[\s-]+|{_AND}\s+|,\s+)(?:{_NUMBER_WORD}))*|a\s+single|an?|another|single)"
)


def parse_number(text: str) -> int | None:
    """The integer a number phrase states; None when it states none ("several").

    E.g. "14" -> 14, "1,200" -> 1200, "twenty-one" -> 21, "one hundred and five" ->
    105, "a dozen" -> 12, "two dozen" -> 24, "a" -> 1."""
    if not _WHOLE.fullmatch(text):
        return None
    words = re.sub(r"[\s-]+", " ", text.strip().lower())
    if words.replace(",", "").isdigit():
        return int(words.replace(",", ""))
    if words in _ONE_WORDS:
        return 1
    if words.endswith("dozen"):
        head = words.removesuffix("dozen").strip()
        if head == "half a":
            return 6
        return 12 * (1 if head == "a" else _words_value(head))
    return _words_value(words)


def _words_value(words: str) -> int:
    """The value of number words already known to match the grammar above."""
    total = current = 0
    for word in words.replace(",", "").split():
        if word in ("and",):
            continue
        if word == "a":
            current = 1
        elif word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:  # thousand, million: close the group below it
            total += max(current, 1) * _SCALES[word]
            current = 0
    return total + current
