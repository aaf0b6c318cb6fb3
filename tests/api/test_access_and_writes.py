"""Who may do what through the API, over real HTTP on SQLite and PostgreSQL
(issue 15): a viewer's token reads and cannot write (403, nothing changed); an
editor's writes with the form's validation, versions and history ("via api"); a
stale version is 409 naming the fields changed meanwhile; revoked and expired tokens
and requests without one are refused 401 in JSON; bad parameters are 400 naming
the field."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import re
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import text

from tests.api.conftest import PASSWORD, call
from tests.conftest import table_counts
from tracker.db import make_engine, session_scope
from tracker.store import tokens

NEW_EVENT = {
    "title": "Drone strike on a power station reported through the API",
    "event_type": "ASSAULT",
    "mode": "aerial",
    "date_start": "2025-05-20",
    "date_precision": "day",
    "location": {"name": "Kharkiv", "country": "UKR"},
    "actors": [{"name": "Military Forces of Russia", "role": "initiator"}],
    "fatalities": {"best": 2},
    "sources": [
        {
            "url": "https://example.org/report",
            "quote": "Two people were killed when a drone hit the power station.",
        }
    ],
}


@pytest.fixture(scope="module")
def engine(api_database):
    engine = make_engine(api_database)
    yield engine
    engine.dispose()


def history_of(engine, event_id: int) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT version, action, username, via FROM event_change"
                " WHERE event_id = :id ORDER BY version"
            ),
            {"id": event_id},
        ).all()


def created(api_server, api_tokens) -> dict:
    answer = call(
        f"{api_server}/api/v1/events",
        token=api_tokens["editor"],
        method="POST",
        body=NEW_EVENT,
    )
    assert answer.status == 201, answer.body
    return answer.body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/events", NEW_EVENT),
        ("PATCH", "/api/v1/events/1", {"version": 1, "title": "Changed by a viewer"}),
        ("POST", "/api/v1/events/1/retract", {}),
    ],
)
def test_a_viewers_token_cannot_write_and_nothing_changes(
    method, path, body, api_server, api_tokens, engine
):
    before = table_counts(engine)
    answer = call(
        api_server + path, token=api_tokens["viewer"], method=method, body=body
    )
    assert answer.status == 403
    assert (
        "viewer" in answer.body["error"]
        and "nothing was changed" in answer.body["error"]
    )
    assert answer.body["problems"][0]["field"] == "Authorization"
    assert table_counts(engine) == before


def test_an_editors_token_writes_with_history_via_api(api_server, api_tokens, engine):
    event = created(api_server, api_tokens)
    assert event["title"] == NEW_EVENT["title"] and event["version"] == 1
    patched = call(
        f"{api_server}/api/v1/events/{event['id']}",
        token=api_tokens["editor"],
        method="PATCH",
        body={"version": 1, "notes": "The grid operator confirmed the damage."},
    )
    assert patched.status == 200, patched.body
    assert patched.body["notes"] == "The grid operator confirmed the damage."
    assert patched.body["title"] == NEW_EVENT["title"]  # fields not given are kept
    retracted = call(
        f"{api_server}/api/v1/events/{event['id']}/retract",
        token=api_tokens["editor"],
        method="POST",
        body={"version": 2, "tag": "duplicate"},
    )
    assert retracted.status == 200, retracted.body
    assert retracted.body["status"] == "retracted"
    assert history_of(engine, event["id"]) == [
        (1, "create", "editor", "api"),
        (2, "update", "editor", "api"),
        (3, "retract", "editor", "api"),
    ]
    detail = call(
        f"{api_server}/api/v1/events/{event['id']}", token=api_tokens["viewer"]
    )
    assert [h["via"] for h in detail.body["history"]] == ["api"] * 3


def test_a_stale_version_is_refused_409_naming_the_fields_changed(
    api_server, api_tokens, engine
):
    event = created(api_server, api_tokens)
    url = f"{api_server}/api/v1/events/{event['id']}"
    first = call(
        url,
        token=api_tokens["editor"],
        method="PATCH",
        body={"version": 1, "title": "Strike on a power station in Kharkiv"},
    )
    assert first.status == 200, first.body
    before = table_counts(engine)

    stale = call(
        url,
        token=api_tokens["admin"],
        method="PATCH",
        body={"version": 1, "notes": "Written without seeing the new title"},
    )

    assert stale.status == 409
    assert stale.body["changed"] == {
        "title": [NEW_EVENT["title"], "Strike on a power station in Kharkiv"]
    }
    assert stale.body["problems"][0]["field"] == "version"
    assert table_counts(engine) == before
    now = call(url, token=api_tokens["viewer"]).body
    assert (now["version"], now["notes"]) == (2, None)


def test_an_invalid_event_is_refused_naming_each_field(api_server, api_tokens, engine):
    before = table_counts(engine)
    answer = call(
        f"{api_server}/api/v1/events",
        token=api_tokens["editor"],
        method="POST",
        body={**NEW_EVENT, "event_type": "BOMBING", "sources": []},
    )
    assert answer.status == 400
    fields = {p["field"] for p in answer.body["problems"]}
    assert {"event_type", "sources"} <= fields
    assert table_counts(engine) == before


def test_revoked_and_expired_tokens_and_no_token_are_refused_401(
    api_server, api_database
):
    engine = make_engine(api_database)
    with session_scope(engine) as session:
        revoked = tokens.create_token(session, "viewer")
        tokens.revoke_token(session, revoked.id)
        expired = tokens.create_token(
            session,
            "editor",
            expires_in=dt.timedelta(hours=1),
            now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2),
        )
    engine.dispose()
    url = f"{api_server}/api/v1/events?limit=1"
    for token in (revoked.secret, expired.secret, "trk_never-made"):
        answer = call(url, token=token)
        assert answer.status == 401, token
        assert answer.body["problems"][0]["reason"] == (
            "the token is unknown, revoked or expired"
        )
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    anonymous = call(url)
    assert anonymous.status == 401 and "json" in anonymous.content_type
    write = call(
        f"{api_server}/api/v1/events", token=expired.secret, method="POST", body={}
    )
    assert write.status == 401


@pytest.mark.parametrize(
    ("query", "field", "reason"),
    [
        ("since=2025-02-30", "since", "is not a calendar date"),
        ("event_types=BOMBING", "event_types", "is not a PLOVER event type"),
        ("limit=1001", "limit", "from 1 to 1000"),
        ("limit=0", "limit", "from 1 to 1000"),
        ("cursor=bm90IGEgY3Vyc29y", "cursor", "is not a cursor"),
        ("fields=title,colour", "fields", "'colour' is not a field"),
        ("countrys=UKR", "countrys", "is not a parameter"),
    ],
)
def test_a_bad_parameter_is_400_naming_the_field(
    query, field, reason, api_server, api_tokens
):
    answer = call(f"{api_server}/api/v1/events?{query}", token=api_tokens["viewer"])
    assert answer.status == 400
    [problem] = answer.body["problems"]
    assert problem["field"] == field and reason in problem["reason"]


def test_a_logged_in_browser_session_reads_but_cannot_write(api_server):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{api_server}/login").read().decode()
    token = re.search(r'name="token" value="([^"]+)"', form).group(1)
    fields = {"username": "editor", "password": PASSWORD, "token": token, "next": "/"}
    opener.open(f"{api_server}/login", urllib.parse.urlencode(fields).encode())

    read = call(f"{api_server}/api/v1/events?limit=2", opener=opener)
    assert read.status == 200 and len(read.body["data"]) == 2
    write = call(
        f"{api_server}/api/v1/events", method="POST", body=NEW_EVENT, opener=opener
    )
    assert write.status == 401
    assert "need a token" in write.body["problems"][0]["reason"]


def test_unknown_paths_and_methods_answer_json(api_server, api_tokens):
    missing = call(f"{api_server}/api/v1/nothing", token=api_tokens["viewer"])
    assert missing.status == 404 and "no API endpoint" in missing.body["error"]
    no_event = call(f"{api_server}/api/v1/events/99999", token=api_tokens["viewer"])
    assert no_event.status == 404 and "no event with id 99999" in no_event.body["error"]
    wrong = call(
        f"{api_server}/api/v1/events", token=api_tokens["viewer"], method="DELETE"
    )
    assert wrong.status == 405 and "json" in wrong.content_type
