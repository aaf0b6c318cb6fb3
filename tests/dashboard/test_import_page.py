"""The Import page's callbacks and services, called as functions over a real database
(SQLite and PostgreSQL) with small files: upload, dry run, import. No browser."""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from dash import dcc, html, no_update
from sqlalchemy import func, select

from dashboard import ids, services
from dashboard.app import create_app
from dashboard.components import import_report, shell
from dashboard.pages import import_page
from dashboard.server.uploads import (
    DEFAULT_IMPORT_LIMIT_BYTES,
    UPLOAD_FOLDER_KEY,
    describe_size,
    discard_upload,
)
from dashboard.services import writes
from tests.conftest import REPO_ROOT
from tests.dashboard.conftest import request_as
from tracker.db import make_engine, session_scope
from tracker.errors import NotFound
from tracker.formats import IMPORT_CHOICES
from tracker.formats.native.cells import write_events_jsonl
from tracker.models import Event
from tracker.query.events import iter_event_records
from tracker.query.filters import EventFilter
from tracker.seed import seed_database
from tracker.store.accounts import Action

DATA = REPO_ROOT / "tests" / "data" / "import_page"
BAD_LINE = 6  # the row `seed_export_bad_row` breaks; no other event links to it


@pytest.fixture
def seed_export(tmp_path: Path, sqlite_template: Path, seed_dir: Path) -> Path:
    """The seed database exported as native JSON Lines (12 events)."""
    database = tmp_path / "seed.db"
    shutil.copy(sqlite_template, database)
    engine = make_engine(f"sqlite:///{database}")
    path = tmp_path / "seed_export.jsonl"
    with session_scope(engine) as session, path.open("w", encoding="utf-8") as out:
        seed_database(session, seed_dir)
        write_events_jsonl(iter_event_records(session, EventFilter()), out)
    engine.dispose()
    return path


@pytest.fixture
def seed_export_bad_row(seed_export: Path) -> Path:
    """The seed export with an impossible date on line 6, in the middle."""
    lines = seed_export.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[BAD_LINE - 1])
    record["date_start"] = "2025-13-45"
    lines[BAD_LINE - 1] = json.dumps(record)
    path = seed_export.with_name("seed_export_bad_row.jsonl")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def engine(database_url: str):
    """The app's database, empty; the tests look into it directly."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    return tmp_path / "uploads"


@pytest.fixture
def app(database_url: str, engine, uploads: Path):
    app = create_app(database_url)
    app.server.config[UPLOAD_FOLDER_KEY] = str(uploads)
    with request_as(app, "/import", "editor"):
        yield app
    app.server.config[services.ENGINE_KEY].dispose()


def count_events(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(Event)).scalar_one()


def data_url(content: bytes) -> str:
    """The file as dcc.Upload hands it to a callback."""
    return "data:application/octet-stream;base64," + base64.b64encode(content).decode()


def upload(path: Path, previous: dict | None = None) -> dict:
    """Upload `path` through the page's callback; the store's data."""
    data, _shown, _result = import_page.on_upload(
        data_url(path.read_bytes()), path.name, previous
    )
    assert data is not None
    return data


def walk(component):
    """Every component in a Dash layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from walk(child)


def find(component, component_id):
    return next(c for c in walk(component) if getattr(c, "id", None) == component_id)


def text(component) -> str:
    """Every string in a layout tree, joined by spaces."""
    if isinstance(component, str):
        return component
    children = getattr(component, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        children = [children]
    return " ".join(text(child) for child in children if child is not None)


def counts(component) -> dict[str, str]:
    """The figures of the report's counts list, by their term."""
    dl = next(c for c in walk(component) if isinstance(c, html.Dl))
    terms = [c.children for c in dl.children if isinstance(c, html.Dt)]
    values = [c.children for c in dl.children if isinstance(c, html.Dd)]
    return dict(zip(terms, values, strict=True))


def problem_rows(component) -> list[list[str]]:
    """The rows of the problems table: row, line, column, value, reason."""
    body = next(c for c in walk(component) if isinstance(c, html.Tbody))
    return [[cell.children for cell in row.children] for row in body.children]


def links(component) -> list[tuple[str, str]]:
    return [(c.href, c.children) for c in walk(component) if isinstance(c, dcc.Link)]


def stored_files(uploads: Path) -> list[str]:
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


def test_layout_offers_upload_format_and_a_disabled_import_button(app):
    page = import_page.layout()
    upload_box = find(page, ids.IMPORT_UPLOAD)
    assert upload_box.max_size == DEFAULT_IMPORT_LIMIT_BYTES
    assert "Choose a file to import" in text(upload_box)
    fmt = find(page, ids.IMPORT_FORMAT)
    assert [o["value"] for o in fmt.options] == list(IMPORT_CHOICES)
    assert [o["label"] for o in fmt.options][:3] == [
        "Detect from the file",
        "Native CSV or JSON Lines (tracker export)",
        "ACLED CSV",
    ]
    assert fmt.value == "auto"
    assert find(page, ids.IMPORT_RUN).disabled is True
    assert "Skip invalid rows" in str(find(page, ids.IMPORT_SKIP_INVALID).options)
    assert import_page.update_dry_run(None, "auto") == (import_page.NO_FILE, True)


def test_navigation_links_to_the_import_page_keeping_the_filters(app):
    assert ("Import", "/import", Action.IMPORT) in shell.NAV_LINKS
    _, hrefs = shell.nav_targets("?event_types=ASSAULT", ["/", "/import"])
    assert hrefs == ["/?event_types=ASSAULT", "/import?event_types=ASSAULT"]


def test_dry_run_reports_what_importing_would_do_and_writes_nothing(
    app, engine, seed_export
):
    data = upload(seed_export)
    report, disabled = import_page.update_dry_run(data, "auto")
    said = text(report)
    assert re.search(r"Detected: native\S*", said)
    assert counts(report) == {
        "Rows": "12",
        "Would be added": "12",
        "Would be updated": "0",
        "Unchanged": "0",
        "Rejected": "0",
    }
    assert import_report.ATOMIC_NOTE in said
    assert "Nothing has been written yet." in said
    assert disabled is False
    assert count_events(engine) == 0


def test_choosing_a_format_runs_the_dry_run_as_chosen(app, engine, seed_export):
    data = upload(seed_export)
    report, disabled = import_page.update_dry_run(data, "native")
    assert re.search(r"As chosen: native\S*", text(report))
    assert counts(report)["Would be added"] == "12"
    assert disabled is False


def test_import_writes_the_events_and_links_to_each(app, engine, seed_export, uploads):
    data = upload(seed_export)
    result, store, note, _version = import_page.on_import(1, data, "auto", [])
    assert counts(result)["Added"] == "12"
    assert count_events(engine) == 12
    with session_scope(engine) as session:
        stored = set(session.execute(select(Event.id, Event.title)).all())
    event_links = {
        (int(href.rsplit("/", 1)[1]), title)
        for href, title in links(result)
        if re.fullmatch(r"/events/\d+", href)
    }
    assert event_links == stored
    assert ("/events", "Open the events table") in links(result)
    assert store is None  # the page forgets the file...
    assert stored_files(uploads) == []  # ...and the server deletes it
    assert "Imported" in text(note)


def test_reimporting_the_same_file_reports_every_row_unchanged(
    app, engine, seed_export
):
    import_page.on_import(1, upload(seed_export), "auto", [])
    data = upload(seed_export)
    report, _ = import_page.update_dry_run(data, "auto")
    assert counts(report)["Unchanged"] == "12"
    result, _store, _note, _version = import_page.on_import(2, data, "auto", [])
    assert counts(result) == {
        "Rows": "12",
        "Added": "0",
        "Updated": "0",
        "Unchanged": "12",
        "Rejected": "0",
    }
    assert "Nothing changed: every row matches an event already stored." in text(result)
    assert links(result) == [("/events", "Open the events table")]
    assert count_events(engine) == 12


def test_atomic_import_with_one_bad_row_writes_nothing_and_names_its_line(
    app, engine, seed_export_bad_row, uploads
):
    data = upload(seed_export_bad_row)
    report, disabled = import_page.update_dry_run(data, "auto")
    assert "1 of 12 rows is invalid" in text(report)
    [[row, line, column, value, reason]] = problem_rows(report)
    assert row == ""  # JSON Lines: no spreadsheet shows it as rows
    assert (line, column, value) == (str(BAD_LINE), "date_start", "2025-13-45")
    assert "month" in reason
    assert disabled is False  # Import may still be tried: it will refuse

    result, store, note, _version = import_page.on_import(1, data, "auto", [])
    assert "Nothing was written: 1 of 12 rows is invalid." in text(result)
    assert result.role == "alert"
    assert problem_rows(result)[0][1:4] == [str(BAD_LINE), "date_start", "2025-13-45"]
    assert count_events(engine) == 0
    assert store is no_update and note is no_update  # kept for another try
    assert stored_files(uploads) == [data["token"]]


def test_skip_invalid_rows_imports_the_others_and_lists_the_bad_one(
    app, engine, seed_export_bad_row
):
    data = upload(seed_export_bad_row)
    result, store, _note, _version = import_page.on_import(1, data, "auto", ["skip"])
    assert counts(result)["Added"] == "11"
    assert counts(result)["Rejected"] == "1"
    assert "These rows were left out:" in text(result)
    assert problem_rows(result)[0][1] == str(BAD_LINE)
    assert count_events(engine) == 11
    assert store is None


def test_upload_over_the_size_limit_is_refused_and_nothing_is_stored(
    app, engine, uploads
):
    size = DEFAULT_IMPORT_LIMIT_BYTES + 1024 * 1024
    contents = "data:text/csv;base64," + "A" * (4 * -(-size // 3))
    store, shown, _result = import_page.on_upload(contents, "huge.csv", None)
    assert store is None
    assert text(shown) == (
        "huge.csv is 51 MB, over the limit of 50 MB for uploads; import it "
        "with `tracker import` instead. Nothing was stored."
    )
    assert stored_files(uploads) == []
    assert count_events(engine) == 0


def test_an_empty_file_is_refused(app, uploads):
    store, shown, _result = import_page.on_upload(data_url(b""), "empty.csv", None)
    assert store is None
    assert text(shown) == "empty.csv is empty. Nothing was stored."
    assert stored_files(uploads) == []


def test_a_file_whose_format_cannot_be_told_asks_for_its_format(app, engine):
    data = upload(DATA / "unknown_format.txt")
    report, disabled = import_page.update_dry_run(data, "auto")
    said = text(report)
    assert "cannot tell the format" in said
    assert "Choose its format in the Format list above." in said
    assert disabled is True
    assert count_events(engine) == 0


def test_uploads_are_stored_under_random_tokens_not_their_names(app, uploads):
    content = (DATA / "new_events.jsonl").read_bytes()
    name = "..\\../\u202eevil\x00 name.jsonl"
    data, shown, _ = import_page.on_upload(data_url(content), name, None)
    assert re.fullmatch(r"[0-9a-f]{32}\.jsonl", data["token"])
    assert data["name"] == "evil name.jsonl"
    assert text(shown) == f"File: evil name.jsonl ({describe_size(len(content))})"
    assert stored_files(uploads) == [data["token"]]
    assert (uploads / data["token"]).read_bytes() == content
    if os.name == "posix":
        assert uploads.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "token", ["../seed.db", "/etc/passwd", "0" * 32 + "/../x", "", None]
)
def test_a_token_from_the_browser_never_names_another_file(app, uploads, token):
    with pytest.raises(NotFound, match="no longer on the server"):
        writes.dry_run_import(token, "auto")
    discard_upload(token)  # does nothing, raises nothing


def test_a_new_upload_replaces_and_deletes_the_previous_file(app, uploads):
    first = upload(DATA / "new_events.jsonl")
    second = upload(DATA / "new_events_bad_row.jsonl", previous=first)
    assert stored_files(uploads) == [second["token"]]
    result = import_page.on_import(1, first, "auto", [])[0]
    assert "no longer on the server; choose it again" in text(result)


def test_text_from_the_file_is_shown_as_text_not_html(app, engine, tmp_path):
    record = json.loads((DATA / "new_events.jsonl").read_text().splitlines()[0])
    record["title"] = "<img src=x onerror=alert(1)> strike"
    path = tmp_path / "html.jsonl"
    path.write_text(json.dumps(record) + "\n")
    result, _, _, _ = import_page.on_import(1, upload(path), "auto", [])
    [(_href, title)] = [
        link for link in links(result) if link[0].startswith("/events/")
    ]
    assert title == "<img src=x onerror=alert(1)> strike"  # a string child: escaped
    assert not any(type(c).__name__ == "Markdown" for c in walk(result))


ACLED_DATA = Path(__file__).resolve().parents[1] / "data" / "acled"


def test_dry_run_and_import_of_a_wild_acled_file_say_what_was_assumed(app, engine):
    # Issue 17: shown before the analyst imports, and again in the summary.
    path = ACLED_DATA / "wild_subset.csv"
    data = upload(path)
    report, disabled = import_page.update_dry_run(data, "auto")
    shown = text(report)
    assert "What the file lacked and what was assumed:" in shown
    assert "no event_id_cnty column: each row's id is derived" in shown
    assert "1 row left without coordinates" in shown
    assert disabled is False

    result, _store, _note, _version = import_page.on_import(1, data, "auto", [])
    assert "no actor1 or actor2 column: events have no actors" in text(result)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = len(list(csv.DictReader(handle)))
    assert counts(result)["Added"] == str(rows)
    assert count_events(engine) == rows


def test_problems_table_gives_spreadsheet_row_and_line_apart(app, engine):
    data = upload(ACLED_DATA / "wild_multiline.csv")
    report, _disabled = import_page.update_dry_run(data, "auto")
    [[row, line, column, value, _reason]] = problem_rows(report)
    assert (row, line, column, value) == ("4", "6", "fatalities", "many")
