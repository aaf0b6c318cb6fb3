"""Issue 12: the event form warns before saving a likely duplicate, and the timeline's
banner counts the events of undecided duplicate candidates. Callbacks and layouts
called as functions over the seed data, on SQLite and PostgreSQL; no browser."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select, text

from dashboard import ids
from dashboard.app import create_app
from dashboard.components import event_form_fields as fields
from dashboard.components import import_report
from dashboard.components.duplicate_banner import duplicate_banner
from dashboard.components.event_draft import form_from_record
from dashboard.pages import event_form
from tests.dashboard.conftest import request_as
from tracker import review
from tracker.db import make_engine, session_scope
from tracker.extraction.proposals import Article, ProposedEvent
from tracker.importing import ImportMode, import_file
from tracker.matching.duplicates import dismiss_candidate, find_duplicate_candidates
from tracker.models import DuplicateCandidate, Event, EventCreate
from tracker.query.events import get_event_record
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.events import create_event

SEED_STRIKE = "Ballistic-missile attack kills 14 Ukrainians, including 6 children"
# The seed strike (event 6) typed again by hand, without a place.
TYPED_AGAIN = {
    "title": "Missile attack kills 14, among them 6 children",
    "event_type": "ASSAULT",
    "mode": "heavy-weapons",
    "date_start": "2025-05-24",
    "date_end": "2025-05-25",
    "date_precision": "day",
    "fatalities_best": "14",
    "status": "confirmed",
}
ACTORS = [{"name": "Military Forces of Russia", "role": "initiator"}]
SOURCE = {"url": "https://example.org/strike", "quote": "14 were killed."}
PLACES = {"fields": [], "actors": [], "sources": []}


@pytest.fixture
def engine(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
    yield engine
    engine.dispose()


@pytest.fixture
def app(engine, database_url):
    return create_app(database_url)


def form(values, actors=ACTORS, sources=(SOURCE,)):
    """The form's contents as on_save receives them."""
    values = {f.key: "" for f in fields.FIELDS} | values
    return {
        "values": values,
        "actors": {p: [a.get(p, "") for a in actors] for p in fields.ACTOR_PARTS},
        "sources": {p: [s.get(p, "") for s in sources] for p in fields.SOURCE_PARTS},
    }


def event_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def texts(component) -> str:
    """All the text of a component tree, for reading what it says."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return " ".join(texts(c) for c in children)
    return texts(children)


def ids_in(component) -> list:
    found = [getattr(component, "id", None)]
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found += ids_in(child)
    return [i for i in found if i is not None]


def test_add_form_typing_the_seed_strike_again_warns_and_writes_nothing(app, engine):
    before = event_count(engine)
    with request_as(app, "/events/new", "editor"):
        result = event_form.on_save(1, form(TYPED_AGAIN), None, PLACES)
    said = texts(result["warning"])
    assert "This looks like" in said and "nothing was saved yet" in said
    assert f"Event 6: {SEED_STRIKE}" in said
    assert "24–25 May 2025 (week) · Ukraine" in said
    assert "shared actor Military Forces of Russia; same fatalities (14)" in said
    assert result["anyway_hidden"] is False
    assert result["page"] is event_form.no_update
    # A hand-typed event is not merged as a proposal is: its sources can be added
    # to each event it looks like instead (issue #12), or it is saved anyway.
    offered = [i for i in ids_in(result["warning"]) if isinstance(i, dict)]
    assert offered and offered[0] == {"type": ids.FORM_CITE_ON, "event": 6}
    assert {i["type"] for i in offered} == {ids.FORM_CITE_ON}
    assert event_count(engine) == before


def test_add_form_save_anyway_writes_the_event(app, engine):
    before = event_count(engine)
    with request_as(app, "/events/new", "editor"):
        result = event_form.on_save(None, form(TYPED_AGAIN), None, PLACES, anyway=1)
    assert result["warning"] is None and result["anyway_hidden"] is True
    new_id = int(result["page"].rsplit("/", 1)[1])
    assert event_count(engine) == before + 1
    with session_scope(engine) as session:
        saved = get_event_record(session, new_id)
    assert saved.title == TYPED_AGAIN["title"] and saved.fatalities["best"] == 14


def test_add_form_of_another_happening_saves_without_a_warning(app, engine):
    elsewhere = TYPED_AGAIN | {"date_start": "2025-07-02", "date_end": ""}
    with request_as(app, "/events/new", "editor"):
        result = event_form.on_save(1, form(elsewhere), None, PLACES)
    assert result["warning"] is None and result["page"].startswith("/events/")


def test_add_form_as_a_viewer_is_refused_before_any_warning(app, engine):
    before = event_count(engine)
    with request_as(app, "/events/new", "viewer"):
        result = event_form.on_save(1, form(TYPED_AGAIN), None, PLACES)
    assert result["warning"] is None
    assert "viewers cannot add events" in texts(result["summary"])
    assert event_count(engine) == before


def strike_proposal(engine) -> int:
    """The seed article's strike, as extraction proposes it, waiting for review."""
    text_ = "Just this weekend 14 Ukrainians, including 6 children, were killed."
    article = Article(text=text_, published=dt.date(2025, 5, 28), url=None)
    proposal = ProposedEvent(
        title="Military Forces of Russia attacks Civilians (Ukraine) in Ukraine",
        event_type="ASSAULT",
        mode="heavy-weapons",
        date_start=dt.date(2025, 5, 24),
        date_end=dt.date(2025, 5, 25),
        date_precision="week",
        actors=[
            {"name": "Military Forces of Russia", "role": "initiator"},
            {"name": "Civilians (Ukraine)", "role": "target"},
        ],
        location={
            "name": "Ukraine",
            "country": "UKR",
            "latitude": 49.0,
            "longitude": 32.0,
        },
        confidence=0.85,
        fatalities=14,
        quote=text_,
        start=0,
        end=len(text_),
    )
    with session_scope(engine) as session:
        [event_id] = review.save_article_proposals(session, article, [proposal])
    return event_id


def test_accept_form_of_the_strike_proposal_offers_the_merge_into_event_6(app, engine):
    proposal_id = strike_proposal(engine)
    with session_scope(engine) as session:
        contents = form_from_record(get_event_record(session, proposal_id))
        record = get_event_record(session, proposal_id)
    editing = {"event_id": proposal_id, "version": 1, "kept": contents["kept"]}
    event_form.accept_mode(record, contents, editing)
    with request_as(app, "/review", "editor"):
        result = event_form.on_save(
            1,
            form(contents["values"], contents["actors"], contents["sources"]),
            editing,
            PLACES,
        )
    said = texts(result["warning"])
    assert "This looks like" in said and f"Event 6: {SEED_STRIKE}" in said
    assert "Merge into event 6" in said
    assert {"type": ids.FORM_MERGE_INTO, "event": 6} in ids_in(result["warning"])
    with session_scope(engine) as session:
        unchanged = get_event_record(session, proposal_id)
    assert (unchanged.status, unchanged.version) == ("proposed", 1)


def open_events_in_sql(engine) -> int:
    """Independent count: confirmed or disputed events of open candidates."""
    with session_scope(engine) as session:
        return session.execute(
            text(
                "SELECT count(*) FROM event WHERE status IN ('confirmed', 'disputed') "
                "AND id IN (SELECT event_id FROM duplicate_candidate "
                "WHERE status = 'open' UNION SELECT other_id FROM duplicate_candidate "
                "WHERE status = 'open')"
            )
        ).scalar_one()


def test_timeline_banner_counts_open_candidates_and_goes_when_decided(app, engine):
    with request_as(app, "/", "viewer"):
        assert duplicate_banner(EventFilter()).hidden is True
    strike = TYPED_AGAIN | {"dataset": "newsdesk", "external_id": "nd-1"}
    record = {
        "title": strike["title"],
        "event_type": "ASSAULT",
        "date_start": "2025-05-24",
        "location": {"name": "Ukraine", "latitude": 49.0, "longitude": 32.0},
        "actors": ACTORS,
        "dataset": "newsdesk",
        "external_id": "nd-1",
        "sources": [SOURCE],
    }
    with session_scope(engine) as session:
        new_id = create_event(session, EventCreate.model_validate(record)).id
        flagged = find_duplicate_candidates(session, [new_id])
    assert flagged >= 1
    expected = open_events_in_sql(engine)
    with request_as(app, "/", "viewer"):
        banner = duplicate_banner(EventFilter())
        may = duplicate_banner(EventFilter(since=dt.date(2025, 5, 1)))
        june = duplicate_banner(EventFilter(since=dt.date(2025, 6, 1)))
    assert texts(banner) == f"{expected} events may be counted twice :  review"
    assert texts(may) == texts(banner)
    assert june.hidden is True
    link = banner.children[-1]
    assert link.href.startswith("/events/")
    with session_scope(engine) as session:
        for candidate in session.execute(select(DuplicateCandidate)).scalars():
            dismiss_candidate(session, candidate.id)
    assert open_events_in_sql(engine) == 0
    with request_as(app, "/", "viewer"):
        assert duplicate_banner(EventFilter()).hidden is True


def test_import_dry_run_report_names_rows_like_stored_events(app, engine, tmp_path):
    strike = {
        "dataset": "newsdesk",
        "external_id": "nd-1",
        "title": "Missile strike kills 14 across Ukraine",
        "event_type": "ASSAULT",
        "date_start": "2025-05-24",
        "location": {"name": "Ukraine", "latitude": 49.0, "longitude": 32.0},
        "actors": ACTORS,
        "fatalities": {"best": 14},
        "sources": [SOURCE],
    }
    elsewhere = strike | {"external_id": "nd-2", "date_start": "2024-01-10"}
    path = tmp_path / "newsdesk.jsonl"
    path.write_text(json.dumps(elsewhere) + "\n" + json.dumps(strike) + "\n")
    before = event_count(engine)
    with session_scope(engine) as session:
        report = import_file(session, path, mode=ImportMode.DRY_RUN)
    assert (report.lookalikes.checked, report.lookalikes.rows) == (2, 1)
    said = texts(import_report.dry_run_report(report))
    assert "1 row looks like events already stored." in said
    assert f"Line 2: like  event 6, {SEED_STRIKE}" in said
    assert "same fatalities (14)" in said
    assert event_count(engine) == before
