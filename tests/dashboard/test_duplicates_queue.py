"""The duplicates queue (`/duplicates`), its layout and its callback called as
functions over a seeded database with a GDELT report of the seed's strike, on SQLite
and PostgreSQL. No browser is involved.

The report (#13) pairs with the strike (#6) and with the month-long campaign (#5)."""

from __future__ import annotations

import json

import pytest
from dash import html
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.app import create_app
from dashboard.components.shell import top_bar
from dashboard.pages import duplicates
from dashboard.services import reads
from tests.dashboard.conftest import request_as
from tests.dashboard.test_event_duplicates import GDELT_REPORT, REPORT_ID, STRIKE_ID
from tracker.db import make_engine, session_scope
from tracker.matching.candidates import list_duplicate_candidates
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import EventCreate
from tracker.query.events import get_event_record
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event
from tracker.store.history import event_history

CAMPAIGN_ID = 5


@pytest.fixture
def engine(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        report = create_event(session, EventCreate.model_validate(GDELT_REPORT))
        assert report.id == REPORT_ID
        assert find_duplicate_candidates(session, [report.id]) == 2
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine, database_url):
    app = create_app(database_url)
    with request_as(app, "/duplicates", "editor"):
        yield app


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def texts(component) -> str:
    """Every string in a layout tree (or a callback's children), joined: what a
    reader sees."""
    if isinstance(component, list):
        component = html.Div(component)
    found = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if isinstance(child, str):
                found.append(child)
    return " ".join(found)


def candidates(engine) -> dict[int, int]:
    """The open candidates: the other event of each pair with the report."""
    with session_scope(engine) as session:
        rows = list_duplicate_candidates(session)
    return {row.counterpart(REPORT_ID).id: row.id for row in rows}


def cards(component) -> list[str]:
    """The candidates shown, in order, in a layout or a callback's children."""
    if isinstance(component, list):
        component = html.Div(component)
    return [c.id for c in walk(component) if isinstance(c, html.Article)]


def buttons(component) -> list[dict]:
    return [
        c.id for c in walk(component) if isinstance(c, html.Button) and c.id is not None
    ]


def pressed(component_id: dict) -> None:
    """Make the callback context say `component_id` was clicked."""
    prop = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": f"{prop}.n_clicks", "value": 1}])
    )


def test_layout_lists_the_pairs_side_by_side_likeliest_first(app, engine):
    open_ = candidates(engine)
    page = duplicates.layout()
    assert cards(page) == [
        f"duplicates-candidate-{open_[STRIKE_ID]}",
        f"duplicates-candidate-{open_[CAMPAIGN_ID]}",
    ]
    words = texts(page)
    assert "Candidates 1–2 of 2, likeliest first · page 1 of 1" in words
    assert "same type ASSAULT; dates overlap (24–25 May 2025 (week)" in words
    for shown in (
        "24–25 May 2025 (week)",  # the date with its precision
        "25 May 2025 (day)",
        "gdelt, id 1234567890",
        "Explosions/Remote violence — Shelling/artillery/missile attack",
        "none (ACLED would not record this event)",
        "Military Forces of Russia (initiator)",
        "https://example.org/gdelt/strike",
    ):
        assert shown in words, shown
    assert {
        "type": ids.DUPLICATES_KEEP,
        "candidate": open_[STRIKE_ID],
        "keep": STRIKE_ID,
    } in buttons(page)


def test_layout_for_a_viewer_has_no_decisions_and_says_why(app, engine):
    with request_as(app, "/duplicates", "viewer"):
        page = duplicates.layout()
        nav = texts(top_bar())
    assert buttons(page) == []
    assert "viewers cannot merge events" in texts(page)
    assert len(cards(page)) == 2
    assert "Duplicates" not in nav


def test_nav_offers_the_queue_to_an_editor(app):
    assert "Duplicates" in texts(top_bar())


def test_layout_narrowed_by_the_filter_keeps_pairs_with_a_matching_event(app, engine):
    strike_only = duplicates.layout(text="Ballistic-missile attack kills")
    assert len(cards(strike_only)) == 1
    assert "Candidates 1–1 of 1" in texts(strike_only)
    none = duplicates.layout(datasets="ucdp")
    assert cards(none) == []
    assert "No open duplicate candidates have an event matching" in texts(none)


def test_layout_pages_the_queue_and_a_page_past_the_end_shows_the_last(
    app, engine, monkeypatch
):
    monkeypatch.setattr(reads, "QUEUE_PAGE_SIZE", 1)
    first, second = duplicates.layout(), duplicates.layout(page="2")
    assert "Candidates 1–1 of 2" in texts(first)
    assert "Candidates 2–2 of 2, likeliest first · page 2 of 2" in texts(second)
    assert cards(first) != cards(second)
    links = [c.href for c in walk(first) if getattr(c, "href", None)]
    assert "/duplicates?page=2" in links
    assert cards(duplicates.layout(page="9")) == cards(second)
    assert cards(duplicates.layout(page="x")) == cards(first)


def test_on_decide_merges_keeping_the_chosen_event_and_records_history(app, engine):
    open_ = candidates(engine)
    pressed(
        {"type": ids.DUPLICATES_KEEP, "candidate": open_[STRIKE_ID], "keep": STRIKE_ID}
    )
    queue, said = duplicates.on_decide([1, None, None, None], [None, None], "")
    assert said.startswith(
        f"Candidate #{open_[STRIKE_ID]} merged: #{REPORT_ID} is retracted as a "
        f"duplicate of #{STRIKE_ID}, which gained 1 source."
    )
    assert cards(queue) == [f"duplicates-candidate-{open_[CAMPAIGN_ID]}"]
    # The report's other pair stays open, saying the report is gone already.
    assert f"#{REPORT_ID} is retracted already" in texts(queue)
    kept = [b.get("keep") for b in buttons(html.Div(queue))]
    assert kept == [CAMPAIGN_ID, None]  # the report cannot be kept; dismiss
    with session_scope(engine) as session:
        assert get_event_record(session, REPORT_ID).status == "retracted"
        [merged, _] = event_history(session, REPORT_ID)
    assert (merged.action, merged.username) == ("merge", "editor")
    assert merged.via == f"duplicates queue: merged into event {STRIKE_ID}"


def test_on_decide_dismisses_and_notes_it_in_both_histories(app, engine):
    open_ = candidates(engine)
    pressed({"type": ids.DUPLICATES_DISMISS, "candidate": open_[CAMPAIGN_ID]})
    queue, said = duplicates.on_decide([None] * 4, [None, 1], "?page=1")
    assert said == (
        f"Candidate #{open_[CAMPAIGN_ID]} dismissed: #{CAMPAIGN_ID} and #{REPORT_ID} "
        "stay separate events, and the pair will not be raised again."
    )
    assert cards(queue) == [f"duplicates-candidate-{open_[STRIKE_ID]}"]
    with session_scope(engine) as session:
        for event_id, other in ((CAMPAIGN_ID, REPORT_ID), (REPORT_ID, CAMPAIGN_ID)):
            note = event_history(session, event_id)[0]
            assert (note.action, note.username, note.version) == (
                "dismiss",
                "editor",
                1,
            )
            assert note.via == f"duplicates queue: not a duplicate of event {other}"


def test_on_decide_of_a_decided_pair_says_so_and_draws_the_queue_again(app, engine):
    open_ = candidates(engine)
    pressed({"type": ids.DUPLICATES_DISMISS, "candidate": open_[CAMPAIGN_ID]})
    duplicates.on_decide([None] * 4, [None, 1], "")
    queue, said = duplicates.on_decide([None] * 4, [None, 1], "")  # a stale card
    assert f"candidate #{open_[CAMPAIGN_ID]} is already dismissed" in said
    assert len(cards(queue)) == 1


def test_on_decide_keeps_the_filter_and_page_of_the_url(app, engine):
    open_ = candidates(engine)
    pressed({"type": ids.DUPLICATES_DISMISS, "candidate": open_[CAMPAIGN_ID]})
    search = "?text=Ballistic-missile+attack+kills&page=3"
    queue, _ = duplicates.on_decide([None] * 4, [None, 1], search)
    assert cards(queue) == [f"duplicates-candidate-{open_[STRIKE_ID]}"]
    assert "Candidates 1–1 of 1, likeliest first · page 1 of 1 with " in texts(queue)


def test_on_decide_by_a_viewer_is_refused_and_changes_nothing(app, engine):
    open_ = candidates(engine)
    with request_as(app, "/duplicates", "viewer"):
        pressed({"type": ids.DUPLICATES_DISMISS, "candidate": open_[CAMPAIGN_ID]})
        queue, said = duplicates.on_decide([None] * 4, [None, 1], "")
    assert "viewers cannot merge events. Nothing was changed." in said
    assert candidates(engine) == open_
    assert len(cards(queue)) == 2


def test_on_decide_when_buttons_appear_does_nothing(app):
    context_value.set(AttributeDict(triggered_inputs=[]))
    with pytest.raises(PreventUpdate):
        duplicates.on_decide([None], [None], "")


def test_layout_of_an_empty_queue_says_how_to_find_pairs(app, engine):
    for candidate in candidates(engine).values():
        pressed({"type": ids.DUPLICATES_DISMISS, "candidate": candidate})
        duplicates.on_decide([None] * 4, [1], "")
    page = duplicates.layout()
    assert "every pair flagged so far is decided" in texts(page)
    assert "`tracker duplicates scan`" in texts(page)
    assert reads.duplicates_page(EventFilter(), 1).total == 0
