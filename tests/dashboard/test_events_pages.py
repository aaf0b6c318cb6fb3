"""The events table page and the event page, built over a real seeded database.

Layouts and callbacks are called directly, without a browser."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from dash import dcc, html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.app import create_app
from dashboard.components.event_card import killed, safe_url
from dashboard.pages import event, events
from dashboard.services import ENGINE_KEY
from tests.dashboard.conftest import client_as, request_as
from tracker.db import make_engine, session_scope
from tracker.importing import import_file
from tracker.models import EventCreate
from tracker.query.events import find_event_by_external_id
from tracker.seed import seed_database
from tracker.store.events import create_event

STRIKE_ID = 6  # the ballistic-missile attack: 14 killed, 6 children, week precision
THREAT_ID, WALK_BACK_ID = 8, 11


@pytest.fixture
def app(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        create_event(
            session,
            EventCreate.model_validate(
                {
                    "title": "Drone strike on Odesa port",
                    "event_type": "ASSAULT",
                    "mode": "drone",
                    "date_start": "2025-06-02",
                    "fatalities": {"low": 2, "best": 3, "high": 5},
                    "sources": [
                        {
                            "url": "https://example.org/odesa",
                            "publisher": "Example News",
                            "quote": "Three people died in the port.",
                        }
                    ],
                }
            ),
        )
    engine.dispose()
    return create_app(database_url)


def walk(component):
    """Every component in a layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def find(component, component_id):
    """The component with `component_id` in a layout tree, or None."""
    return next(
        (c for c in walk(component) if getattr(c, "id", None) == component_id), None
    )


def text(component) -> str:
    """All the text of a layout tree, as a reader would see it."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return "".join(text(child) for child in children)
    return text(children)


def request(start=0, end=100, sort=None):
    return {"startRow": start, "endRow": end, "sortModel": sort or []}


# --- events page ----------------------------------------------------------------


def test_events_layout_counts_the_matching_events_and_keeps_the_filter(app):
    with app.server.test_request_context("/events"):
        page = events.layout()
    assert text(find(page, ids.EVENTS_COUNT)).startswith(
        "13 events · confirmed and disputed events"
    )
    assert find(page, ids.EVENTS_FILTER).data == ""
    grid = find(page, ids.EVENTS_GRID)
    assert grid.rowModelType == "infinite"
    assert grid.getRowId == "params.data.id.toString()"
    assert grid.style["height"] == "600px"


def test_events_layout_with_a_type_filter_exports_exactly_that_filter(app):
    with app.server.test_request_context("/events?event_types=ASSAULT"):
        page = events.layout(event_types="ASSAULT")
    assert (
        text(find(page, ids.EVENTS_COUNT))
        == "4 events · confirmed and disputed events type ASSAULT"
    )
    assert find(page, ids.EVENTS_FILTER).data == "event_types=ASSAULT"
    export = find(page, ids.EVENTS_EXPORT)
    acled = find(page, ids.EVENTS_EXPORT_ACLED)
    assert (export.children, export.href) == (
        "Export CSV",
        "/export.csv?event_types=ASSAULT",
    )
    assert (acled.children, acled.href) == (
        "Export ACLED CSV",
        "/export.csv?event_types=ASSAULT&columns=acled",
    )


def test_events_layout_with_no_match_says_what_to_change(app):
    with app.server.test_request_context("/events?text=zzz"):
        page = events.layout(text="zzz")
    assert text(find(page, ids.EVENTS_COUNT)).startswith("0 events")
    empty = next(c for c in walk(page) if getattr(c, "className", "") == "empty")
    assert empty.hidden is False
    assert "No events match these filters" in text(empty)


def test_update_grid_rows_answers_the_first_block_in_date_order(app):
    with app.server.test_request_context("/"):
        response, cursors = events.update_grid_rows(
            request(sort=[{"colId": "date_start", "sort": "asc"}]), "", {}
        )
    rows = response["rowData"]
    assert response["rowCount"] == 13  # a short block: the end is known
    assert [r["id"] for r in rows[:2]] == [1, 2]
    assert rows[-1]["title"] == "Drone strike on Odesa port"
    strike = next(r for r in rows if r["id"] == STRIKE_ID)
    assert strike["date"] == "24–25 May 2025 (week)"
    assert strike["type"] == "ASSAULT / heavy-weapons"
    assert (strike["fatalities_best"], strike["quad_class"]) == (14, 4)
    assert (strike["place"], strike["country"]) == ("Ukraine", "UKR")
    assert cursors["blocks"] == {"13": ["2025-06-02", 13]}


def test_update_grid_rows_sorts_by_fatalities_descending_with_unknown_last(app):
    sort = [{"colId": "fatalities_best", "sort": "desc"}]
    with app.server.test_request_context("/"):
        response, _ = events.update_grid_rows(request(sort=sort), "", {})
    killed_column = [r["fatalities_best"] for r in response["rowData"]]
    assert response["rowData"][0]["id"] == STRIKE_ID
    assert killed_column[:2] == [14, 3]
    assert killed_column[2:] == [None] * 11


def test_update_grid_rows_continues_from_the_remembered_cursor(app):
    sort = [{"colId": "event_type", "sort": "asc"}]
    with app.server.test_request_context("/"):
        first, cursors = events.update_grid_rows(request(0, 5, sort), "", {})
        second, cursors = events.update_grid_rows(request(5, 10, sort), "", cursors)
        third, cursors = events.update_grid_rows(request(10, 15, sort), "", cursors)
        everything, _ = events.update_grid_rows(request(0, 100, sort), "", {})
    assert (first["rowCount"], second["rowCount"], third["rowCount"]) == (
        None,
        None,
        13,
    )
    paged = [r["id"] for r in first["rowData"] + second["rowData"] + third["rowData"]]
    assert paged == [r["id"] for r in everything["rowData"]]
    assert sorted(cursors["blocks"]) == ["10", "13", "5"]


def test_update_grid_rows_uses_the_cursor_rather_than_the_row_number(app):
    # Date order is 1-5, 12 (May), 6-11 (24 May), 13 (June). The cursor stored for
    # row 5 really ends at event 7: keyset paging resumes after it, OFFSET would not.
    moved = {"order": "date_start asc ?", "blocks": {"5": ["2025-05-24", 7]}}
    with app.server.test_request_context("/"):
        everything, _ = events.update_grid_rows(request(), "", {})
        response, _ = events.update_grid_rows(request(5, 10), "", moved)
    assert [r["id"] for r in everything["rowData"]] == [
        *(1, 2, 3, 4, 5, 12),
        *(6, 7, 8, 9, 10, 11, 13),
    ]
    assert [r["id"] for r in response["rowData"]] == [8, 9, 10, 11, 13]


def test_update_grid_rows_ignores_cursors_of_another_sort_or_filter(app):
    stale = {"order": "event_type asc ?", "blocks": {"5": ["ZZZ", "2025-01-01", 1]}}
    with app.server.test_request_context("/"):
        everything, _ = events.update_grid_rows(request(), "", {})
        response, cursors = events.update_grid_rows(request(5, 10), "", stale)
        filtered, _ = events.update_grid_rows(request(), "event_types=ASSAULT", {})
    expected = [r["id"] for r in everything["rowData"]][5:10]
    assert [r["id"] for r in response["rowData"]] == expected
    assert cursors["order"] == "date_start asc ?"
    assert {r["type"].split(" / ")[0] for r in filtered["rowData"]} == {"ASSAULT"}
    assert filtered["rowCount"] == 4


def test_update_grid_rows_without_a_request_does_nothing(app):
    with app.server.test_request_context("/"), pytest.raises(PreventUpdate):
        events.update_grid_rows(None, "", {})


@pytest.mark.parametrize(
    ("sort_model", "expected"),
    [
        (None, ("date_start", False)),
        ([], ("date_start", False)),
        ([{"colId": "fatalities_best", "sort": "desc"}], ("fatalities_best", True)),
        ([{"colId": "event_type", "sort": "asc"}], ("event_type", False)),
        ([{"colId": "title", "sort": "asc"}], ("date_start", False)),
    ],
)
def test_read_sort_maps_the_grid_sort_model_to_a_tracker_sort(sort_model, expected):
    assert events.read_sort(sort_model) == expected


def test_on_row_click_opens_the_clicked_event():
    assert events.on_row_click({"rowId": "6", "colId": "title"}) == "/events/6"
    with pytest.raises(PreventUpdate):
        events.on_row_click({"rowId": None})


# --- event page -----------------------------------------------------------------


def test_event_page_reads_like_a_report_of_the_strike(app):
    with request_as(app, f"/events/{STRIKE_ID}", "editor"):
        page = event.layout(event_id=str(STRIKE_ID))
    words = text(page)
    assert "Ballistic-missile attack kills 14 Ukrainians, including 6 children" in words
    assert "24–25 May 2025 (week)" in words
    assert "Material conflict" in words and "(quad class 4), score -9.5" in words
    assert "Ukraine (UKR)" in words and "only the country is known" in words
    assert "Military Forces of Russia — initiator" in words
    assert "Children killed6" in words and "Civilians killed14" in words
    assert "Injured" not in words  # not reported, so not shown as a number
    assert "confirmed · confidence 85%" in words
    quote = next(c for c in walk(page) if isinstance(c, html.Blockquote))
    assert "14 Ukrainians, including 6 children" in quote.children
    assert not any(isinstance(c, html.A) for c in walk(page))  # the seed has no URL
    assert "(no link recorded)" in words
    edit = find(page, ids.EVENT_EDIT)
    assert (edit.children, edit.href) == ("Edit event", f"/events/{STRIKE_ID}/edit")


def test_event_page_links_events_both_ways(app):
    with app.server.test_request_context(f"/events/{THREAT_ID}"):
        page = event.layout(event_id=str(THREAT_ID))
    links = {
        c.href: text(c)
        for c in walk(page)
        if isinstance(c, dcc.Link) and getattr(c, "id", None) != ids.EVENT_EDIT
    }
    assert links[f"/events/{STRIKE_ID}"].startswith(f"#{STRIKE_ID} Ballistic")
    assert links[f"/events/{WALK_BACK_ID}"].startswith(f"#{WALK_BACK_ID} Trump walks")
    words = text(page)
    assert f"responds to #{STRIKE_ID}" in words
    assert f"walked back by #{WALK_BACK_ID}" in words
    assert "Killednot reported" in words


def test_event_page_links_a_source_with_a_url_in_a_new_tab(app):
    with app.server.test_request_context("/events/13"):
        page = event.layout(event_id="13")
    anchor = next(c for c in walk(page) if isinstance(c, html.A))
    assert anchor.href == "https://example.org/odesa"
    assert (anchor.target, anchor.rel) == ("_blank", "noopener noreferrer")
    words = text(page)
    assert "3 (range 2–5)" in words
    assert "Example News" in words and "Three people died in the port." in words


@pytest.mark.parametrize("event_id", ["999", "abc", "-1", "0", "99999999999", None])
def test_event_page_of_an_unknown_or_malformed_id_says_not_found(app, event_id):
    with app.server.test_request_context(f"/events/{event_id}"):
        page = event.layout(event_id=event_id)
    words = text(page)
    assert "Event not found" in words
    assert "There is no event with the id" in words
    assert find(page, ids.EVENT_EDIT) is None


def test_event_page_is_served_over_http(app):
    client = client_as(app, "viewer")
    assert client.get(f"/events/{STRIKE_ID}").status_code == 200
    assert client.get("/events/not-a-number").status_code == 200


@pytest.mark.parametrize(
    ("fatalities", "expected"),
    [
        ({"low": None, "best": None, "high": None}, "not reported"),
        ({"low": None, "best": 0, "high": None}, "0"),
        ({"low": 4, "best": 4, "high": 4}, "4"),
        ({"low": None, "best": 7, "high": 9}, "7 (range ?–9)"),
        ({"low": 10, "best": None, "high": 20}, "10–20 (no best estimate)"),
    ],
)
def test_killed_says_the_best_estimate_and_its_range(fatalities, expected):
    assert killed(fatalities) == expected


def test_safe_url_links_only_web_addresses():
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None
    assert safe_url(None) is None


def test_event_page_shows_the_row_an_acled_event_was_imported_from(app):
    path = (
        Path(__file__).resolve().parents[1] / "data" / "acled" / "day_first_variant.csv"
    )
    with path.open(encoding="utf-8", newline="") as handle:
        [given, *_] = list(csv.DictReader(handle))
    engine = app.server.config[ENGINE_KEY]
    with session_scope(engine) as session:
        import_file(session, path)
        event_id = find_event_by_external_id(
            session, "acled", given["event_id_cnty"]
        ).id
    with request_as(app, f"/events/{event_id}", "viewer"):
        page = event.layout(event_id=str(event_id))
    section = find(page, ids.EVENT_SOURCE_RECORD)
    assert "As published by ACLED" in text(section)
    assert "Not edited since it was imported" in text(section)
    shown = {
        row.children[0].children: row.children[1].children
        for row in walk(section)
        if isinstance(row, html.Tr)
    }
    # Every column of the file, each cell as written (what tracker has no field for).
    assert shown == given
    with request_as(app, f"/events/{STRIKE_ID}", "viewer"):
        seeded = event.layout(event_id=str(STRIKE_ID))
    assert find(seeded, ids.EVENT_SOURCE_RECORD) is None
