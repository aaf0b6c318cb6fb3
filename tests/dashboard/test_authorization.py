"""Writes are refused on the server, over real HTTP: a viewer (or nobody) who crafts
the callback request a button would send changes nothing.

The dashboard runs as its own process (the browser tests' server, over a seeded
SQLite database with the accounts `editor` and `viewer`: Dash hands its callbacks to
the first app of a process, so one per process is the honest setup). Each test
logs in through the /login form and posts to /_dash-update-component what Dash's
renderer would, built from the app's own /_dash-dependencies. The same request made
as an editor does write, so the refusal is the check, not a malformed request."""

from __future__ import annotations

import base64
import http.cookiejar
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard import ids
from dashboard.components import event_form_fields as fields
from tests.browser import conftest as browser_servers
from tests.browser.conftest import PASSWORD, running_server
from tests.conftest import REPO_ROOT
from tests.dashboard.conftest import login_token
from tracker.db import make_engine, session_scope
from tracker.models import Event, EventChange, EventStatus
from tracker.query.events import get_event_record
from tracker.store.events import save_events, validate_event_records

IMPORT_FILE = REPO_ROOT / "tests" / "data" / "import_page" / "new_events.jsonl"
NEW_EVENT = {
    "title": "Drone strike on Kharkiv",
    "event_type": "ASSAULT",
    "mode": "drone",
    "date_start": "2025-06-01",
    "date_precision": "day",
    "location": "Kharkiv",
    "country": "UKR",
    "status": "confirmed",
}
SOURCE_URL = "https://example.org/kharkiv"


# The browser tests' seeded database (with accounts) and server, for this module.
seeded_template = browser_servers.seeded_template
seeded_url = browser_servers.seeded_url
server = browser_servers.server


@pytest.fixture(scope="module")
def engine(seeded_url: str):
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


class Browser:
    """An HTTP client with a cookie jar, as a browser talks to the dashboard."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, body: bytes, content_type: str) -> tuple[int, str]:
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": content_type}
        )
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str) -> None:
        _, page = self.get("/login")
        form = {"username": username, "password": PASSWORD, "token": login_token(page)}
        body = urllib.parse.urlencode(form).encode()
        status, page = self.post("/login", body, "application/x-www-form-urlencoded")
        assert status == 200 and 'name="token"' not in page, page  # on, logged in

    def callback(self, trigger: str, values: dict[str, Any]) -> tuple[int, str]:
        """POST the callback that `trigger` ("id.property") fires, as Dash would."""
        status, text = self.get("/_dash-dependencies")
        assert status == 200, text
        spec = next(
            s
            for s in json.loads(text)
            if any(_key(i) == trigger or _type_key(i) == trigger for i in s["inputs"])
        )
        body = dash_request(spec, trigger, values)
        return self.post(
            "/_dash-update-component", json.dumps(body).encode(), "application/json"
        )


def _key(item: dict) -> str:
    return f"{item['id']}.{item['property']}"


def _type_key(item: dict) -> str | None:
    """For a pattern id, "<its type>.<property>"."""
    if not item["id"].startswith("{"):
        return None
    return f"{json.loads(item['id'])['type']}.{item['property']}"


def dash_request(spec: dict, trigger: str, values: dict[str, Any]) -> dict:
    """The body Dash's renderer posts for `spec`: plain ids get `values[id.prop]`,
    pattern ids the list of {id, property, value} in `values[type.prop]` (or [])."""

    def fill(item: dict) -> Any:
        if item["id"].startswith("{"):
            return values.get(_type_key(item), [])
        return {**item, "value": values.get(_key(item))}

    outputs = []
    for part in spec["output"].strip(".").split("..."):
        component, _, prop = part.rpartition(".")
        prop = prop.split("@")[0]  # allow_duplicate's suffix, dropped as Dash does
        outputs.append(
            [] if component.startswith("{") else {"id": component, "property": prop}
        )
    multi = spec["output"].startswith("..")
    fired = values.get(trigger)
    changed = [
        json.dumps(v["id"], sort_keys=True, separators=(",", ":")) + "." + v["property"]
        for v in (fired if isinstance(fired, list) else [])
    ] or [trigger]
    return {
        "output": spec["output"],
        "outputs": outputs if multi else outputs[0],
        "inputs": [fill(i) for i in spec["inputs"]],
        "state": [fill(s) for s in spec.get("state", [])],
        "changedPropIds": changed,
    }


def form_values(editing: dict | None = None) -> dict[str, Any]:
    """The add/edit form holding NEW_EVENT with one source, Save clicked."""
    values: dict[str, Any] = {
        f"{f.component_id}.value": NEW_EVENT.get(f.key) for f in fields.FIELDS
    }
    for part, (_label, kind) in fields.SOURCE_PARTS.items():  # one source row
        value = SOURCE_URL if part == "url" else None
        row = {"type": kind, "index": 0}
        values[f"{kind}.value"] = [{"id": row, "property": "value", "value": value}]
    values[f"{ids.FORM_SAVE}.n_clicks"] = 1
    values[f"{ids.FORM_EDITING}.data"] = editing
    return values


def count(engine, *where) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(Event).where(*where)
        return session.execute(query).scalar_one()


def history_rows(engine) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(EventChange)
        return session.execute(query).scalar_one()


# --- adding and editing an event -----------------------------------------------------


def logged_in(server: str, username: str) -> Browser:
    browser = Browser(server)
    browser.log_in(username)
    return browser


def test_a_viewers_forged_save_is_refused_and_writes_nothing(server, engine):
    before = (count(engine), history_rows(engine))

    status, text = logged_in(server, "viewer").callback(
        f"{ids.FORM_SAVE}.n_clicks", form_values()
    )

    assert status == 200, text
    assert "You are logged in as viewer (viewer): viewers cannot add events" in text
    assert "Nothing was changed" in text
    assert (count(engine), history_rows(engine)) == before


def test_a_viewers_forged_edit_is_refused_and_the_event_is_unchanged(server, engine):
    editing = {"event_id": 6, "version": 1, "kept": {}}
    with session_scope(engine) as session:
        before = get_event_record(session, 6)

    status, text = logged_in(server, "viewer").callback(
        f"{ids.FORM_SAVE}.n_clicks", form_values(editing)
    )

    assert "viewers cannot edit events" in text, (status, text)
    with session_scope(engine) as session:
        assert get_event_record(session, 6) == before


def test_the_same_save_by_an_editor_adds_the_event_and_records_who(server, engine):
    before = count(engine)

    status, text = logged_in(server, "editor").callback(
        f"{ids.FORM_SAVE}.n_clicks", form_values()
    )

    assert status == 200, text
    assert count(engine) == before + 1
    with session_scope(engine) as session:
        newest = select(EventChange).order_by(EventChange.id.desc()).limit(1)
        change = session.execute(newest).scalar_one()
        page = json.loads(text)["response"][ids.FORM_NAVIGATE]["href"]
        assert page == f"/events/{change.event_id}"  # on to the new event's page
        assert (change.username, change.via, change.action) == (
            "editor",
            "dashboard form",
            "create",
        )


def test_an_anonymous_callback_is_refused_before_dash_sees_it(server, engine):
    before = count(engine)
    anonymous = Browser(server)
    body = json.dumps({"output": "x.children", "inputs": [], "changedPropIds": []})

    status, _ = anonymous.post(
        "/_dash-update-component", body.encode(), "application/json"
    )

    assert status == 401
    assert anonymous.get("/_dash-layout")[0] == 401
    assert anonymous.get("/_dash-dependencies")[0] == 401
    assert count(engine) == before


def test_anonymous_pages_and_exports_ask_to_log_in(server):
    anonymous = Browser(server)
    status, page = anonymous.get("/events?event_types=ASSAULT")
    assert status == 200 and '<label for="username">Username</label>' in page
    assert 'name="next" value="/events?event_types=ASSAULT"' in page
    assert 'name="next" value="/export.csv"' in anonymous.get("/export.csv")[1]
    assert anonymous.get("/assets/style.css")[0] == 200


# --- importing and reviewing ----------------------------------------------------------


def upload_values() -> dict[str, Any]:
    encoded = base64.b64encode(IMPORT_FILE.read_bytes()).decode()
    return {
        f"{ids.IMPORT_UPLOAD}.contents": f"data:text/plain;base64,{encoded}",
        f"{ids.IMPORT_UPLOAD}.filename": IMPORT_FILE.name,
    }


def import_values(uploaded: dict[str, Any]) -> dict[str, Any]:
    return {
        f"{ids.IMPORT_RUN}.n_clicks": 1,
        f"{ids.IMPORT_UPLOADED}.data": uploaded,
        f"{ids.IMPORT_FORMAT}.value": "auto",
        f"{ids.IMPORT_SKIP_INVALID}.value": [],
    }


def test_a_viewers_forged_upload_and_import_are_refused(server, engine):
    viewer, editor = logged_in(server, "viewer"), logged_in(server, "editor")
    before = count(engine)
    trigger = f"{ids.IMPORT_UPLOAD}.contents"

    refused = viewer.callback(trigger, upload_values())
    status, text = editor.callback(trigger, upload_values())
    uploaded = json.loads(text)["response"][ids.IMPORT_UPLOADED]["data"]
    forged = viewer.callback(f"{ids.IMPORT_RUN}.n_clicks", import_values(uploaded))

    assert "viewers cannot import files" in refused[1], refused
    assert "viewers cannot import files" in forged[1], forged
    assert count(engine) == before
    status, text = editor.callback(
        f"{ids.IMPORT_RUN}.n_clicks", import_values(uploaded)
    )
    assert status == 200 and "Imported" in text, text
    assert count(engine) == before + 3


def save_proposals(session) -> list[int]:
    """The import file's three events (all `proposed`), in a dataset of their own."""
    lines = IMPORT_FILE.read_text().splitlines()
    records = [
        (n, json.loads(line) | {"dataset": "review-test"})
        for n, line in enumerate(lines, start=1)
    ]
    return save_events(session, validate_event_records(records)).event_ids


def test_a_viewers_forged_accept_reject_and_merge_are_refused(server, engine):
    with session_scope(engine) as session:
        first, second, third = save_proposals(session)
    proposed = Event.status == EventStatus.PROPOSED.value
    before = (count(engine, proposed), history_rows(engine))
    viewer = logged_in(server, "viewer")
    editing = {"event_id": first, "version": 1, "accept": True, "kept": {}}
    reject = {"type": ids.REVIEW_REJECT, "event": second, "version": 1}
    merge = {"type": ids.REVIEW_MERGE, "event": third}
    into = {"type": ids.REVIEW_MERGE_INTO, "event": third}

    accepted = viewer.callback(f"{ids.FORM_SAVE}.n_clicks", form_values(editing))
    rejected = viewer.callback(
        f"{ids.REVIEW_REJECT}.n_clicks",
        {
            f"{ids.REVIEW_REJECT}.n_clicks": [
                {"id": reject, "property": "n_clicks", "value": 1}
            ]
        },
    )
    merged = viewer.callback(
        f"{ids.REVIEW_MERGE}.n_clicks",
        {
            f"{ids.REVIEW_MERGE}.n_clicks": [
                {"id": merge, "property": "n_clicks", "value": 1}
            ],
            f"{ids.REVIEW_MERGE_INTO}.value": [
                {"id": into, "property": "value", "value": 6}
            ],
            f"{ids.REVIEW_MERGE_INTO}.id": [
                {"id": into, "property": "id", "value": into}
            ],
        },
    )

    assert "viewers cannot review proposed events" in accepted[1], accepted
    assert "viewers cannot review proposed events" in rejected[1], rejected
    assert "viewers cannot merge events" in merged[1], merged
    assert (count(engine, proposed), history_rows(engine)) == before


# --- public read mode -----------------------------------------------------------------


@pytest.fixture(scope="module")
def public_server(seeded_url: str, tmp_path_factory) -> Iterator[str]:
    """A second server over the same database, with TRACKER_PUBLIC_READ=1."""
    log_path = tmp_path_factory.mktemp("public") / "server.log"
    env = {"TRACKER_PUBLIC_READ": "1"}
    with running_server(seeded_url, log_path, env) as base:
        yield base


def test_public_read_lets_anyone_read_but_not_write(public_server, engine):
    before = count(engine)
    anonymous = Browser(public_server)

    assert anonymous.get("/_dash-layout")[0] == 200
    status, page = anonymous.get("/events")
    assert status == 200 and "Username" not in page
    assert anonymous.get("/export.csv")[0] == 200
    status, text = anonymous.callback(f"{ids.FORM_SAVE}.n_clicks", form_values())

    assert status == 200, text
    assert "You are not logged in: log in as an editor to add events" in text
    assert count(engine) == before


# --- the events table's bulk actions (issue #14) -------------------------------------


def bulk_retract(browser: Browser, event_ids: list[int]) -> tuple[int, str]:
    """POST a click on Retract with `event_ids` ticked (at version 1), as the
    renderer would from an editor's page (one message box)."""
    button = {"kind": "retract", "type": ids.EVENTS_BULK_ACTION}
    status, text = browser.get("/_dash-dependencies")
    assert status == 200, text
    trigger = f"{ids.EVENTS_BULK_ACTION}.n_clicks"
    spec = next(
        s for s in json.loads(text) if any(_type_key(i) == trigger for i in s["inputs"])
    )
    values = {
        trigger: [{"id": button, "property": "n_clicks", "value": 1}],
        f"{ids.EVENTS_GRID}.selectedRows": [{"id": i, "version": 1} for i in event_ids],
        f"{ids.EVENTS_STATE}.data": "",
    }
    body = dash_request(spec, trigger, values)
    message = {"type": ids.EVENTS_BULK_MESSAGE, "table": "events"}
    body["outputs"][0] = [{"id": message, "property": "children"}]
    return browser.post(
        "/_dash-update-component", json.dumps(body).encode(), "application/json"
    )


def test_a_viewers_forged_bulk_retract_is_refused_and_changes_nothing(server, engine):
    retracted = Event.status == EventStatus.RETRACTED.value
    before = (count(engine, retracted), history_rows(engine))

    status, text = bulk_retract(logged_in(server, "viewer"), [9, 10])

    assert status == 200, text
    assert "viewers cannot retract events. Nothing was changed." in text
    assert (count(engine, retracted), history_rows(engine)) == before


def test_the_same_bulk_retract_by_an_editor_retracts_and_records_both(server, engine):
    retracted = Event.status == EventStatus.RETRACTED.value
    before = (count(engine, retracted), history_rows(engine))

    status, text = bulk_retract(logged_in(server, "editor"), [9, 10])

    assert status == 200, text
    assert "2 events retracted." in text
    assert (count(engine, retracted), history_rows(engine)) == (
        before[0] + 2,
        before[1] + 2,
    )
