"""In Chromium: script, HTML and markdown in every text field render as inert text.

Hostile values go in through the real paths: `tracker add` of a JSON record,
`tracker import` of a native CSV, `tracker extract --save` of an article, the Add event
form, and the Import page's dry run of a JSON Lines file (tests/data/hostile/). Every
page that shows them is then visited and must show each payload as the text it is:
no script runs (`window.__pwned` stays undefined, no dialog opens), no element the
payload spells out exists, and no link points at `javascript:`. A `javascript:` source
URL is refused at input by every path."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.conftest import count_events
from tests.conftest import REPO_ROOT
from tracker.db import make_engine, session_scope
from tracker.query.events import get_event_record

DATA = REPO_ROOT / "tests" / "data" / "hostile"
SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=window.__pwned=1>"
MD_LINK = "[link](javascript:window.__pwned=1)"
ALERT = "<img src=y onerror=alert(document.domain)>"
JS_URL = "javascript:window.__pwned=1"

# tests/data/hostile/hostile_add.json, put in with `tracker add`.
ADDED_TITLE = f"Shelling claim {SCRIPT}"
ADDED_TEXTS = (
    ADDED_TITLE,
    f"Notes {IMG} and {MD_LINK} and **markdown** and <b>html</b>",  # notes
    f"{SVG} Brigade",  # initiator
    "<b>html</b> Militia",  # target
    f"{IMG} village",  # place
    MD_LINK,  # source title
    "**markdown** Wire",  # publisher
    f"Quoted {SCRIPT} text",  # quote
    SVG,  # tag
)
# tests/data/hostile/hostile_events.csv, put in with `tracker import`.
IMPORTED_TITLE = f"Drone strike {SVG} on a depot"
IMPORTED_TEXTS = (
    IMPORTED_TITLE,
    "[depot](javascript:window.__pwned=1)",  # place
    f"{SCRIPT} Unit",  # initiator
    "**Workers** of the depot",  # target
    f"A drone hit the depot {IMG}",  # quote
    '=HYPERLINK("https://example.org","click") <b>html</b>',  # notes
)
# Typed into the Add event form.
FORM_TITLE = f"Typed in the form {ALERT} {SCRIPT}"
FORM_ACTOR = f"{IMG} Typed Battalion"
FORM_QUOTE = f"Typed quote {MD_LINK} <b>html</b>"


@dataclass(frozen=True)
class Hostile:
    """The hostile events the CLI wrote: their ids by the file they came from."""

    added: int
    imported: int


def tracker(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the tracker CLI on the test database, as a person would."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--database-url", database_url, *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
    )


def event_id_titled(database_url: str, title: str) -> int:
    """The id of the one event with this title (looked at directly)."""
    from sqlalchemy import select

    from tracker.models import Event

    engine = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            return session.execute(
                select(Event.id).where(Event.title == title)
            ).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def hostile(seeded_url: str) -> Hostile:
    """The seed database with the hostile files put in through the CLI."""
    added = tracker(seeded_url, "add", "--json", str(DATA / "hostile_add.json"))
    assert added.returncode == 0, added.stderr
    imported = tracker(seeded_url, "import", str(DATA / "hostile_events.csv"))
    assert imported.returncode == 0, imported.stderr
    return Hostile(
        added=event_id_titled(seeded_url, ADDED_TITLE),
        imported=event_id_titled(seeded_url, IMPORTED_TITLE),
    )


@pytest.fixture(scope="module")
def article(seeded_url: str) -> str:
    """A hostile article's proposals saved by `tracker extract --save` (spaCy: slow)."""
    saved = tracker(
        seeded_url,
        "extract",
        "--published",
        "2025-05-24",
        "--url",
        "https://example.org/hostile-article",
        "--save",
        str(DATA / "hostile_article.txt"),
    )
    assert saved.returncode == 0, saved.stderr
    return (DATA / "hostile_article.txt").read_text(encoding="utf-8")


@pytest.fixture
def dialogs(page: Page) -> Iterator[list[str]]:
    """Every dialog (alert, confirm, prompt) the page opens; there must be none."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield opened
    assert opened == []


# Attribute names of inline event handlers (onerror, onload, ...) and javascript:
# addresses anywhere in the page; React and Plotly set neither.
HANDLERS = """() => [...document.querySelectorAll('*')].flatMap((element) =>
    [...element.attributes]
        .filter((a) => a.name.startsWith('on')
            || /^(href|src|action|formaction|xlink:href)$/.test(a.name)
                && /^\\s*javascript:/i.test(a.value))
        .map((a) => `${element.tagName} ${a.name}=${a.value}`))"""


def assert_inert(page: Page, *texts: str) -> None:
    """No payload ran or became an element, and each of `texts` reads as text."""
    for text in texts:
        expect(page.locator("body")).to_contain_text(text)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate(HANDLERS) == []
    for selector in ("img[src=x]", "img[src=y]", "svg[onload]", "iframe"):
        assert page.locator(selector).count() == 0, selector
    scripts = page.eval_on_selector_all("script", "s => s.map((e) => e.textContent)")
    assert not [s for s in scripts if "__pwned" in s]
    hrefs = page.eval_on_selector_all("a", "s => s.map((e) => e.href)")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]


def hover_text(page: Page, graph: str, points: str) -> str:
    """The hover labels of every point of a chart, hovered one after another.

    Between two points the mouse leaves the chart and the label is awaited gone, and
    each label is awaited drawn: read at once, it could still be the last point's."""
    said = []
    marks = page.locator(f"{graph} {points}")
    label = page.locator(f"{graph} .hoverlayer .hovertext")
    for index in range(marks.count()):
        page.mouse.move(0, 0)
        expect(label).to_have_count(0)
        marks.nth(index).hover(force=True)
        expect(label.first).to_be_visible()
        said.append(page.locator(f"{graph} .hoverlayer").text_content() or "")
    return "\n".join(said)


def test_javascript_source_urls_are_refused_by_add_and_import(seeded_url: str):
    before = count_events(seeded_url)
    added = tracker(seeded_url, "add", "--json", str(DATA / "javascript_url_add.json"))
    assert added.returncode != 0
    assert "sources.0.url: must be an absolute http:// or https:// address" in (
        added.stderr
    )
    imported = tracker(seeded_url, "import", str(DATA / "javascript_url.csv"))
    assert imported.returncode != 0
    assert "must be an absolute http:// or https:// address" in imported.stderr
    assert count_events(seeded_url) == before


def test_event_pages_show_every_field_as_text(
    page: Page, server: str, hostile: Hostile, console_errors, dialogs
):
    page.goto(f"{server}/events/{hostile.added}")
    expect(page.get_by_role("heading", name=ADDED_TITLE)).to_be_visible()
    assert_inert(page, *ADDED_TEXTS)
    source = page.get_by_role("link", name=MD_LINK)
    expect(source).to_have_attribute("href", "https://example.org/hostile-add")

    page.goto(f"{server}/events/{hostile.imported}")
    expect(page.get_by_role("heading", name=IMPORTED_TITLE)).to_be_visible()
    assert_inert(page, *IMPORTED_TEXTS)


def test_edit_form_holds_the_payloads_as_values(
    page: Page, server: str, hostile: Hostile, console_errors, dialogs
):
    page.goto(f"{server}/events/{hostile.added}/edit")
    expect(page.get_by_label("Title")).to_have_value(ADDED_TITLE)
    expect(page.get_by_label("Location")).to_have_value(f"{IMG} village")
    assert_inert(page)


def test_events_table_lists_the_titles_as_text(
    page: Page, server: str, hostile: Hostile, console_errors, dialogs
):
    page.goto(server + "/events?text=__pwned")
    grid = page.locator("#events-grid")
    expect(grid.get_by_text(ADDED_TITLE, exact=True)).to_be_visible()
    expect(grid.get_by_text(IMPORTED_TITLE, exact=True)).to_be_visible()
    expect(grid.get_by_text(f"{IMG} village", exact=True)).to_be_visible()
    assert_inert(page)


def test_timeline_swimlanes_and_hovers_show_actor_names_and_titles_as_text(
    page: Page, server: str, hostile: Hostile, console_errors, dialogs
):
    actors = [f"{SVG} Brigade", "<b>html</b> Militia", f"{SCRIPT} Unit"]
    page.goto(server + "/?" + "&".join(f"actors={quote(a)}" for a in actors))
    expect(page.locator("#timeline-summary")).to_contain_text("2 events")
    chips = page.locator("#filter-chips")
    for actor in actors:
        expect(chips).to_contain_text(f"actor: {actor}")
    lanes = page.locator("#timeline-swimlanes")
    expect(lanes.locator(".scatterlayer path.point").first).to_be_attached(
        timeout=15_000
    )
    # The swimlanes come from their own callback: hover once it has answered.
    expect(page.locator("#timeline-actors-involved")).not_to_have_text("…")
    page.wait_for_load_state("networkidle")
    axis = lanes.locator(".yaxislayer-above").text_content() or ""
    for actor in actors:
        assert actor in axis
    hovers = hover_text(page, "#timeline-swimlanes", ".scatterlayer path.point")
    assert ADDED_TITLE in hovers
    assert IMPORTED_TITLE in hovers
    assert_inert(page)


def test_map_hovers_show_titles_and_places_as_text(
    page: Page, server: str, hostile: Hostile, console_errors, dialogs
):
    for title, place in ((ADDED_TITLE, f"{IMG} village"), (IMPORTED_TITLE, None)):
        page.goto(server + "/map?" + urlencode({"text": title}))
        markers = "#map-graph .scattergeo path.point"
        expect(page.locator(markers)).to_have_count(1, timeout=15_000)
        hover = hover_text(page, "#map-graph", ".scattergeo path.point")
        assert title in hover
        assert place is None or place in hover
        assert_inert(page)


def test_review_page_shows_a_hostile_article_and_its_proposals_as_text(
    page: Page, server: str, article: str, console_errors, dialogs
):
    page.goto(server + "/review")
    expect(page.locator(".proposal-card").first).to_be_visible(timeout=15_000)
    assert_inert(page, SCRIPT, IMG, MD_LINK, "**markdown** <b>html</b>")
    expect(
        page.get_by_role("link", name="https://example.org/hostile-article").first
    ).to_have_attribute("href", "https://example.org/hostile-article")


def test_add_event_form_saves_payloads_and_shows_them_as_text(
    page: Page, server: str, seeded_url: str, console_errors, dialogs
):
    before = count_events(seeded_url)
    page.goto(server + "/events/new")
    page.get_by_label("Title").fill(FORM_TITLE)
    page.get_by_label("Event type", exact=True).click()
    page.get_by_role("dialog").get_by_role("option", name="ACCUSE").click()
    page.get_by_label("Start date").fill("2025-06-06")
    page.get_by_label("Location").fill(f"{SVG} hamlet")
    page.get_by_label("Actor", exact=True).first.fill(FORM_ACTOR)
    page.get_by_label("Source URL").fill(JS_URL)
    page.get_by_label("Quote").fill(FORM_QUOTE)
    page.get_by_role("button", name="Save event").click()
    refusal = "Source URL: must be an absolute http:// or https:// address"
    expect(page.get_by_text(refusal, exact=True)).to_be_visible()
    assert count_events(seeded_url) == before
    assert_inert(page)

    page.get_by_label("Source URL").fill("https://example.org/typed")
    page.get_by_role("button", name="Save event").click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    expect(page.get_by_role("heading", name=FORM_TITLE)).to_be_visible()
    assert_inert(page, FORM_TITLE, FORM_ACTOR, FORM_QUOTE, f"{SVG} hamlet")
    assert count_events(seeded_url) == before + 1
    event_id = int(page.url.rsplit("/", 1)[1])
    engine = make_engine(seeded_url)
    try:
        with session_scope(engine) as session:
            assert get_event_record(session, event_id).title == FORM_TITLE
    finally:
        engine.dispose()


def test_import_dry_run_of_a_hostile_file_shows_its_values_as_text(
    page: Page, server: str, seeded_url: str, console_errors, dialogs
):
    before = count_events(seeded_url)
    page.goto(server + "/import")
    upload: Path = DATA / "hostile_upload.jsonl"
    page.get_by_label("Choose a file to import").set_input_files(upload)
    dry_run = page.locator("#import-dry-run")
    expect(dry_run).to_contain_text("2 of 3 rows are invalid")
    bad_date = dry_run.get_by_role("row").filter(has_text="date_start")
    expect(bad_date).to_contain_text(SCRIPT)
    bad_url = dry_run.get_by_role("row").filter(has_text="sources.0.url")
    expect(bad_url).to_contain_text(JS_URL)
    assert_inert(page)
    assert count_events(seeded_url) == before


SQL_LIKE = [
    "'; DROP TABLE event;--",
    '" OR 1=1 --',
    "%' OR '1'='1",
    "_%",
    "1); DELETE FROM actor; --",
]


@pytest.mark.parametrize("value", SQL_LIKE)
def test_filter_values_that_look_like_sql_match_nothing_and_change_nothing(
    page: Page, server: str, seeded_url: str, console_errors, dialogs, value: str
):
    before = count_events(seeded_url)
    page.goto(server + "/events?" + urlencode({"text": value}))
    expect(page.locator("#events-count")).to_contain_text("0 events")
    expect(page.locator("#filter-chips")).to_contain_text(f"mentioning: {value}")
    query = urlencode({"actors": value, "places": value, "modes": value})
    page.goto(server + "/?" + query)
    expect(page.locator("#timeline-summary")).to_contain_text("0 events")
    expect(page.locator("#filter-chips")).to_contain_text(f"actor: {value}")
    expect(page.locator("#filter-chips")).to_contain_text(f"place: {value}")
    page.goto(server + "/map?" + query)
    expect(page.locator("#map-summary")).to_contain_text("No events match")
    assert_inert(page)
    assert count_events(seeded_url) == before
