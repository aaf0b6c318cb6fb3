"""Figures a dataset published out of order (issue 17) in the dashboard: shown on the
event page and in the table, found by the filter panel, kept by an edit that leaves
them alone, and checked strictly once an analyst types figures, on both backends.

The flagged events come from tests/data/ucdp/published_out_of_order.csv (invented)."""

from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.components import filter_panel
from dashboard.components.event_card import event_card
from dashboard.components.event_draft import record_from_form
from dashboard.components.events_table import grid_row
from dashboard.pages import event_form
from dashboard.services import reads, writes
from tests.dashboard.conftest import request_as
from tests.dashboard.test_event_form import (
    SOURCE,
    VALID,
    count,
    edit_form,
    field_message,
    record,
    submit,
    walk,
)
from tracker.db import make_engine, session_scope
from tracker.errors import InvalidInput
from tracker.importing import import_file
from tracker.query.events import find_event_by_external_id, list_events
from tracker.query.filters import EventFilter
from tracker.seed import seed_database

from ..conftest import REPO_ROOT

PUBLISHED = REPO_ROOT / "tests" / "data" / "ucdp" / "published_out_of_order.csv"
# In the file: low 5294, best 5294, high 0, code_status "Check deaths".
CHECK_DEATHS = "900021"
CHECK_DEATHS_FLAG = (
    "As published by UCDP: best 5,294 above high 0 (code_status: Check deaths)"
)


@pytest.fixture
def engine(database_url, seed_dir):
    """The seeded database, as the form tests have it."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine, database_url):
    app = create_app(database_url)
    with request_as(app, "/", "editor"):
        yield app


@pytest.fixture
def flagged_id(engine) -> int:
    """The id of the imported "Check deaths" event (the seed events come first)."""
    with session_scope(engine) as session:
        import_file(session, PUBLISHED, duplicate_check=False)
    with session_scope(engine) as session:
        return find_event_by_external_id(session, "ucdp", CHECK_DEATHS).id


def by_id(page, component_id):
    return next(c for c in walk(page) if getattr(c, "id", None) == component_id)


# --- Shown ----------------------------------------------------------------------------


def test_event_page_shows_the_flag_next_to_the_figures(app, engine, flagged_id):
    card = event_card(reads.event_page_data(flagged_id))
    assert by_id(card, ids.EVENT_FIGURES_FLAG).children == CHECK_DEATHS_FLAG
    # An event without a flag shows none.
    assert not [
        c
        for c in walk(event_card(reads.event_page_data(6)))
        if getattr(c, "id", None) == ids.EVENT_FIGURES_FLAG
    ]


def test_events_table_marks_flagged_rows_only(app, engine, flagged_id):
    with session_scope(engine) as session:
        rows = list_events(session, EventFilter(), limit=100)
    marked = {r["id"]: r for r in map(grid_row, rows) if r["flagged"]}
    # Three of the file's four rows are out of order; no seed event is.
    with session_scope(engine) as session:
        expected = {
            find_event_by_external_id(session, "ucdp", str(n)).id
            for n in (900021, 900022, 900023)
        }
    assert set(marked) == expected
    assert marked[flagged_id]["figures_flag"] == CHECK_DEATHS_FLAG


# --- Filter panel ---------------------------------------------------------------------


def test_filter_panel_checkbox_reads_and_writes_the_flagged_filter():
    controls = [None, None, [[], [], [], []], [], [], [], [], "", None, []]
    ticked = filter_panel.filter_from_controls(*controls, [filter_panel.FLAGGED])
    assert ticked == EventFilter(flagged_figures=True)
    assert filter_panel.filter_from_controls(*controls, []) == EventFilter()
    flagged_at = [c for c, _ in filter_panel.CONTROLS].index(ids.FILTER_FLAGGED)
    shown = filter_panel.controls_from_filter(ticked)[flagged_at]
    assert shown == [filter_panel.FLAGGED]
    [chip] = filter_panel.chip_list(ticked)
    assert chip.id["field"] == "flagged_figures"
    assert filter_panel.without(ticked, "flagged_figures", "flagged") == EventFilter()


# --- Editing --------------------------------------------------------------------------


def test_hand_typed_best_above_high_is_refused_and_nothing_saved(app, engine):
    before = count(engine)
    result = submit({**VALID, "fatalities_best": "10", "fatalities_high": "5"})
    assert field_message(result, "fatalities_best") == (
        "Fatalities (best): best (10) must not exceed high (5)"
    )
    assert count(engine) == before


def test_a_flag_sent_with_a_new_event_is_not_taken(app, engine):
    # The form never sends one; a crafted request that does is checked as typed.
    before = count(engine)
    draft = record_from_form(
        {**VALID, "fatalities_best": "10", "fatalities_high": "5"}, [], [SOURCE]
    )
    with pytest.raises(InvalidInput) as caught:
        writes.save_event_form(draft.record | {"figures_flag": "As published"})
    assert [(p.field, p.reason) for p in caught.value.problems] == [
        ("fatalities", "best (10) must not exceed high (5)")
    ]
    assert count(engine) == before


def test_edit_leaving_flagged_figures_alone_saves_and_keeps_the_flag(
    app, engine, flagged_id
):
    contents, editing = edit_form(engine, flagged_id)
    assert by_id(
        event_form.edit_layout(event_id=str(flagged_id)), ids.FORM_FIGURES_FLAG
    ).children.startswith(f"Figures flagged: {CHECK_DEATHS_FLAG}.")
    values = {**contents["values"], "title": "Checked against the UCDP release"}
    result = submit(values, contents["actors"], contents["sources"], editing)
    assert result["page"] == f"/events/{flagged_id}", result["summary"]
    after = record(engine, flagged_id)
    assert after.title == "Checked against the UCDP release"
    assert after.fatalities == {"low": 5294, "best": 5294, "high": 0}
    assert after.figures_flag == CHECK_DEATHS_FLAG


def test_edit_putting_the_figures_in_order_clears_the_flag(app, engine, flagged_id):
    contents, editing = edit_form(engine, flagged_id)
    values = {**contents["values"], "fatalities_high": 5294}
    result = submit(values, contents["actors"], contents["sources"], editing)
    assert result["page"] == f"/events/{flagged_id}", result["summary"]
    after = record(engine, flagged_id)
    assert after.fatalities == {"low": 5294, "best": 5294, "high": 5294}
    assert after.figures_flag is None
    with session_scope(engine) as session:
        flagged = list_events(session, EventFilter(flagged_figures=True), limit=10)
    assert flagged_id not in {row.id for row in flagged}


def test_edit_changing_flagged_figures_still_out_of_order_is_refused(
    app, engine, flagged_id
):
    before = record(engine, flagged_id)
    contents, editing = edit_form(engine, flagged_id)
    values = {**contents["values"], "fatalities_best": "5000"}
    result = submit(values, contents["actors"], contents["sources"], editing)
    assert result["page"] is event_form.no_update
    assert field_message(result, "fatalities_low") == (
        "Fatalities (low): low (5294) must not exceed best (5000)"
    )
    assert record(engine, flagged_id) == before
