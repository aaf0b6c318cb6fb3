"""Reading event records from JSON, with line numbers.

The input may be one object, an array or JSON Lines."""

from __future__ import annotations

import pytest

from tracker.errors import InvalidInput
from tracker.records import parse_json_records


def test_parse_single_pretty_printed_object_reports_its_first_line():
    assert parse_json_records('\n\n{\n  "title": "a"\n}\n') == [(3, {"title": "a"})]


def test_parse_array_gives_each_element_its_line():
    text = '[\n  {"title": "a"},\n  {"title": "b"}\n]'
    assert parse_json_records(text) == [(2, {"title": "a"}), (3, {"title": "b"})]


def test_parse_json_lines_skips_blank_lines():
    assert parse_json_records('{"a": 1}\n\n{"a": 2}\n') == [
        (1, {"a": 1}),
        (3, {"a": 2}),
    ]


def test_parse_reports_every_bad_line():
    with pytest.raises(InvalidInput) as caught:
        parse_json_records('{"a": 1}\nnope\n{"a": 3}\n{bad\n')
    assert [p.line for p in caught.value.problems] == [2, 4]


def test_parse_empty_input_is_an_error():
    with pytest.raises(InvalidInput, match="is empty"):
        parse_json_records("  \n")
