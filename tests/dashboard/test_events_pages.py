"""The events table page and the event page, built over a real seeded database.

Layouts and callbacks are called directly, without a browser."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from dash import dcc, html, no_update
from dash._callback_context import context_value
from dash._utils import AttributeDict
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
from tracker.store.history import event_history

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


def grid_rows(page) -> list[dict]:
    return find(page, ids.EVENTS_GRID).rowData


# --- events page ----------------------------------------------------------------


def test_events_layout_counts_the_matching_events_and_keeps_the_filter(app):
    with app.server.test_request_context("/events"):
        page = events.layout()
    assert text(find(page, ids.EVENTS_COUNT)).startswith(
        "13 events · confirmed and disputed events"
    )
    assert find(page, ids.EVENTS_FILTER).data == ""
    assert find(page, ids.EVENTS_STATE).data == ""
    assert text(find(page, ids.EVENTS_ROWS)) == "rows 1–13 of 13"
    grid = find(page, ids.EVENTS_GRID)
    assert grid.getRowId == "params.data.id.toString()"
    assert grid.style["height"].startswith("calc(100vh")
    # Date order is 1-5, 12 (May), 6-11 (24 May), 13 (June).
    assert [r["id"] for r in grid.rowData] == [1, 2, 3, 4, 5, 12, *range(6, 12), 13]
    strike = next(r for r in grid.rowData if r["id"] == STRIKE_ID)
    assert strike["date"] == "24–25 May 2025 (week)"
    assert strike["type"] == "ASSAULT / heavy-weapons"
    assert (strike["fatalities_best"], strike["quad_class"]) == (14, 4)
    assert (strike["place"], strike["country"], strike["version"]) == (
        "Ukraine",
        "UKR",
        1,
    )
    assert strike["initiators"] == ""  # extra columns are read only when chosen


def test_events_layout_with_a_type_filter_exports_exactly_that_filter(app):
    with app.server.test_request_context("/events?event_types=ASSAULT"):
        page = events.layout(event_types="ASSAULT")
    assert (
        text(find(page, ids.EVENTS_COUNT))
        == "4 events · confirmed and disputed events type ASSAULT"
    )
    assert find(page, ids.EVENTS_FILTER).data == "event_types=ASSAULT"
    assert {r["type"].split(" / ")[0] for r in grid_rows(page)} == {"ASSAULT"}
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
    assert (grid_rows(page), text(find(page, ids.EVENTS_ROWS))) == ([], "no rows")


def test_events_layout_sorts_by_fatalities_descending_with_unknown_last(app):
    with app.server.test_request_context("/events"):
        page = events.layout(sort="fatalities_best", desc="1")
    killed_column = [r["fatalities_best"] for r in grid_rows(page)]
    assert grid_rows(page)[0]["id"] == STRIKE_ID
    assert killed_column[:2] == [14, 3]
    assert killed_column[2:] == [None] * 11
    killed = next(
        c
        for c in find(page, ids.EVENTS_GRID).columnDefs
        if c.get("colId") == "fatalities_best"
    )
    assert killed["sort"] == "desc"


def test_events_layout_shows_the_chosen_columns_only(app):
    with app.server.test_request_context("/events"):
        page = events.layout(cols="notes,admin1,nonsense")
    headers = [c["headerName"] for c in find(page, ids.EVENTS_GRID).columnDefs]
    assert headers[-2:] == ["Admin1", "Notes"]
    assert find(page, ids.EVENTS_COLUMNS).value == ["admin1", "notes"]
    assert find(page, ids.EVENTS_STATE).data == "?cols=admin1%2Cnotes"
    with app.server.test_request_context("/events"):
        actors = events.layout(cols="initiators")
    strike = next(r for r in grid_rows(actors) if r["id"] == STRIKE_ID)
    assert "Military Forces of Russia" in strike["initiators"]


def page_through(app, query: dict) -> tuple[list[int], dict]:
    """The ids of the page `query` asks for, and its pager's links."""
    with app.server.test_request_context("/events"):
        page = events.layout(**query)
    links = {
        name: getattr(find(page, link_id), "href", None)
        for name, link_id in ids.EVENTS_PAGE_LINKS.items()
    }
    return [r["id"] for r in grid_rows(page)], links


def query_of(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(href.split("?", 1)[1]).items()}


def test_pages_follow_their_cursors_forward_back_and_from_the_end(app, monkeypatch):
    sort = {"sort": "event_type"}
    with app.server.test_request_context("/events"):
        everything = [r["id"] for r in grid_rows(events.layout(**sort))]
    monkeypatch.setattr(events, "PAGE_SIZE", 5)
    monkeypatch.setattr("dashboard.components.table_state.PAGE_SIZE", 5)
    first, links = page_through(app, sort)
    assert links["first"] is links["previous"] is None
    second, links = page_through(app, query_of(links["next"]))
    assert "after=" in links["next"] and "before=" not in links["previous"]
    third, last_links = page_through(app, query_of(links["next"]))
    assert last_links["next"] is None
    assert first + second + third == everything
    # From the last page (read by the reverse order), back by its first row's cursor.
    last, links = page_through(app, query_of(links["last"]))
    assert last == third
    assert "before=" in links["previous"]
    back, _ = page_through(app, query_of(links["previous"]))
    assert back == second


def test_a_page_cursor_is_followed_rather_than_the_row_number(app):
    # Date order is 1-5, 12, 6-11, 13: after event 7's cursor come 8-11 and 13,
    # whatever page number the URL claims.
    with app.server.test_request_context("/events"):
        page = events.layout(page="1", after="2025-05-24,7")
    assert [r["id"] for r in grid_rows(page)] == [8, 9, 10, 11, 13]


def test_a_page_from_another_sort_or_nonsense_falls_back_to_the_row_number(app):
    with app.server.test_request_context("/events"):
        page = events.layout(sort="event_type", after="2025-05-24,7", page="x")
        wild = events.layout(sort="zzz", desc="maybe", page="99999999999")
    assert len(grid_rows(page)) == 13
    assert text(find(wild, ids.EVENTS_ROWS)) == "rows 1–13 of 13"


def test_on_sort_puts_the_new_sort_in_the_url_from_its_first_page():
    state = [
        {"colId": "date_start", "sort": None},
        {"colId": "fatalities_best", "sort": "desc"},
    ]
    search = "?event_types=ASSAULT&page=3&after=2025-05-24%2C7&cols=admin1"
    assert events.on_sort(state, search) == (
        "?event_types=ASSAULT&sort=fatalities_best&desc=1&cols=admin1"
    )
    with pytest.raises(PreventUpdate):  # the sort the page already has
        events.on_sort([{"colId": "date_start", "sort": "asc"}], "")
    with pytest.raises(PreventUpdate):  # not a sort the server offers
        events.on_sort([{"colId": "title", "sort": "asc"}], "")


def test_on_columns_keeps_the_page_and_its_cursor():
    search = "?page=2&after=2025-05-24%2C7"
    assert events.on_columns(["notes", "initiators"], search) == (
        "?page=2&after=2025-05-24%2C7&cols=initiators%2Cnotes"
    )
    with pytest.raises(PreventUpdate):
        events.on_columns([], "")


def test_on_row_click_opens_the_clicked_event_but_not_from_its_link_or_tick():
    cell = {"rowId": "6", "colId": "title"}
    assert events.on_row_click(cell, "") == ("/events/6", "")
    assert events.on_row_click(cell, "countries=UKR") == ("/events/6", "?countries=UKR")
    for cell in ({"rowId": None}, {"rowId": "6", "colId": "link"}):
        with pytest.raises(PreventUpdate):
            events.on_row_click(cell, "")


def click_bulk(kind: str, messages: int = 1) -> None:
    """Set the callback context of a click on the bulk action `kind`."""
    button = json.dumps(
        {"kind": kind, "type": ids.EVENTS_BULK_ACTION}, separators=(",", ":")
    )
    message = {
        "id": {"type": ids.EVENTS_BULK_MESSAGE, "table": "events"},
        "property": "children",
    }
    context_value.set(
        AttributeDict(
            triggered_inputs=[{"prop_id": f"{button}.n_clicks", "value": 1}],
            outputs_list=[[message] * messages, {}, {}],
        )
    )


def bulk(kind: str, selected, tag=None, status=None, search="") -> tuple:
    click_bulk(kind)
    values, fields = [tag, status], [{"field": "tag"}, {"field": "status"}]
    return events.on_bulk_action([1], selected, values, fields, search)


def history_of(app, event_id):
    engine = app.server.config[ENGINE_KEY]
    with session_scope(engine) as session:
        return [
            (h.version, h.action, h.username, h.via, h.changes)
            for h in event_history(session, event_id)
        ]


def test_on_bulk_action_tags_the_ticked_rows_and_shows_the_page_anew(app):
    ticked = [{"id": STRIKE_ID, "version": 1}, {"id": THREAT_ID, "version": 1}]
    with request_as(app, "/events", "editor"):
        message, rows, selected = bulk("add_tag", ticked, tag=" checked ")
    assert message == ["2 events tagged 'checked'."]
    assert selected == []
    versions = {r["id"]: r["version"] for r in rows}
    assert (versions[STRIKE_ID], versions[THREAT_ID], versions[1]) == (2, 2, 1)
    assert history_of(app, STRIKE_ID)[0] == (
        2,
        "update",
        "editor",
        "events table",
        {"tags": [["seed"], ["checked", "seed"]]},
    )


def test_on_bulk_action_sets_status_then_retracts(app):
    with request_as(app, "/events", "editor"):
        said, _, _ = bulk("set_status", [{"id": 1, "version": 1}], status="disputed")
        retracted, rows, _ = bulk("retract", [{"id": 1, "version": 2}])
    assert said == ["1 event set to disputed."]
    assert retracted == ["1 event retracted."]
    assert 1 not in {r["id"] for r in rows}  # retracted events are not listed
    assert [h[1] for h in history_of(app, 1)] == ["retract", "update", "create"]


def test_on_bulk_action_refuses_a_viewer_and_a_stale_row_changing_nothing(app):
    ticked = [{"id": STRIKE_ID, "version": 1}]
    with request_as(app, "/events", "viewer"):
        refused = bulk("retract", ticked)
    with request_as(app, "/events", "editor"):
        stale = bulk("add_tag", [{"id": THREAT_ID, "version": 7}], tag="x")
        empty = bulk("add_tag", [], tag="x")
    assert refused[0] == [
        "You are logged in as viewer (viewer): viewers cannot retract events. "
        "Nothing was changed."
    ]
    assert refused[1:] == (no_update, no_update)
    assert "was saved by someone else" in stale[0][0]
    assert "select at least one event" in empty[0][0]
    assert len(history_of(app, STRIKE_ID)) == len(history_of(app, THREAT_ID)) == 1


def test_the_bulk_controls_are_for_editors_only(app):
    with request_as(app, "/events", "viewer"):
        viewer = events.layout()
    with request_as(app, "/events", "editor"):
        editor = events.layout()
    assert "Add tag" not in text(viewer) and "Add tag" in text(editor)
    assert "rowSelection" not in find(viewer, ids.EVENTS_GRID).dashGridOptions
    assert find(editor, ids.EVENTS_GRID).dashGridOptions["rowSelection"]["mode"] == (
        "multiRow"
    )


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
