"""The event page's "Possible duplicates" section, over a seeded database.

The layout is called directly, without a browser, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from dash import dcc

from dashboard import ids
from dashboard.app import create_app
from dashboard.pages import event
from tracker.db import make_engine, session_scope
from tracker.matching.candidates import (
    dismiss_candidate,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import EventCreate
from tracker.seed import seed_database
from tracker.store.events import create_event

STRIKE_ID = 6  # the seed's ballistic-missile attack, 24-25 May 2025, week precision
REPORT_ID = 13  # the GDELT report of it added below
GDELT_REPORT = {
    "title": "Russian missiles strike Ukraine, killing civilians",
    "event_type": "ASSAULT",
    "date_start": "2025-05-25",
    # GDELT places a country-level report at the country's centroid, as the seed does.
    "location": {
        "name": "Ukraine",
        "country": "UKR",
        "latitude": 49.0,
        "longitude": 32.0,
        "geo_precision": "country",
    },
    "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
    "sources": [{"url": "https://example.org/gdelt/strike", "quote": "Missiles hit."}],
    "dataset": "gdelt",
    "external_id": "1234567890",
}


@pytest.fixture
def engine(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        report = create_event(session, EventCreate.model_validate(GDELT_REPORT))
        assert report.id == REPORT_ID
        find_duplicate_candidates(session, [report.id])
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine, database_url):
    return create_app(database_url)


def walk(component):
    """Every component in a layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def text(component) -> str:
    """All the text of a layout tree, as a reader would see it."""
    if component is None or isinstance(component, str | int | float):
        return "" if component is None else str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text(child) for child in children)
    return text(children)


def section(app, event_id: int):
    with app.server.test_request_context(f"/events/{event_id}"):
        page = event.layout(event_id=str(event_id))
    return next(
        (c for c in walk(page) if getattr(c, "id", None) == ids.EVENT_DUPLICATES), None
    )


def test_event_page_of_a_strike_with_a_candidate_shows_the_possible_duplicate(app):
    found = section(app, STRIKE_ID)
    assert found is not None
    words = text(found)
    assert words.startswith("Possible duplicates")
    assert f"#{REPORT_ID} Russian missiles strike Ukraine, killing civilians" in words
    assert "25 May 2025 (day) · Ukraine · dataset gdelt" in words
    assert (
        "same type ASSAULT; dates overlap (24–25 May 2025 (week) vs 25 May 2025 (day))"
        "; 0.0 km apart; shared actor Military Forces of Russia." in words
    )
    assert "Open (candidate #" in words and "not decided yet" in words
    links = [c.href for c in walk(found) if isinstance(c, dcc.Link)]
    assert links == [f"/events/{REPORT_ID}"]


def test_event_page_of_the_report_links_back_to_both_seed_strikes(app):
    links = [c.href for c in walk(section(app, REPORT_ID)) if isinstance(c, dcc.Link)]
    # The month-long campaign (event 5) overlaps too, at a lower score.
    assert links == [f"/events/{STRIKE_ID}", "/events/5"]


def test_event_page_of_a_dismissed_candidate_says_so(app, engine):
    with session_scope(engine) as session:
        for row in list_duplicate_candidates(session, event_id=STRIKE_ID):
            dismiss_candidate(session, row.id)
    words = text(section(app, STRIKE_ID))
    assert "Dismissed (candidate #" in words and "judged to be different" in words


def test_event_page_of_a_merged_candidate_says_which_event_was_retracted(app, engine):
    with session_scope(engine) as session:
        [row] = list_duplicate_candidates(session, event_id=STRIKE_ID)
        merge_candidate(session, row.id, keep=STRIKE_ID)
    strike = text(section(app, STRIKE_ID))
    assert f"#{REPORT_ID} was retracted as a duplicate of this event." in strike
    report = text(section(app, REPORT_ID))
    assert f"this event was retracted as a duplicate of #{STRIKE_ID}." in report


def test_event_page_without_candidates_has_no_duplicates_section(app):
    assert section(app, 1) is None
