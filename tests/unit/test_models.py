"""Validation at the door: every bad value is refused with its field and a reason."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tracker.errors import problems_from_validation_error
from tracker.models import EventCreate, LocationIn, SourceIn

MINIMAL = {
    "title": "Talks in Istanbul",
    "event_type": "CONSULT",
    "date_start": "2025-05-16",
}


def problems(record: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        EventCreate.model_validate(record)
    return [str(p) for p in problems_from_validation_error(caught.value)]


def test_event_create_minimal_record_is_valid_with_sensible_defaults():
    event = EventCreate.model_validate(MINIMAL)
    assert event.date_precision == "day"
    assert event.status == "confirmed"
    assert event.fatalities.best is None


def test_event_create_normalises_type_mode_country_and_contexts():
    event = EventCreate.model_validate(
        {
            **MINIMAL,
            "event_type": " consult ",
            "mode": "Third-Party",
            "contexts": ["Diplomatic", "diplomatic"],
            "location": {"name": "Istanbul", "country": "tur"},
        }
    )
    assert (event.event_type, event.mode) == ("CONSULT", "third-party")
    assert event.contexts == ["diplomatic"]
    assert event.location.country == "TUR"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"title": "two\nlines"}, "title: must be a single line"),
        ({"title": ""}, "title: String should have at least 1 character"),
        ({"event_type": "FIGHT"}, "event_type: unknown PLOVER event type 'FIGHT'"),
        ({"mode": "drone"}, "mode 'drone' is not valid for CONSULT"),
        ({"contexts": ["war"]}, "contexts: unknown PLOVER context(s): war"),
        ({"date_end": "2025-05-01"}, "must not be before date_start"),
        ({"date_start": "16/05/2025"}, "date_start: Input should be a valid date"),
        (
            {"date_precision": "decade"},
            "date_precision: Input should be 'day', 'week', 'month'",
        ),
        ({"fatalities": {"best": 10, "high": 5}}, "best (10) must not exceed high (5)"),
        (
            {"fatalities": {"low": -1}},
            "fatalities.low: Input should be greater than or equal to 0",
        ),
        (
            {"children_killed": 6, "fatalities": {"best": 4}},
            "children_killed (6) exceeds",
        ),
        ({"confidence": 1.5}, "confidence: Input should be less than or equal to 1"),
        ({"status": "maybe"}, "status: Input should be 'proposed', 'confirmed'"),
        (
            {"actors": [{"name": "Putin", "role": "villain"}]},
            "actors.0.role: Input should be",
        ),
        (
            {"actors": [{"name": "X", "role": "target", "country": "XX"}]},
            "actors.0.country",
        ),
        (
            {"acled_event_type": "Battles"},
            "acled_event_type and acled_sub_event_type go together",
        ),
        (
            {"links": [{"relation": "follows_up"}]},
            "links.0: a link needs the target's id",
        ),
        ({"fatalites": 3}, "fatalites: Extra inputs are not permitted"),
    ],
)
def test_event_create_refuses_bad_values_naming_field_and_reason(change, expected):
    messages = problems({**MINIMAL, **change})
    assert any(expected in message for message in messages), messages


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ({"name": "X", "latitude": 123, "longitude": 30}, "latitude"),
        ({"name": "X", "latitude": 45, "longitude": 181}, "longitude"),
        (
            {"name": "X", "latitude": 45},
            "latitude and longitude must be given together",
        ),
        ({"name": "X", "geo_precision": "street"}, "geo_precision"),
        ({"name": "X", "country": "Ukraine"}, "ISO 3166-1 alpha-3"),
    ],
)
def test_location_refuses_out_of_range_or_unpaired_coordinates(location, expected):
    with pytest.raises(ValidationError, match=expected):
        LocationIn.model_validate(location)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/a", "example.org/a", "data:text/html,x"],
)
def test_source_accepts_only_http_and_https_urls(url):
    with pytest.raises(ValidationError, match="http:// or https://"):
        SourceIn.model_validate({"url": url})


def test_source_without_url_needs_a_title():
    assert (
        SourceIn.model_validate({"title": "Printed bulletin"}).key()
        == "Printed bulletin||"
    )
    with pytest.raises(ValidationError, match="needs a url or"):
        SourceIn.model_validate({"publisher": "Someone"})
