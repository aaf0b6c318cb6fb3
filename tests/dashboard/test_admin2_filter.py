"""The admin2 filter in the panel and the Admin2 field on the form (issue 14), without
a browser: the dropdown offers the districts of known places as typed, the URL's
admin2 reaches the count, the panel's controls and its chips, and the form shows and
reads a place's district. Expected counts come from SQL written here."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from dashboard import ids
from dashboard.app import create_app
from dashboard.components import event_draft, event_form_fields
from dashboard.components.event_card import where
from dashboard.components.filter_panel import (
    CONTROLS,
    chip_list,
    controls_from_filter,
    filter_from_controls,
    update_admin2_options,
)
from dashboard.pages import timeline
from tests.dashboard.conftest import request_as
from tests.dashboard.test_timeline import find
from tracker.db import make_engine, session_scope
from tracker.models import EventCreate
from tracker.query.filters import EventFilter
from tracker.store.events import create_event

PLACES = [
    ("Kupiansk", "Kupianskyi"),
    ("Kivsharivka", "Kupianskyi"),
    ("Izium", "Iziumskyi"),
    ("Balakliia", None),
]


@pytest.fixture
def app(database_url):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        for town, district in PLACES:
            location = {"name": town, "country": "UKR", "admin1": "Kharkiv"}
            data = {
                "title": f"Shelling of {town}",
                "event_type": "ASSAULT",
                "date_start": "2025-05-14",
                "location": location | ({"admin2": district} if district else {}),
            }
            create_event(session, EventCreate.model_validate(data))
    engine.dispose()
    return create_app(database_url)


def confirmed_in_district(database_url: str, district: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(
            text(
                "SELECT count(*) FROM event e JOIN location l ON l.id = e.location_id"
                " WHERE lower(l.admin2) = lower(:district)"
                " AND e.status IN ('confirmed', 'disputed')"
            ),
            {"district": district},
        ).scalar_one()
    engine.dispose()
    return count


@pytest.mark.parametrize("typed", ["kup", "KUPIANSKYI", "anskyi"])
def test_admin2_options_offer_the_districts_containing_what_is_typed(app, typed):
    with request_as(app, role="viewer"):
        options = update_admin2_options(typed, [])
    assert [o["value"] for o in options] == ["Kupianskyi"]


def test_admin2_options_keep_the_districts_already_chosen(app):
    with request_as(app, role="viewer"):
        options = update_admin2_options("izium", ["Kupianskyi"])
    assert {o["value"] for o in options} == {"Iziumskyi", "Kupianskyi"}


def test_the_timeline_with_admin2_in_the_url_counts_that_districts_events(
    app, database_url
):
    expected = confirmed_in_district(database_url, "Kupianskyi")
    assert expected == 2
    query = {"admin2": "kupianskyi"}
    with request_as(app, path="/?" + urlencode(query), role="viewer"):
        page = timeline.layout(**query)
    summary = find(page, "timeline-summary").children
    assert summary.startswith(f"{expected} events ·"), summary
    assert "admin2 kupianskyi" in summary


def test_the_panel_shows_and_reads_admin2_and_chips_it():
    chosen = EventFilter(admin2=("Kupianskyi", "Iziumskyi"))
    controls = controls_from_filter(chosen)
    at = [component for component, _ in CONTROLS].index(ids.FILTER_ADMIN2)
    assert controls[at] == ["Kupianskyi", "Iziumskyi"]
    assert filter_from_controls(*controls) == chosen
    labels = [chip.children[0] for chip in chip_list(chosen)]
    assert labels == ["admin2: Kupianskyi", "admin2: Iziumskyi"]


def test_the_form_shows_a_places_district_and_reads_it_back():
    part = event_form_fields.where_part({"admin2": "Kupianskyi"})
    assert find(part, ids.FORM_ADMIN2).value == "Kupianskyi"
    values = {"title": "Shelling", "location": "Kupiansk", "admin2": " Kupianskyi "}
    draft = event_draft.record_from_form(values, [], [])
    assert draft.record["location"] == {"name": "Kupiansk", "admin2": "Kupianskyi"}


def test_the_event_card_names_the_district_between_place_and_region():
    location = {
        "name": "Kupiansk",
        "admin2": "Kupianskyi",
        "admin1": "Kharkiv",
        "country": "UKR",
        "latitude": 49.7106,
        "longitude": 37.6156,
        "geo_precision": "exact",
    }
    assert where(location)[0].startswith("Kupiansk, Kupianskyi, Kharkiv, Ukraine")
