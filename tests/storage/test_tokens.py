"""API tokens (issue 15): stored hashed, carrying the account's role as it is now,
refused once revoked, expired or when the account is disabled; on both backends."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import text
from sqlmodel import Session

from tracker.errors import InvalidInput, NotFound
from tracker.models import Role
from tracker.store import accounts, tokens
from tracker.store.accounts import Principal

PASSWORD = "correct horse battery"


@pytest.fixture
def session(engine):
    with Session(engine) as session:
        accounts.create_user(session, "ana", PASSWORD, Role.EDITOR)
        accounts.create_user(session, "bo", PASSWORD, Role.VIEWER)
        yield session


def test_a_token_acts_as_its_account_and_only_its_hash_is_stored(session):
    made = tokens.create_token(session, "ana")
    assert made.secret.startswith("trk_") and len(made.secret) > 40
    stored = session.execute(text("SELECT prefix, secret_hash FROM api_token")).all()
    assert stored == [
        (made.secret[:10], hashlib.sha256(made.secret.encode()).hexdigest())
    ]
    assert tokens.principal_for_token(session, made.secret) == Principal(
        "ana", Role.EDITOR
    )
    assert tokens.principal_for_token(session, made.secret + "x") is None
    assert tokens.principal_for_token(session, "") is None


def test_a_token_follows_its_accounts_role_and_state(session):
    made = tokens.create_token(session, "bo")
    accounts.set_role(session, "bo", Role.EDITOR)
    assert tokens.principal_for_token(session, made.secret).role == Role.EDITOR
    accounts.set_active(session, "bo", False)
    assert tokens.principal_for_token(session, made.secret) is None


def test_a_revoked_token_is_refused_and_listed_as_revoked(session):
    made = tokens.create_token(session, "ana", name="notebook")
    info = tokens.revoke_token(session, made.id)
    assert info.state() == "revoked"
    assert tokens.principal_for_token(session, made.secret) is None
    assert [(t.id, t.name, t.state()) for t in tokens.list_tokens(session)] == [
        (made.id, "notebook", "revoked")
    ]
    with pytest.raises(NotFound, match="no token with id 999"):
        tokens.revoke_token(session, 999)


def test_an_expired_token_is_refused(session):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = tokens.create_token(
        session, "ana", expires_in=dt.timedelta(days=30), now=start
    )
    session.commit()
    session.expire_all()
    later = start + dt.timedelta(days=29, hours=23)
    assert tokens.principal_for_token(session, made.secret, now=later) is not None
    too_late = start + dt.timedelta(days=30)
    assert tokens.principal_for_token(session, made.secret, now=too_late) is None
    assert tokens.list_tokens(session)[0].state(now=too_late) == "expired"


@pytest.mark.parametrize(
    ("text_", "expected"),
    [
        ("30d", dt.timedelta(days=30)),
        ("12h", dt.timedelta(hours=12)),
        ("2W", dt.timedelta(weeks=2)),
    ],
)
def test_durations_read_as_hours_days_or_weeks(text_, expected):
    assert tokens.parse_duration(text_) == expected


@pytest.mark.parametrize("bad", ["", "30", "0d", "-1d", "1y", "1.5d"])
def test_a_bad_duration_is_refused_naming_expires(bad):
    with pytest.raises(InvalidInput) as caught:
        tokens.parse_duration(bad)
    assert caught.value.problems[0].field == "expires"


def test_no_token_for_an_unknown_or_disabled_account(session):
    with pytest.raises(NotFound, match="no account called 'nobody'"):
        tokens.create_token(session, "nobody")
    accounts.set_active(session, "bo", False)
    with pytest.raises(InvalidInput, match="disabled"):
        tokens.create_token(session, "bo")
    assert tokens.list_tokens(session) == []
