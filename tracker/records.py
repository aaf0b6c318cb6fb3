"""Read event records from JSON text: one object, a list of objects, or JSON Lines.

Each record comes with the line it starts on, so errors can say where to look."""

from __future__ import annotations

import json
from typing import Any

from tracker.errors import InvalidInput, Problem


def parse_json_records(text: str) -> list[tuple[int, Any]]:
    """(line, record) pairs from a JSON object, a JSON array, or JSON Lines."""
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
        return _parse_lines(text)


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
