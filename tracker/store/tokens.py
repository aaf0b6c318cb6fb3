"""API tokens: make one for an account, list them, revoke one, and find who sends one.

A token is a random secret shown once, when made; the database keeps only its
SHA-256. A slow salted hash (as for passwords) guards secrets a person chose and
might reuse; a token is 256 random bits, which no one can guess from its hash, and it
is checked on every API request, so a fast hash is the right one here. A token acts
as its account with the account's role as it is *now*: a new role applies at once,
and a disabled account's tokens stop working. Flushes, never commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from tracker.errors import InvalidInput, NotFound, Problem
from tracker.models import TOKEN_NAME_LENGTH, ApiToken, Role, User, utc_now
from tracker.store.accounts import Principal, find_user

# Tokens start with this, so a leaked one is recognisable (and secret scanners can
# be taught it); the prefix shown in listings is it and a few more characters.
TOKEN_MARK = "trk_"
SHOWN_PREFIX_LENGTH = len(TOKEN_MARK) + 6
DURATION_PATTERN = re.compile(r"^\s*(\d{1,5})\s*([hdw])\s*$", re.IGNORECASE)
DURATION_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class NewToken:
    """A token just made: `secret` is what the script sends; it is never stored."""

    id: int
    username: str
    role: str
    secret: str
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class TokenInfo:
    """A token as a listing shows it: never its secret."""

    id: int
    username: str
    role: str
    name: str | None
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def state(self, now: dt.datetime | None = None) -> str:
        """ "active", "revoked" or "expired"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or utc_now()):
            return "expired"
        return "active"


def hash_secret(secret: str) -> str:
    """The stored form of a token's secret."""
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def parse_duration(text: str) -> dt.timedelta:
    """A lifetime such as "30d", "12h" or "2w"; InvalidInput naming "expires"."""
    found = DURATION_PATTERN.match(text or "")
    if found is None or int(found.group(1)) == 0:
        raise InvalidInput(
            [
                Problem(
                    "expires",
                    "must be a whole number of hours, days or weeks, such as 30d, "
                    "12h or 2w",
                    value=text,
                )
            ]
        )
    amount, unit = int(found.group(1)), DURATION_UNITS[found.group(2).lower()]
    return dt.timedelta(**{unit: amount})


def create_token(
    session: Session,
    username: str,
    *,
    expires_in: dt.timedelta | None = None,
    name: str | None = None,
    now: dt.datetime | None = None,
) -> NewToken:
    """A new token for the active account `username`, valid for `expires_in` (or
    until revoked). NotFound when there is no such account; InvalidInput when it is
    disabled or the name is too long."""
    user = find_user(session, username.strip())
    if user is None:
        raise NotFound(f"there is no account called {username!r}")
    if not user.active:
        raise InvalidInput(
            [Problem("user", "is disabled: enable it first", value=username)]
        )
    if name is not None and len(name) > TOKEN_NAME_LENGTH:
        raise InvalidInput(
            [Problem("name", f"at most {TOKEN_NAME_LENGTH} characters", value=name)]
        )
    now = now or utc_now()
    secret = TOKEN_MARK + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + expires_in if expires_in is not None else None,
    )
    session.add(token)
    session.flush()
    return NewToken(token.id, user.username, user.role, secret, token.expires_at)


def list_tokens(session: Session, username: str | None = None) -> list[TokenInfo]:
    """Every token (or those of `username`), oldest first, without secrets."""
    query = (
        select(ApiToken, User.username, User.role)
        .join(User, User.id == ApiToken.user_id)
        .order_by(ApiToken.id)
    )
    if username is not None:
        query = query.where(User.username == username)
    return [
        TokenInfo(
            token.id,
            owner,
            role,
            token.name,
            token.prefix,
            token.created_at,
            token.expires_at,
            token.revoked_at,
        )
        for token, owner, role in session.exec(query)
    ]


def revoke_token(
    session: Session, token_id: int, *, now: dt.datetime | None = None
) -> TokenInfo:
    """Stop token `token_id` from working, for good; revoking it again changes
    nothing. NotFound when there is no such token."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"there is no token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = now or utc_now()
        session.add(token)
        session.flush()
    [info] = [t for t in list_tokens(session) if t.id == token_id]
    return info


def principal_for_token(
    session: Session, secret: str, *, now: dt.datetime | None = None
) -> Principal | None:
    """Who a request sending `secret` acts as; None for an unknown, revoked or
    expired token, or one whose account is disabled."""
    if not secret.startswith(TOKEN_MARK) or len(secret) > 200:
        return None
    row = session.exec(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.secret_hash == hash_secret(secret))
    ).first()
    if row is None:
        return None
    token, user = row
    if token.revoked_at is not None or not user.active:
        return None
    if token.expires_at is not None and token.expires_at <= (now or utc_now()):
        return None
    return Principal(username=user.username, role=Role(user.role))
