"""`validate_event_records`: the rule that an event a person enters needs a source
(issue #13), and that a dataset's rows do not."""

from __future__ import annotations

import pytest

from tracker.errors import InvalidInput
from tracker.store.events import NO_SOURCE, validate_event_records

SOURCELESS = {
    "title": "Shelling of Kherson",
    "event_type": "ASSAULT",
    "date_start": "2025-05-20",
    "location": {"name": "Kherson", "country": "UKR"},
}
SOURCE = {"url": "https://example.org/kherson", "quote": "Shells hit the market."}


def test_validate_without_require_source_keeps_a_row_without_sources():
    [event] = validate_event_records([(1, SOURCELESS)])
    assert event.sources == []


@pytest.mark.parametrize("sources", [None, []], ids=["missing", "empty"])
def test_validate_with_require_source_refuses_a_record_without_one(sources):
    record = SOURCELESS if sources is None else SOURCELESS | {"sources": sources}
    with pytest.raises(InvalidInput) as caught:
        validate_event_records([(1, record), (4, record)], require_source=True)
    assert [(p.line, p.field, p.reason) for p in caught.value.problems] == [
        (1, "sources", NO_SOURCE),
        (4, "sources", NO_SOURCE),
    ]


def test_validate_with_require_source_lists_the_source_after_other_problems():
    record = SOURCELESS | {"date_end": "2025-05-01"}
    with pytest.raises(InvalidInput) as caught:
        validate_event_records([(2, record)], require_source=True)
    fields = [p.field for p in caught.value.problems]
    assert fields[-1] == "sources" and len(fields) == 2


def test_validate_with_require_source_accepts_a_record_citing_one():
    [event] = validate_event_records(
        [(1, SOURCELESS | {"sources": [SOURCE]})], require_source=True
    )
    assert event.sources[0].quote == "Shells hit the market."
