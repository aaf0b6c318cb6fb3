"""`tracker token`: make API tokens for accounts, list them, revoke them.

Whoever runs these commands can open the database itself, so they need no login, as
`tracker user`. The secret is printed once, on stdout alone, so a script can keep it
(`tracker token create --user ana > ana.token`)."""

from __future__ import annotations

import click

from tracker.cli.support import CommandError, open_engine
from tracker.db import session_scope
from tracker.errors import TrackerError
from tracker.store import tokens


def _run(ctx: click.Context, change) -> object:
    """Run `change(session)` in one transaction; tracker's errors become messages."""
    try:
        with session_scope(open_engine(ctx)) as session:
            return change(session)
    except TrackerError as error:
        raise CommandError(str(error)) from error


@click.group("token")
def token() -> None:
    """API tokens: a script sends one as `Authorization: Bearer` and acts as its
    account, with that account's role."""


@token.command("create")
@click.option("--user", "username", required=True, help="The account it acts as.")
@click.option(
    "--expires",
    default=None,
    help="Lifetime such as 30d, 12h or 2w; default: until revoked.",
)
@click.option("--name", default=None, help="What it is for, shown in `token list`.")
@click.pass_context
def create(
    ctx: click.Context, username: str, expires: str | None, name: str | None
) -> None:
    """Make a token for --user; its secret is printed once and never stored."""
    try:
        lifetime = tokens.parse_duration(expires) if expires is not None else None
    except TrackerError as error:
        raise CommandError(str(error)) from error
    made = _run(
        ctx,
        lambda s: tokens.create_token(s, username, expires_in=lifetime, name=name),
    )
    until = (
        f"until {made.expires_at:%Y-%m-%d %H:%M} UTC"
        if made.expires_at
        else ("until revoked")
    )
    click.echo(made.secret)
    click.echo(
        f"Token {made.id} for {made.username} ({made.role}), valid {until}. "
        "Keep the secret above: it is not shown again.",
        err=True,
    )


@token.command("list")
@click.option("--user", "username", default=None, help="Only this account's tokens.")
@click.pass_context
def list_tokens(ctx: click.Context, username: str | None) -> None:
    """Every token: id, account, role, state, prefix, expiry and name (no secrets)."""
    rows = _run(ctx, lambda s: tokens.list_tokens(s, username))
    for info in rows:
        expires = f"{info.expires_at:%Y-%m-%d %H:%M}" if info.expires_at else "never"
        click.echo(
            "\t".join(
                [
                    str(info.id),
                    info.username,
                    info.role,
                    info.state(),
                    info.prefix + "…",
                    f"expires {expires}",
                    info.name or "",
                ]
            ).rstrip("\t")
        )
    click.echo(f"{len(rows)} token{'' if len(rows) == 1 else 's'}.", err=True)


@token.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def revoke(ctx: click.Context, token_id: int) -> None:
    """Stop token TOKEN_ID from working, for good."""
    info = _run(ctx, lambda s: tokens.revoke_token(s, token_id))
    click.echo(f"Token {info.id} of {info.username} is revoked.")
