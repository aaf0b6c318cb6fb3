"""Hostile values, drawn by a seeded random generator from hand-written families.

A plain `random.Random` over families written out here, rather than Hypothesis
strategies: every request of a run is then a pure function of the seed and its
number, the families read as the list of what is tried, and a failure is replayed
by running the same seed again."""

from __future__ import annotations

import random
from typing import Any

# Strings that parse as numbers somewhere but not everywhere: digits outside ASCII
# (`str.isdigit()` accepts "²", `int()` refuses it), numbers past every integer
# type, signs, exponents, spaces, words.
NUMBERS = (
    "²",
    "٣",
    "１２",
    "߃",
    "-1",
    "-99999999999999999999999",
    "0",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999999",
    "9" * 400,
    "1e3",
    "1.5",
    "0x10",
    " 7 ",
    "+3",
    "NaN",
    "Infinity",
    "-0",
    "٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣",
)

# Dates that are not dates, or are but lie outside what a database stores.
DATES = (
    "2022-02-30",
    "2022-13-01",
    "2022-00-10",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-2022-01-01",
    "２０２２-０１-０１",
    "2022-1-1",
    "20220101",
    "2022-W01",
    "2022-01-01T00:00:00",
    "2022-01-01T25:00",
    "1970-01-01",
    "2038-01-19",
    "yesterday",
    "2022/01/01",
    "2022-01-01\x00",
    "9" * 40,
)

# Text that means something to SQL, HTML, a shell, a spreadsheet or a regex.
METACHARACTERS = (
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE event; --",
    "%",
    "_",
    "\\",
    "%_%\\",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '=HYPERLINK("https://example.org")',
    "${jndi:ldap://x}",
    "{{7*7}}",
    "$(reboot)",
    ".*",
    "[",
    "\x00",
    "a\x00b",
    "\r\n",
    "\u202e",
    "\ufeff",
    "𝕿𝖗𝖆𝖈𝖐𝖊𝖗",
    "Київ",
    "İstanbul",
    "ǅ",
    "\ud800",
)

# Strings a person or a browser could put anywhere.
WORDS = (
    "",
    " ",
    "ASSAULT",
    "assault",
    "COERCE",
    "CONSULT",
    "ACCUSE",
    "confirmed",
    "proposed",
    "retracted",
    "disputed",
    "UKR",
    "RUS",
    "TUR",
    "ukr",
    "XXX",
    "Kyiv",
    "Donetsk",
    "Government of Russia",
    "the Kremlin",
    "air",
    "ground",
    "true",
    "1",
    "null",
    "undefined",
    "None",
)

# JSON values of every type, for a slot that expects one of them.
JSON_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    -1,
    1,
    2**31,
    2**63,
    10**30,
    -(10**30),
    1.5,
    1e308,
    -1e308,
    "",
    "x",
    "1",
    "²",
    [],
    [None],
    [1, "a", None],
    {},
    {"a": 1},
    {"id": "x", "property": "value", "value": None},
    [[[]]],
)


def text_value(rng: random.Random) -> str:
    """One hostile string: a number, a date, metacharacters, a word, or a long run."""
    family = rng.randrange(6)
    if family == 0:
        return rng.choice(NUMBERS)
    if family == 1:
        return rng.choice(DATES)
    if family == 2:
        return rng.choice(METACHARACTERS)
    if family == 3:
        return rng.choice(WORDS)
    if family == 4:
        return rng.choice(METACHARACTERS) * rng.choice((10, 300, 3000))
    return rng.choice(WORDS) + rng.choice(METACHARACTERS) + rng.choice(NUMBERS)


def many_values(rng: random.Random, count: int) -> list[str]:
    """`count` distinct-ish strings, for list filters with thousands of values."""
    base = rng.choice(WORDS + METACHARACTERS) or "v"
    return [f"{base}{n}" for n in range(count)]


def json_value(rng: random.Random) -> Any:
    """One value of any JSON type, now and then a huge array or a long string."""
    family = rng.randrange(10)
    if family == 0:
        return list(range(rng.choice((1000, 10_000))))
    if family == 1:
        return [text_value(rng) for _ in range(rng.choice((100, 2000)))]
    if family == 2:
        return "x" * rng.choice((10_000, 200_000))
    if family in (3, 4):
        return text_value(rng)
    return rng.choice(JSON_VALUES)
