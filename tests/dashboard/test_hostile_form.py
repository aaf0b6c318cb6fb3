"""Hostile values typed into the Add event form: saved, or refused with the field and
the reason; never a server error, never half an event.

Property-based: hypothesis fills the form's fields, actor rows and source rows with
random and malformed values, and the form's own path (record_from_form, then the
service the Save button calls) must end in a saved event or `InvalidInput`."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import services
from dashboard.app import create_app
from dashboard.components.event_draft import record_from_form
from dashboard.services import writes
from tests.conftest import table_counts
from tests.dashboard.conftest import request_as
from tracker.errors import InvalidInput

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "javascript:alert(1)",
    "'; DROP TABLE event; --",
    "=1+1",
    "\x00",
    "",
    " ",
    "9" * 30,
    "-5",
    "2025-02-30",
    "1e309",
    "nan",
]
TEXT = st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=25), st.none())
NUMBER_OR_TEXT = st.one_of(TEXT, st.integers(-(10**9), 10**9), st.floats())
FORM_KEYS = [
    "title",
    "event_type",
    "mode",
    "notes",
    "date_start",
    "date_end",
    "date_precision",
    "location",
    "country",
    "admin1",
    "admin2",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "status",
    "confidence",
]
VALID_FORM = {
    "title": "Drone strike on a market",
    "event_type": "ASSAULT",
    "date_start": "2025-05-24",
    "date_precision": "day",
}


@pytest.fixture
def app(database_url):
    app = create_app(database_url)
    with request_as(app, "/", "editor"):
        yield app


def test_any_form_input_is_saved_or_refused_field_by_field(app):
    engine = app.server.config[services.ENGINE_KEY]
    outcomes = {"saved": 0, "refused": 0}

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(
        changes=st.dictionaries(st.sampled_from(FORM_KEYS), NUMBER_OR_TEXT),
        actors=st.lists(
            st.fixed_dictionaries({"name": TEXT, "role": TEXT}), max_size=2
        ),
        sources=st.lists(
            st.fixed_dictionaries({"url": TEXT, "title": TEXT, "quote": TEXT}),
            max_size=2,
        ),
    )
    def check(changes, actors, sources):
        before = table_counts(engine)
        draft = record_from_form(VALID_FORM | changes, actors, sources)
        try:
            writes.save_event_form(draft.record)
        except InvalidInput as error:
            outcomes["refused"] += 1
            assert all(p.field and p.reason for p in error.problems)
            assert table_counts(engine) == before, "a refused save wrote something"
            return
        outcomes["saved"] += 1
        assert table_counts(engine)["event"] == before["event"] + 1

    check()
    assert outcomes["refused"] > 0 and outcomes["saved"] > 0
