"""Read event records from JSON text: one object, a list of objects, JSON Lines, or
pretty-printed objects one after another (as `tracker import` reads PLOVER files).

Each record comes with the line it starts on, so errors can say where to look."""

from __future__ import annotations

import json
from typing import Any

from tracker.errors import InvalidInput, Problem


def parse_json_records(text: str) -> list[tuple[int, Any]]:
    """(line, record) pairs from a JSON object, a JSON array, JSON Lines, or
    pretty-printed objects one after another."""
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(
            [Problem("input", "is empty: expected a JSON object, array or lines")]
        )
    if stripped.startswith("["):
        return _parse_array(text)
    try:
        return [(_first_line(text), json.loads(text))]
    except json.JSONDecodeError:
        pass
    if _starts_pretty_printed(stripped):
        return _parse_concatenated(text)
    return _parse_lines(text)


def _starts_pretty_printed(stripped: str) -> bool:
    """Whether the first line opens an object it does not close, as a pretty-printed
    object does (JSON Lines has a whole object on each line)."""
    first = stripped.split("\n", 1)[0]
    try:
        json.loads(first)
    except json.JSONDecodeError:
        return first.rstrip().startswith("{") and "\n" in stripped
    return False


def _first_line(text: str) -> int:
    return text[: len(text) - len(text.lstrip())].count("\n") + 1


def _parse_array(text: str) -> list[tuple[int, Any]]:
    """Parse a JSON array into (line, element) pairs.

    Each element's line is found by decoding the elements one by one."""
    decoder = json.JSONDecoder()
    try:
        items = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            [Problem("input", f"not valid JSON: {error.msg}", line=error.lineno)]
        ) from error
    pairs, position = [], text.index("[") + 1
    for item in items:
        while text[position] in " \t\r\n,":
            position += 1
        _, end = decoder.raw_decode(text, position)
        pairs.append((text.count("\n", 0, position) + 1, item))
        position = end
    return pairs


def _parse_lines(text: str) -> list[tuple[int, Any]]:
    """JSON Lines: one object per non-blank line; every bad line is reported."""
    pairs, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pairs.append((number, json.loads(line)))
        except json.JSONDecodeError as error:
            problems.append(
                Problem("record", f"not valid JSON: {error.msg}", line=number)
            )
    if problems:
        raise InvalidInput(problems)
    return pairs


def _parse_concatenated(text: str) -> list[tuple[int, Any]]:
    """Objects one after another, each with the line its "{" is on; text that is
    not JSON is reported at the record it is in, with the exact line and column."""
    decoder, pairs, position = json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if position == len(text):
            return pairs
        start = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            reason = f"not valid JSON: {error.msg} ({where})"
            raise InvalidInput([Problem("record", reason, line=start)]) from None
        pairs.append((start, value))
