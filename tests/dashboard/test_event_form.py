"""The add and edit forms' layouts and callbacks, called as functions, over a seeded
database on SQLite and PostgreSQL. No browser is involved."""

from __future__ import annotations

import pytest
from dash import html
from dash.exceptions import PreventUpdate

from dashboard import ids
from dashboard.app import create_app
from dashboard.components import event_form_fields as fields
from dashboard.components.event_draft import (
    Draft,
    form_from_record,
    place_problems,
    record_from_form,
)
from dashboard.pages import event_form
from dashboard.pages.event_form import (
    on_find_place,
    on_save,
    update_acled_sub_type_options,
    update_link_choices,
    update_mode_options,
)
from tests.dashboard.conftest import request_as
from tracker.db import make_engine, session_scope
from tracker.errors import Problem
from tracker.models import EventStatus
from tracker.query.events import count_events, get_event_record
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.vocab import taxonomy

REQUIRED_LABELS = {
    "Title": ids.FORM_TITLE,
    "Event type": ids.FORM_TYPE,
    "Mode": ids.FORM_MODE,
    "Start date": ids.FORM_DATE_START,
    "End date": ids.FORM_DATE_END,
    "Date precision": ids.FORM_DATE_PRECISION,
    "Location": ids.FORM_LOCATION,
    "Latitude": ids.FORM_LATITUDE,
    "Longitude": ids.FORM_LONGITUDE,
    "Fatalities (best)": ids.FORM_FATALITIES_BEST,
    "Source URL": fields.dom_id({"type": ids.FORM_SOURCE_URL, "index": 0}),
    "Quote": fields.dom_id({"type": ids.FORM_SOURCE_QUOTE, "index": 0}),
}
DROPDOWNS = {ids.FORM_TYPE, ids.FORM_MODE, ids.FORM_DATE_PRECISION}
VALID = {
    "title": "Drone strike on Kharkiv",
    "event_type": "ASSAULT",
    "mode": "drone",
    "date_start": "2025-06-01",
    "date_precision": "day",
    "location": "Kharkiv",
    "country": "ukr",
    "latitude": "49.98",
    "longitude": "36.25",
    "geo_precision": "exact",
    "fatalities_best": "3",
    "status": "confirmed",
}
SOURCE = {"url": "https://example.org/kharkiv", "quote": "A drone hit a block."}


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


def walk(component):
    """Every component in a Dash layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def label_texts(page) -> dict[str, html.Label]:
    return {c.children: c for c in walk(page) if isinstance(c, html.Label)}


def submit(values=None, actors=(), sources=(SOURCE,), editing=None, links=()):
    """Call on_save as the Save event button does, with the form holding these."""
    values = {f.key: "" for f in fields.FIELDS} | (values or {})
    actor_parts = {p: [a.get(p, "") for a in actors] for p in fields.ACTOR_PARTS}
    source_parts = {p: [s.get(p, "") for s in sources] for p in fields.SOURCE_PARTS}
    link_parts = {p: [x.get(p) for x in links] for p in fields.LINK_PARTS}
    places = {
        "fields": [
            {"type": ids.FORM_FIELD_ERROR, "field": f.key} for f in fields.FIELDS
        ],
        "actors": [
            {"type": ids.FORM_ACTOR_ERROR, "index": i} for i in range(len(actors))
        ],
        "sources": [
            {"type": ids.FORM_SOURCE_ERROR, "index": i} for i in range(len(sources))
        ],
        "links": [{"type": ids.FORM_LINK_ERROR, "index": i} for i in range(len(links))],
    }
    form = {
        "values": values,
        "actors": actor_parts,
        "sources": source_parts,
        "links": link_parts,
    }
    return on_save(1, form, editing, places)


def field_message(result, key) -> str | None:
    return result["fields"][[f.key for f in fields.FIELDS].index(key)]


def summary_text(result) -> str:
    return " | ".join(str(item.children) for item in result["summary"][1].children)


def count(engine) -> int:
    """How many events the database holds, retracted ones included."""
    with session_scope(engine) as session:
        return count_events(session, EventFilter(statuses=tuple(EventStatus)))


def record(engine, event_id):
    with session_scope(engine) as session:
        return get_event_record(session, event_id)


# --- Layouts ------------------------------------------------------------------------


def test_add_layout_ties_every_required_label_to_its_control(app):
    labels = label_texts(event_form.add_layout())
    for text, control_id in REQUIRED_LABELS.items():
        assert labels[text].htmlFor == control_id, text
    for dropdown_id in DROPDOWNS:  # the Dropdown's button is named by this label
        [label] = [lab for lab in labels.values() if lab.htmlFor == dropdown_id]
        assert label.id == f"{dropdown_id}-value-count"
    buttons = [
        c.children for c in walk(event_form.add_layout()) if isinstance(c, html.Button)
    ]
    assert "Save event" in buttons


def test_no_other_label_contains_a_required_label(app):
    texts = list(label_texts(event_form.add_layout()))
    for required in REQUIRED_LABELS:
        if required == "Mode":  # "Mode" is whole; no label says "mode" elsewhere
            continue
        clashes = [t for t in texts if required.lower() in t.lower()]
        assert clashes == [required]


def test_layouts_build_without_arguments_for_dash_validation(app):
    assert event_form.add_layout() is not None
    assert "Event not found" in str(event_form.edit_layout())


def test_edit_layout_of_unknown_event_says_not_found(app):
    page = str(event_form.edit_layout(event_id="999"))
    assert "Event not found" in page and "no event with id 999" in page
    assert "no event with id abc" in str(event_form.edit_layout(event_id="abc"))


def test_edit_layout_is_filled_in_from_the_event(app):
    page = event_form.edit_layout(event_id="6")
    values = {
        getattr(c, "id", None): getattr(c, "value", None)
        for c in walk(page)
        if hasattr(c, "value") and isinstance(getattr(c, "id", None), str)
    }
    assert values[ids.FORM_TITLE].startswith("Ballistic-missile attack kills 14")
    assert values[ids.FORM_TYPE] == "ASSAULT"
    assert values[ids.FORM_MODE] == "heavy-weapons"
    assert (values[ids.FORM_DATE_START], values[ids.FORM_DATE_END]) == (
        "2025-05-24",
        "2025-05-25",
    )
    assert values[ids.FORM_DATE_PRECISION] == "week"
    assert values[ids.FORM_CHILDREN_KILLED] == "6"
    editing = next(c for c in walk(page) if getattr(c, "id", None) == ids.FORM_EDITING)
    assert editing.data["event_id"] == 6 and editing.data["version"] == 1


# --- Mode choices and places ---------------------------------------------------------


def test_update_mode_options_offers_the_chosen_types_modes():
    options, mode = update_mode_options("ASSAULT", None)
    assert [o["value"] for o in options] == list(taxonomy.modes_for("ASSAULT"))
    assert mode is None


def test_update_mode_options_keeps_a_mode_the_new_type_has_and_drops_others():
    assert update_mode_options("ASSAULT", "drone")[1] == "drone"
    options, mode = update_mode_options("CONSULT", "drone")
    assert "drone" not in [o["value"] for o in options] and mode is None
    assert update_mode_options(None, "drone") == ([], None)


def test_event_types_are_offered_by_quad_class():
    labels = [o["label"] for o in fields.event_type_options()]
    assert labels[0].endswith("Verbal cooperation")
    assert labels[-1] == "ASSAULT · Material conflict"


def test_on_find_place_offers_known_places_then_gazetteer_towns(app):
    hits, shown = on_find_place(1, None, "istanbul")
    assert [(h["origin"], h["name"]) for h in hits][:2] == [
        ("known place", "Istanbul"),
        ("gazetteer", "Istanbul"),
    ]
    assert hits[1]["country"] == "TUR" and hits[1]["latitude"] == pytest.approx(
        41.01, abs=0.01
    )
    assert "Istanbul" in str(shown)


def test_on_find_place_unknown_name_suggests_coordinates(app):
    hits, shown = on_find_place(1, None, "Nowhereville-on-Sea")
    assert hits == []
    assert "enter its latitude and longitude" in str(shown)


# --- From the form to a record --------------------------------------------------------


def test_record_from_form_leaves_blank_fields_and_rows_out():
    draft = record_from_form(
        {**VALID, "notes": "  ", "admin1": ""},
        [
            {"name": " ", "role": "initiator"},
            {"name": "Russian forces", "role": "initiator"},
        ],
        [{}, SOURCE],
    )
    assert "notes" not in draft.record
    assert draft.record["location"] == {
        "name": "Kharkiv",
        "country": "ukr",
        "latitude": "49.98",
        "longitude": "36.25",
        "geo_precision": "exact",
    }
    assert draft.record["actors"] == [{"name": "Russian forces", "role": "initiator"}]
    assert (draft.actor_rows, draft.source_rows) == ([1], [1])
    assert draft.record["fatalities"] == {"best": "3"}
    # ACLED would record a drone strike: the pair is derived from type and mode.
    assert draft.record["acled_sub_event_type"] == "Air/drone strike"


def test_record_from_form_without_a_place_has_no_location():
    draft = record_from_form(
        {**VALID, "location": None, "country": "", "latitude": None, "longitude": ""},
        [],
        [],
    )
    assert "location" not in draft.record


@pytest.mark.parametrize(
    ("problem", "key", "message"),
    [
        (
            Problem("location.latitude", "Input should be less than or equal to 90"),
            "latitude",
            "Latitude: must be at most 90",
        ),
        (
            Problem("location", "latitude and longitude must be given together"),
            "latitude",
            "Latitude and longitude must be given together",
        ),
        (
            Problem("location.name", "Field required"),
            "location",
            "Location: is required",
        ),
        (
            Problem("fatalities", "low (5) must not exceed best (3)"),
            "fatalities_low",
            "Fatalities (low): low (5) must not exceed best (3)",
        ),
        (
            Problem("fatalities.best", "Input should be greater than or equal to 0"),
            "fatalities_best",
            "Fatalities (best): must be at least 0",
        ),
        (
            Problem(
                "record",
                "date_end (2025-05-01) must not be before date_start (2025-05-03)",
            ),
            "date_end",
            "End date (2025-05-01) must not be before the start date (2025-05-03)",
        ),
        (
            Problem("record", "children_killed (7) exceeds the fatalities given (6)"),
            "children_killed",
            "Children killed (7) exceeds the fatalities given (6)",
        ),
        (
            Problem(
                "date_start",
                "Input should be a valid date or datetime, invalid character in year",
            ),
            "date_start",
            "Start date: must be a date written YYYY-MM-DD",
        ),
    ],
)
def test_place_problems_puts_each_problem_next_to_its_field(problem, key, message):
    messages = place_problems([problem], Draft({}))
    assert messages.fields == {key: message}
    assert messages.summary == [message]


def test_place_problems_puts_row_problems_on_the_row_they_came_from():
    draft = Draft({}, actor_rows=[0, 2], source_rows=[1])
    messages = place_problems(
        [
            Problem("actors.1.role", "Field required"),
            Problem("sources.0.url", "must be an absolute http:// or https:// address"),
            Problem("external_id", "external_id needs the dataset it comes from"),
        ],
        draft,
    )
    assert messages.actors == {2: "Role: is required"}
    assert messages.sources == {
        1: "Source URL: must be an absolute http:// or https:// address"
    }
    assert messages.fields == {}
    assert messages.summary[-1] == (
        "external_id: external_id needs the dataset it comes from"
    )


# --- Saving ---------------------------------------------------------------------------


def test_on_save_valid_new_event_saves_it_and_opens_its_page(app, engine):
    result = submit(
        VALID,
        actors=[
            {"name": "Russian forces", "role": "initiator"},
            {"name": "Kharkiv residents", "role": "target"},
        ],
    )
    assert result["page"] == "/events/13"
    assert result["summary"] is None and not any(result["fields"])
    saved = record(engine, 13)
    assert saved.title == "Drone strike on Kharkiv" and saved.mode == "drone"
    assert saved.location["latitude"] == pytest.approx(49.98)
    assert saved.location["country"] == "UKR"
    assert {(a["name"], a["role"]) for a in saved.actors} == {
        ("Military Forces of Russia", "initiator"),  # an alias found in the registry
        ("Kharkiv residents", "target"),  # created inline
    }
    assert saved.sources[0]["quote"] == "A drone hit a block."
    assert saved.fatalities["best"] == 3


def test_on_save_invalid_latitude_names_it_next_to_the_field_and_saves_nothing(
    app, engine
):
    before = count(engine)
    result = submit({**VALID, "latitude": "123"})
    assert result["page"] is event_form.no_update
    assert field_message(result, "latitude") == "Latitude: must be at most 90"
    assert "Latitude: must be at most 90" in summary_text(result)
    assert "nothing was saved" in str(result["summary"][0].children)
    assert count(engine) == before


def test_on_save_end_before_start_names_the_end_date_and_saves_nothing(app, engine):
    before = count(engine)
    result = submit({**VALID, "date_start": "2025-06-05", "date_end": "2025-06-01"})
    assert "must not be before the start date" in field_message(result, "date_end")
    assert count(engine) == before


def test_on_save_every_blank_required_field_is_named(app, engine):
    before = count(engine)
    result = submit({}, sources=[{}])
    for key in ("title", "event_type", "date_start"):
        assert field_message(result, key).endswith(": is required")
    assert "give at least one source" in result["sources"][0]
    assert count(engine) == before


def test_on_save_bad_source_url_is_shown_on_its_row(app, engine):
    before = count(engine)
    result = submit(
        VALID, sources=[SOURCE, {"url": "javascript:alert(1)", "quote": "x"}]
    )
    assert result["sources"] == [
        None,
        "Source URL: must be an absolute http:// or https:// address",
    ]
    assert count(engine) == before


def edit_form(engine, event_id):
    """The edit form's contents and editing store, as the edit page fills them in."""
    with session_scope(engine) as session:
        contents = form_from_record(get_event_record(session, event_id))
    editing = {"event_id": event_id, "version": 1, "kept": contents["kept"]}
    return contents, editing


def test_on_save_edit_changes_the_event_and_bumps_its_version(app, engine):
    contents, editing = edit_form(engine, 6)
    values = {**contents["values"], "title": "Missile attack on civilians (edited)"}
    result = submit(values, contents["actors"], contents["sources"], editing)
    assert result["page"] == "/events/6"
    after = record(engine, 6)
    assert after.title == "Missile attack on civilians (edited)" and after.version == 2


def test_on_save_unchanged_edit_keeps_every_part_of_the_event(app, engine):
    before = record(engine, 9)  # has a link, an ACLED-less type and several actors
    contents, editing = edit_form(engine, 9)
    submit(
        contents["values"],
        contents["actors"],
        contents["sources"],
        editing,
        contents["links"],
    )
    after = record(engine, 9)
    ignore = {"version", "updated_at"}
    assert after.model_dump(exclude=ignore) == before.model_dump(exclude=ignore)
    assert after.links == before.links != []


def test_on_save_stale_edit_is_refused_and_changes_nothing(app, engine):
    contents, editing = edit_form(engine, 6)
    submit(
        {**contents["values"], "title": "First editor"},
        contents["actors"],
        contents["sources"],
        editing,
    )
    before = record(engine, 6)
    result = submit(
        {**contents["values"], "title": "Second editor"},
        contents["actors"],
        contents["sources"],
        editing,
    )
    assert result["page"] is event_form.no_update
    words = " | ".join(
        str(c.children) for c in walk(html.Div(result["summary"])) if c is not None
    )
    assert (
        "Not saved: event 6 was saved by someone else (editor) after you opened it"
        in words
    )
    assert "changed meanwhile: title" in words
    assert "title: you started from " in words and "it is now First editor" in words
    assert record(engine, 6) == before


def test_on_save_before_any_click_does_nothing():
    with pytest.raises(PreventUpdate):
        on_save(None, {}, None, {})


# --- ACLED pair, tags and links (issue 14, point 5) -----------------------------------

SHELLING = "Shelling/artillery/missile attack"
EXPLOSIONS = "Explosions/Remote violence"


def test_record_from_form_reads_the_acled_pair_tags_and_link_rows():
    draft = record_from_form(
        VALID
        | {
            "acled_event_type": EXPLOSIONS,
            "acled_sub_event_type": SHELLING,
            "tags": " bridge, Istanbul talks,,bridge ",
        },
        [],
        [SOURCE],
        links=[
            {"relation": "follows_up", "id": "3"},
            {"relation": None, "id": None},  # a blank row is left out
            {"relation": "walks_back", "id": None},
        ],
    )
    assert (
        draft.record["acled_event_type"],
        draft.record["acled_sub_event_type"],
    ) == (EXPLOSIONS, SHELLING)
    assert draft.record["tags"] == ["bridge", "Istanbul talks"]
    assert draft.record["links"] == [
        {"relation": "follows_up", "id": "3"},
        {"relation": "walks_back"},
    ]
    assert draft.link_rows == [0, 2]


def test_record_from_form_blank_acled_pair_follows_type_and_mode_on_add_only():
    added = record_from_form(VALID | {"mode": "heavy-weapons"}, [], [SOURCE])
    assert added.record["acled_sub_event_type"] == SHELLING
    kept = {"event_type": "ASSAULT", "mode": "heavy-weapons"}
    edited = record_from_form(VALID | {"mode": "heavy-weapons"}, [], [SOURCE], kept)
    assert "acled_event_type" not in edited.record  # left blank on purpose


def test_update_acled_sub_type_options_follows_the_acled_type():
    options, sub = update_acled_sub_type_options(EXPLOSIONS, SHELLING)
    assert [o["value"] for o in options] == list(
        taxonomy.acled_event_types()[EXPLOSIONS]
    )
    assert sub == SHELLING
    options, sub = update_acled_sub_type_options("Battles", SHELLING)
    assert SHELLING not in [o["value"] for o in options] and sub is None
    assert update_acled_sub_type_options(None, SHELLING) == ([], None)


def test_update_link_choices_finds_by_title_or_id_but_not_the_edited_event(app):
    found = update_link_choices("large prisoner swap", None, None)
    assert [o["value"] for o in found] == ["3"]
    assert found[0]["label"].startswith("#3 Russia and Ukraine agree")
    assert update_link_choices("#3", None, None)[0]["value"] == "3"
    assert "3" not in [
        o["value"] for o in update_link_choices("3", None, {"event_id": 3})
    ]
    assert [o["value"] for o in update_link_choices("zzz", "5", None)] == ["5"]


def test_add_layout_has_the_acled_pair_tags_and_add_link(app):
    page = event_form.add_layout()
    labels = label_texts(page)
    assert labels["ACLED type"].htmlFor == ids.FORM_ACLED_TYPE
    assert labels["ACLED sub-type"].htmlFor == ids.FORM_ACLED_SUB_TYPE
    assert labels["Tags"].htmlFor == ids.FORM_TAGS
    buttons = [c.children for c in walk(page) if isinstance(c, html.Button)]
    assert "Add link" in buttons


def test_edit_layout_shows_the_stored_pair_tags_and_links(app):
    page = event_form.edit_layout(event_id="3")
    values = {
        fields.dom_id(c.id): c.value
        for c in walk(page)
        if hasattr(c, "value") and getattr(c, "id", None) is not None
    }
    assert values[ids.FORM_ACLED_TYPE] == "Strategic developments"
    assert values[ids.FORM_ACLED_SUB_TYPE] == "Agreement"
    assert values[ids.FORM_TAGS] == "seed"
    relation = fields.dom_id({"type": ids.FORM_LINK_RELATION, "index": 0})
    target = fields.dom_id({"type": ids.FORM_LINK_TARGET, "index": 0})
    assert (values[relation], values[target]) == ("follows_up", "1")


def test_on_save_new_event_with_acled_pair_tags_and_link_then_edit_them(app, engine):
    result = submit(
        VALID
        | {
            "acled_event_type": EXPLOSIONS,
            "acled_sub_event_type": SHELLING,
            "tags": "bridge, Istanbul talks",
        },
        links=[{"relation": "follows_up", "id": "3"}],
    )
    event_id = int(result["page"].rsplit("/", 1)[1])
    saved = record(engine, event_id)
    assert (saved.acled_event_type, saved.acled_sub_event_type) == (
        EXPLOSIONS,
        SHELLING,
    )
    assert saved.tags == ["Istanbul talks", "bridge"]
    assert [(x["relation"], x["id"]) for x in saved.links] == [("follows_up", 3)]

    contents, editing = edit_form(engine, event_id)
    assert contents["values"]["tags"] == "Istanbul talks, bridge"
    result = submit(
        contents["values"]
        | {"acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"}
        | {"tags": "bridge"},
        contents["actors"],
        contents["sources"],
        editing,
        [{"relation": "responds_to", "id": "1"}, {"relation": "walks_back", "id": "3"}],
    )
    assert result["page"] == f"/events/{event_id}"
    after = record(engine, event_id)
    assert (after.acled_event_type, after.version, after.tags) == (
        "Battles",
        2,
        ["bridge"],
    )
    assert [(x["relation"], x["id"]) for x in after.links] == [
        ("responds_to", 1),
        ("walks_back", 3),
    ]


def test_on_save_shows_every_problem_at_once_and_saves_nothing(app, engine):
    before = count(engine)
    result = submit(
        VALID
        | {
            "title": "",
            "date_start": "2025-06-05",
            "date_end": "2025-06-01",
            "latitude": "123",
            "acled_event_type": "Battles",
            "acled_sub_event_type": SHELLING,
            "children_killed": "9",
        },
        links=[{"relation": "follows_up", "id": "9999"}, {"relation": "walks_back"}],
    )
    assert field_message(result, "title") == "Title: is required"
    assert "must not be before the start date" in field_message(result, "date_end")
    assert field_message(result, "latitude") == "Latitude: must be at most 90"
    assert "unknown ACLED pair 'Battles'" in field_message(
        result, "acled_sub_event_type"
    )
    assert field_message(result, "children_killed") == (
        "Children killed (9) exceeds the fatalities given (3)"
    )
    assert result["links"] == [
        "Linked event: no event with that id",
        "Linked event: choose the event it links to",
    ]
    assert str(result["summary"][0].children).startswith("7 problems; nothing was")
    assert count(engine) == before


def test_on_save_a_link_to_the_edited_event_itself_is_refused_on_its_row(app, engine):
    contents, editing = edit_form(engine, 6)
    result = submit(
        contents["values"],
        contents["actors"],
        contents["sources"],
        editing,
        [{"relation": "follows_up", "id": "6"}],
    )
    assert result["links"] == ["Linked event: an event cannot link to itself"]
    assert record(engine, 6).version == 1
