"""`tracker user`: the first admin is made at the command line; roles decide writes.

On both backends; passwords are stored only as standard salted hashes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import Session

from tracker.cli.main import main
from tracker.db import make_engine
from tracker.errors import PermissionDenied
from tracker.models import Role
from tracker.store import accounts
from tracker.store.accounts import Action, Principal, authorize

PASSWORD = "correct horse battery"


def invoke(url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["--database-url", url, *args], input=stdin)


def test_add_list_and_set_role(database_url):
    added = invoke(
        database_url,
        "user",
        "add",
        "olena",
        "--role",
        "admin",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert added.exit_code == 0, added.output
    assert "Created olena (admin)" in added.output
    invoke(
        database_url, "user", "add", "petro", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert invoke(database_url, "user", "set-role", "petro", "editor").exit_code == 0

    listed = invoke(database_url, "user", "list")
    assert listed.stdout.splitlines() == [
        "olena\tadmin\tactive",
        "petro\teditor\tactive",
    ]
    engine = make_engine(database_url)
    with Session(engine) as session:
        stored = accounts.find_user(session, "olena").password_hash
        assert PASSWORD not in stored and stored.startswith("scrypt:")
        assert accounts.authenticate(session, "olena", PASSWORD) == Principal(
            "olena", Role.ADMIN
        )
        assert accounts.authenticate(session, "olena", "wrong password!") is None
        assert accounts.authenticate(session, "nobody", PASSWORD) is None
    engine.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "x y"], f"{PASSWORD}\n", "username"),
        (["add", "short"], "abc\n", "at least 10 characters"),
        (["set-role", "ghost", "editor"], None, "no account called 'ghost'"),
    ],
)
def test_bad_requests_say_why_and_write_nothing(database_url, args, stdin, message):
    if args[0] == "add":
        args = [*args, "--password-stdin"]
    result = invoke(database_url, "user", *args, stdin=stdin)
    assert result.exit_code == 1
    assert message in result.output
    assert invoke(database_url, "user", "list").stdout == ""


def test_a_taken_username_is_refused(database_url):
    for expected in (0, 1):
        result = invoke(
            database_url,
            "user",
            "add",
            "olena",
            "--password-stdin",
            stdin=f"{PASSWORD}\n",
        )
        assert result.exit_code == expected
    assert "already taken" in result.output


def test_a_disabled_account_cannot_log_in(database_url):
    invoke(
        database_url, "user", "add", "olena", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert invoke(database_url, "user", "disable", "olena").exit_code == 0
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert accounts.authenticate(session, "olena", PASSWORD) is None
    engine.dispose()


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.VIEWER, {Action.SAVE_VIEWS}),
        (Role.EDITOR, set(Action) - {Action.PURGE, Action.MANAGE_ACCOUNTS}),
        (Role.ADMIN, set(Action)),
    ],
)
def test_each_role_may_do_exactly_its_actions(role, allowed):
    who = Principal("someone", role)
    for action in Action:
        if action in allowed:
            assert authorize(who, action) is who
        else:
            with pytest.raises(PermissionDenied, match=f"may not {action}"):
                authorize(who, action)
    with pytest.raises(PermissionDenied, match="log in"):
        authorize(None, Action.ADD)
