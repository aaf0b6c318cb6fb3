"""Accounts, roles and the permission check every write goes through.

Viewers read (and keep saved views); editors add, edit, retract, revert, import,
review and merge events and pin annotations; admins may also manage accounts and
purge. `authorize` is called by the service layer
before each write, so a refused request changes nothing whatever the client sent.
Passwords are stored only as Werkzeug's standard salted scrypt hashes.
"""

from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.errors import InvalidInput, NotFound, PermissionDenied, Problem
from tracker.models import Role, User

MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")


class Action(StrEnum):
    """The writes tracker guards, named as a person would."""

    ADD = "add events"
    EDIT = "edit events"
    RETRACT = "retract events"
    REVERT = "revert events"
    IMPORT = "import files"
    REVIEW = "review proposed events"
    MERGE = "merge events"
    PURGE = "purge events"
    MANAGE_ACCOUNTS = "manage accounts"
    ANNOTATE = "pin annotations"
    # A saved view is a bookmark of what one reads: any account may keep one.
    SAVE_VIEWS = "save views"


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.SAVE_VIEWS}),
    Role.EDITOR: frozenset(Action) - {Action.PURGE, Action.MANAGE_ACCOUNTS},
    Role.ADMIN: frozenset(Action),
}


@dataclass(frozen=True)
class Principal:
    """Who is acting: an account of the dashboard, or a person at the command line."""

    username: str
    role: Role

    def may(self, action: Action) -> bool:
        return action in ALLOWED[self.role]


def command_line_principal() -> Principal:
    """The person running `tracker` on the machine: whoever can open the database
    file or reach the server with its URL is trusted as an admin."""
    return Principal(username=f"cli:{getpass.getuser()}", role=Role.ADMIN)


def authorize(principal: Principal | None, action: Action) -> Principal:
    """Return `principal` if it may do `action`; raise PermissionDenied otherwise."""
    if principal is None:
        raise PermissionDenied(f"log in to {action}")
    if not principal.may(action):
        raise PermissionDenied(
            f"{principal.username} is a {principal.role.value} and may not {action}"
        )
    return principal


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            [
                Problem(
                    "password",
                    f"must be at least {MIN_PASSWORD_LENGTH} characters long",
                )
            ]
        )


def find_user(session: Session, username: str) -> User | None:
    """The account called `username` (exact match), or None.

    A name no account could have (a NUL byte, which PostgreSQL refuses to compare,
    or any other character outside the pattern) is not looked up at all."""
    if not USERNAME_PATTERN.match(username):
        return None
    return session.exec(select(User).where(User.username == username)).first()


def create_user(session: Session, username: str, password: str, role: Role) -> User:
    """A new account; the username must be free and the password long enough."""
    username = username.strip()
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            [
                Problem(
                    "username",
                    "2 to 64 letters, digits or . _ @ -, starting with a letter "
                    "or digit",
                    value=username,
                )
            ]
        )
    if find_user(session, username) is not None:
        raise InvalidInput([Problem("username", "is already taken", value=username)])
    _check_password(password)
    user = User(
        username=username,
        password_hash=generate_password_hash(password),
        role=Role(role).value,
    )
    session.add(user)
    session.flush()
    return user


def _existing(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"there is no account called {username!r}")
    return user


def set_role(session: Session, username: str, role: Role) -> User:
    """Give an account another role."""
    user = _existing(session, username)
    user.role = Role(role).value
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> User:
    """Replace an account's password."""
    user = _existing(session, username)
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    session.add(user)
    session.flush()
    return user


def set_active(session: Session, username: str, active: bool) -> User:
    """Disable an account (it can no longer log in) or enable it again."""
    user = _existing(session, username)
    user.active = active
    session.add(user)
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """Every account, by username."""
    return list(session.exec(select(User).order_by(User.username)))


@cache
def _unknown_user_hash() -> str:
    """Checked against when the username is unknown, so a wrong name takes as long as
    a wrong password and does not reveal which accounts exist. Made on first use, not
    at import: every command and server would otherwise pay for one scrypt hash."""
    return generate_password_hash("no such user: timing only")


def authenticate(session: Session, username: str, password: str) -> Principal | None:
    """The principal whose password this is, or None for any kind of failure."""
    user = find_user(session, username.strip())
    if user is None:
        check_password_hash(_unknown_user_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return Principal(username=user.username, role=Role(user.role))


def principal_of(session: Session, username: str) -> Principal | None:
    """The principal of an active account, as a login session names it."""
    user = find_user(session, username)
    if user is None or not user.active:
        return None
    return Principal(username=user.username, role=Role(user.role))
