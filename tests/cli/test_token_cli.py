"""`tracker token create / list / revoke` (issue 15), on both backends."""

from __future__ import annotations

from click.testing import CliRunner
from sqlmodel import Session

from tracker.cli.main import main
from tracker.db import make_engine
from tracker.store import tokens

PASSWORD = "correct horse battery"


def invoke(url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(main, ["--database-url", url, *args], input=stdin)


def test_create_list_and_revoke_a_token(database_url):
    invoke(
        database_url,
        *("user", "add", "ana", "--role", "editor", "--password-stdin"),
        stdin=f"{PASSWORD}\n",
    )
    made = invoke(database_url, "token", "create", "--user", "ana", "--expires", "30d")
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("trk_")
    assert "for ana (editor), valid until" in made.stderr
    assert "not shown again" in made.stderr

    listed = invoke(database_url, "token", "list")
    [line] = listed.stdout.splitlines()
    token_id, user, role, state, prefix, expires = line.split("\t")
    assert (user, role, state, prefix) == ("ana", "editor", "active", secret[:10] + "…")
    assert expires.startswith("expires 20")
    assert secret not in listed.output

    revoked = invoke(database_url, "token", "revoke", token_id)
    assert revoked.exit_code == 0 and "is revoked" in revoked.output
    assert "\trevoked\t" in invoke(database_url, "token", "list").stdout
    engine = make_engine(database_url)
    with Session(engine) as session:
        assert tokens.principal_for_token(session, secret) is None
    engine.dispose()


def test_bad_input_is_refused_with_a_reason(database_url):
    unknown = invoke(database_url, "token", "create", "--user", "nobody")
    assert unknown.exit_code == 1 and "no account called 'nobody'" in unknown.output
    invoke(
        database_url,
        *("user", "add", "ana", "--password-stdin"),
        stdin=f"{PASSWORD}\n",
    )
    bad = invoke(database_url, "token", "create", "--user", "ana", "--expires", "1y")
    assert bad.exit_code == 1 and "expires" in bad.output
    missing = invoke(database_url, "token", "revoke", "7")
    assert missing.exit_code == 1 and "no token with id 7" in missing.output
    assert invoke(database_url, "token", "list").stdout == ""
