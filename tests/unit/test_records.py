"""Reading event records from JSON, with line numbers.

The input may be one object, an array, JSON Lines or pretty-printed objects one after
another."""

from __future__ import annotations

import pytest

from tracker.errors import InvalidInput
from tracker.formats.jsontext import parse_json_records


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


def test_parse_pretty_printed_objects_one_after_another_gives_each_its_line():
    text = '{\n  "title": "a"\n}\n\n{\n  "title": "b",\n  "n": [1,\n 2]\n}\n'
    assert parse_json_records(text) == [
        (1, {"title": "a"}),
        (5, {"title": "b", "n": [1, 2]}),
    ]


def test_parse_broken_pretty_printed_object_is_reported_at_its_first_line():
    with pytest.raises(InvalidInput) as caught:
        parse_json_records('{\n  "title": "a"\n}\n{\n  "title": \n}\n')
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (4, "record")
    assert problem.reason == "not valid JSON: Expecting value (line 6, column 1)"


def test_parse_empty_input_is_an_error():
    with pytest.raises(InvalidInput, match="is empty"):
        parse_json_records("  \n")
