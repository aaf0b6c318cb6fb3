"""The Review page and the form's "Edit and accept" mode, called as functions over a
seeded database on SQLite and PostgreSQL. No browser is involved.

Proposals are saved by hand (what extraction returns), so these tests do not depend
on the extraction pipeline, except the one that runs it."""

from __future__ import annotations

import base64
import datetime as dt
import json

import plotly.graph_objects as go
import pytest
from dash import html
from dash._callback_context import context_value
from dash._utils import AttributeDict
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.app import create_app
from dashboard.components import event_form_fields as fields
from dashboard.components import events_table
from dashboard.components.event_draft import form_from_record
from dashboard.components.proposal_review import evidence_segments
from dashboard.components.table_state import TableState
from dashboard.figures.swimlanes import swimlane_figure
from dashboard.pages import event as event_page
from dashboard.pages import event_form, review
from dashboard.services import reads
from tests.dashboard.conftest import request_as
from tracker import review as reviewing
from tracker.db import make_engine, session_scope
from tracker.extraction.proposals import Article, ProposedEvent
from tracker.matching.similar_events import similar_events
from tracker.query.events import get_event_record
from tracker.query.filters import EventFilter
from tracker.seed import seed_database

TEXT = (
    "Kharkiv, 24 May 2025. A Russian drone struck a residential block in Kharkiv on "
    "Friday, killing two people, officials said.\n"
    "<script>alert(1)</script> Talks in Istanbul were postponed."
)
ARTICLE = Article(
    text=TEXT, published=dt.date(2025, 5, 24), url="https://news.example.org/k"
)
STRIKE = "A Russian drone struck a residential block in Kharkiv on Friday"
TALKS = "Talks in Istanbul were postponed."
PLACES = [
    {"type": ids.REVIEW_FIELD_ERROR, "field": key}
    for key in ("text", "published", "url")
]


def proposal(quote: str, **fields_) -> ProposedEvent:
    start = TEXT.index(quote)
    base = {
        "title": "Drone strike on Kharkiv",
        "event_type": "ASSAULT",
        "mode": "drone",
        "date_start": dt.date(2025, 5, 23),
        "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
        "location": {
            "name": "Kharkiv",
            "country": "UKR",
            "latitude": 49.99,
            "longitude": 36.23,
        },
        "fatalities": 2,
        "confidence": 0.8,
    }
    return ProposedEvent(
        **(base | fields_), quote=quote, start=start, end=start + len(quote)
    )


@pytest.fixture
def engine(database_url, seed_dir):
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
def proposals(engine) -> list[int]:
    """The strike and the postponed talks, waiting for review."""
    talks = proposal(
        TALKS,
        title="Istanbul talks postponed",
        event_type="REJECT",
        mode="meet",
        date_start=dt.date(2025, 5, 24),
        actors=[],
        location=None,
        fatalities=None,
    )
    with session_scope(engine) as session:
        return reviewing.save_article_proposals(
            session, ARTICLE, [proposal(STRIKE), talks]
        )


def walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def texts(component) -> str:
    """Every string in a layout tree, joined: what a reader sees."""
    found = []
    for node in walk(component):
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str):
                found.append(child)
    return " ".join(found)


def pressed(component_id: dict) -> None:
    """Make the callback context say `component_id` was clicked."""
    prop = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    context_value.set(
        AttributeDict(triggered_inputs=[{"prop_id": f"{prop}.n_clicks", "value": 1}])
    )


def record(engine, event_id):
    with session_scope(engine) as session:
        return get_event_record(session, event_id)


# --- The article with its evidence ---------------------------------------------------


def test_evidence_segments_cut_the_text_at_every_span_edge():
    text = "aaa bbb ccc ddd"
    pieces = evidence_segments(text, [(1, [(4, 11)]), (2, [(8, 15), (99, 120)])])
    assert pieces == [
        ("aaa ", [], []),
        ("bbb ", [1], [1]),
        ("ccc", [1, 2], [2]),
        (" ddd", [2], []),
    ]
    assert "".join(piece for piece, _, _ in pieces) == text


def test_layout_shows_the_article_with_each_proposals_evidence_marked(app, proposals):
    page = review.layout()
    marks = [c for c in walk(page) if isinstance(c, html.Mark)]
    assert [m.children for m in marks] == [STRIKE, TALKS]
    assert marks[0].title == "Evidence of proposal 1"
    article = next(
        c for c in walk(page) if getattr(c, "className", "") == "article-text"
    )
    # The pasted markup stays text: no component is made from it.
    plain = [child for child in article.children if isinstance(child, str)]
    assert any("<script>alert(1)</script>" in child for child in plain)
    cards = [c for c in walk(page) if isinstance(c, html.Article)]
    assert [c.id for c in cards] == [f"proposal-{i}" for i in proposals]
    strike_card = texts(cards[0])
    for shown in ("ASSAULT · drone", "23 May 2025 (day)", "Military Forces of Russia"):
        assert shown in strike_card
    assert "2 killed" in strike_card and "80%" in strike_card
    assert "proposed" in strike_card


def test_a_proposal_below_the_calibrated_threshold_is_marked_low(app, engine):
    unsure = proposal(
        STRIKE,
        acled_event_type="Explosions/Remote violence",
        acled_sub_event_type="Air/drone strike",
        confidence=0.42,
        caveat="May not be a conflict event: reads as accident (55%).",
    )
    with session_scope(engine) as session:
        reviewing.save_article_proposals(session, ARTICLE, [unsure, proposal(TALKS)])
    cards = [c for c in walk(review.layout()) if isinstance(c, html.Article)]
    low, sure = texts(cards[0]), texts(cards[1])
    assert "42%" in low and "low" in low and "calibrated threshold of 50%" in low
    assert "Explosions/Remote violence · Air/drone strike" in low
    assert "May not be a conflict event: reads as accident (55%)." in low
    assert "80%" in sure and "calibrated threshold" not in sure


def test_layout_offers_edit_and_accept_reject_and_merge_with_similar_events(
    app, proposals
):
    page = review.layout()
    links = {c.children: c.href for c in walk(page) if isinstance(c, html.A)}
    assert links["Edit and accept"] in {f"/events/{i}/accept" for i in proposals}
    buttons = [c.children for c in walk(page) if isinstance(c, html.Button)]
    assert buttons.count("Reject") == 2
    assert "Extract events" in buttons
    labels = {c.children for c in walk(page) if isinstance(c, html.Label)}
    assert {"Article text", "Published", "URL"} <= labels


def test_layout_without_proposals_says_how_to_get_some(app):
    assert "No proposals are waiting" in texts(review.layout())


def test_layout_of_one_article_shows_only_it(app, proposals, engine):
    other = Article(text="Another report.", published=dt.date(2025, 6, 1))
    with session_scope(engine) as session:
        reviewing.save_article_proposals(
            session,
            other,
            [proposal(STRIKE).model_copy(update={"start": 0, "end": 15})],
        )
    assert len([c for c in walk(review.layout()) if isinstance(c, html.Section)]) == 2
    only = review.layout(article=ARTICLE.key())
    sections = [c for c in walk(only) if isinstance(c, html.Section)]
    assert [s.to_plotly_json()["props"]["data-article"] for s in sections] == [
        ARTICLE.key()
    ]


# --- Extracting ----------------------------------------------------------------------


def test_on_extract_without_text_or_date_says_so_next_to_the_fields(app):
    queue, shown, messages, said = review.on_extract(1, "  ", "24/05/2025", "", PLACES)
    assert messages == [review.NO_TEXT, review.BAD_DATE, None]
    assert queue is review.no_update and said is None


def test_on_extract_with_a_bad_url_says_so_next_to_it(app):
    *_, messages, _said = review.on_extract(
        1, TEXT, "2025-05-24", "javascript:alert(1)", PLACES
    )
    assert messages[:2] == [None, None]
    assert "must be an absolute http:// or https:// address" in messages[2]


def test_on_extract_stores_and_shows_the_proposals(app, engine):
    pytest.importorskip("tracker.extraction.pipeline")
    queue, shown, messages, said = review.on_extract(
        1, TEXT, "2025-05-24", ARTICLE.url, PLACES
    )
    assert shown == ARTICLE.key()
    assert messages == [None, None, None]
    assert "proposed from this article" in said
    with session_scope(engine) as session:
        [waiting] = reviewing.review_queue(session)
    assert waiting.article_key == ARTICLE.key()


def test_on_upload_puts_the_file_text_in_the_box():
    encoded = base64.b64encode(TEXT.encode()).decode()
    assert review.on_upload(f"data:text/plain;base64,{encoded}") == (TEXT, None)
    latin = base64.b64encode("caf\xe9".encode("latin-1")).decode()
    value, message = review.on_upload(f"data:text/plain;base64,{latin}")
    assert value is review.no_update and "not UTF-8" in message


# --- Rejecting and merging -----------------------------------------------------------


def test_on_reject_retracts_the_proposal_and_drops_its_card(app, engine, proposals):
    strike, talks = proposals
    pressed({"type": ids.REVIEW_REJECT, "event": talks, "version": 1})
    queue, said = review.on_reject([None, 1], None)
    assert f"Proposal {talks} rejected" in said
    cards = [c.id for s in queue for c in walk(s) if isinstance(c, html.Article)]
    assert cards == [f"proposal-{strike}"]
    rejected = record(engine, talks)
    assert rejected.status == "retracted" and "rejected" in rejected.tags


def test_on_reject_of_a_stale_card_says_why_and_changes_nothing(app, engine, proposals):
    _, talks = proposals
    pressed({"type": ids.REVIEW_REJECT, "event": talks, "version": 1})
    review.on_reject([None, 1], None)
    queue, said = review.on_reject([None, 1], None)  # the old card, clicked again
    assert queue is review.no_update
    assert "is retracted, not proposed" in said
    assert record(engine, talks).version == 2


def test_on_reject_when_buttons_appear_does_nothing(app):
    context_value.set(AttributeDict(triggered_inputs=[]))
    with pytest.raises(PreventUpdate):
        review.on_reject([None, None], None)


def test_on_merge_folds_the_proposal_into_the_chosen_event(app, engine, proposals):
    strike, talks = proposals
    [similar] = [s.id for s in reviewing_similar(engine, strike)][:1]
    pressed({"type": ids.REVIEW_MERGE, "event": strike})
    target_ids = [{"type": ids.REVIEW_MERGE_INTO, "event": strike}]
    queue, said = review.on_merge([1], [similar], target_ids, None)
    assert said == f"Proposal {strike} merged into event {similar}."
    assert record(engine, strike).links[0]["id"] == similar
    assert ARTICLE.url in [s["url"] for s in record(engine, similar).sources]


def test_on_merge_without_a_choice_asks_for_one(app, proposals):
    strike, _ = proposals
    pressed({"type": ids.REVIEW_MERGE, "event": strike})
    target_ids = [{"type": ids.REVIEW_MERGE_INTO, "event": strike}]
    queue, said = review.on_merge([1], [None], target_ids, None)
    assert queue is review.no_update and "Choose the event" in said


def reviewing_similar(engine, event_id):
    with session_scope(engine) as session:
        return similar_events(session, event_id)


# --- Edit and accept -----------------------------------------------------------------


def test_edit_layout_in_accept_mode_starts_confirmed_and_returns_to_the_queue(
    app, proposals
):
    strike, _ = proposals
    page = event_form.accept_layout(str(strike))
    assert page.children[0].children.startswith(f"Accept proposal {strike}")
    store = next(c for c in walk(page) if getattr(c, "id", None) == ids.FORM_EDITING)
    assert store.data["accept"] is True and store.data["return_to"] == "/review"
    status = next(c for c in walk(page) if getattr(c, "id", None) == ids.FORM_STATUS)
    assert status.value == "confirmed"
    cancel = next(c for c in walk(page) if getattr(c, "children", None) == "Cancel")
    assert cancel.href == "/review"


def test_edit_layout_in_accept_mode_of_a_decided_event_is_a_plain_edit(app):
    page = event_form.accept_layout("6")
    assert page.children[0].children == "Edit event 6"


def test_on_save_in_accept_mode_confirms_the_edited_proposal(app, engine, proposals):
    strike, _ = proposals
    with session_scope(engine) as session:
        contents = form_from_record(get_event_record(session, strike))
    editing = {"event_id": strike, "version": 1, "kept": contents["kept"]}
    event_form.accept_mode(record(engine, strike), contents, editing)
    values = {f.key: "" for f in fields.FIELDS} | contents["values"]
    values["title"] = "Drone strike on a Kharkiv block"
    columns = {
        kind: {p: [row.get(p, "") for row in contents[kind]] for p in parts}
        for kind, parts in (
            ("actors", fields.ACTOR_PARTS),
            ("sources", fields.SOURCE_PARTS),
        )
    }
    places = {"fields": [], "actors": [], "sources": []}
    result = event_form.on_save(1, {"values": values, **columns}, editing, places)
    assert result["page"] == "/review"
    accepted = record(engine, strike)
    assert (accepted.status, accepted.title) == (
        "confirmed",
        "Drone strike on a Kharkiv block",
    )
    assert accepted.sources[0]["quote"] == STRIKE


# --- Proposals are never shown as confirmed ----------------------------------------


def mark_style(style, index: int):
    """A mark's style: one for the whole trace, or one for each mark."""
    return style[index] if isinstance(style, list | tuple) else style


def test_a_proposal_is_a_hollow_mark_said_proposed_on_the_timeline(app, proposals):
    strike, _ = proposals
    figure = go.Figure(
        swimlane_figure(
            reads.swimlanes(EventFilter(statuses=("confirmed", "proposed")), lanes=50)
        )
    )
    drawn = [
        (mark_style(trace.marker.symbol, i), data[3])
        for trace in figure.data
        if trace.type == "scatter"
        for i, data in enumerate(trace.customdata)
        if data[0] == strike
    ]
    assert drawn == [("circle-open", "ASSAULT · initiator · proposed, not confirmed")]
    # The seed's confirmed events are drawn as before: solid points, plain bars.
    confirmed = [
        mark_style(trace.marker.symbol, i)
        if trace.type == "scatter"
        else mark_style(trace.marker.pattern.shape, i)
        for trace in figure.data
        for i, data in enumerate(trace.customdata)
        if data[0] != strike
    ]
    assert confirmed and set(confirmed) <= {"circle", ""}


def test_a_proposal_carries_a_proposed_badge_on_its_page_and_in_the_table(
    app, proposals
):
    strike, _ = proposals
    badges = [
        c
        for c in walk(event_page.layout(event_id=str(strike)))
        if "status-badge" in (getattr(c, "className", None) or "")
    ]
    assert [b.className for b in badges] == ["status-badge proposed"]
    assert badges[0].children.startswith("proposed")
    grid_columns = events_table.columns(TableState())
    [status] = [c for c in grid_columns if c.get("field") == "status"]
    assert status["cellClassRules"] == {
        "status-proposed": "params.value === 'proposed'"
    }
