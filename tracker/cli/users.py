"""`tracker user`: create accounts, list them, change roles, passwords and access.

Whoever runs these commands can open the database itself, so they need no login;
they are how the first admin comes to exist."""

from __future__ import annotations

import sys

import click

from tracker.cli.support import CommandError, open_engine
from tracker.db import session_scope
from tracker.errors import TrackerError
from tracker.models import Role
from tracker.store import accounts

ROLE_CHOICE = click.Choice([role.value for role in Role])


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _run(ctx: click.Context, change) -> object:
    """Run `change(session)` in one transaction; tracker's errors become messages."""
    try:
        with session_scope(open_engine(ctx)) as session:
            return change(session)
    except TrackerError as error:
        raise CommandError(str(error)) from error


@click.group("user")
def user() -> None:
    """Accounts of the dashboard: viewers read, editors write, admins manage."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, default=Role.VIEWER.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.pass_context
def add_user(
    ctx: click.Context, username: str, role: str, password_stdin: bool
) -> None:
    """Create the account USERNAME; the password is asked for (twice)."""
    password = _read_password(password_stdin)
    _run(ctx, lambda s: accounts.create_user(s, username, password, Role(role)))
    click.echo(f"Created {username} ({role}).")


@user.command("list")
@click.pass_context
def list_users(ctx: click.Context) -> None:
    """Every account with its role and whether it may log in."""

    def rows(session) -> list[str]:
        return [
            f"{u.username}\t{u.role}\t{'active' if u.active else 'disabled'}"
            for u in accounts.list_users(session)
        ]

    lines = _run(ctx, rows)
    for line in lines:
        click.echo(line)
    click.echo(f"{len(lines)} account{'' if len(lines) == 1 else 's'}.", err=True)


@user.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
@click.pass_context
def set_role(ctx: click.Context, username: str, role: str) -> None:
    """Give USERNAME another ROLE."""
    _run(ctx, lambda s: accounts.set_role(s, username, Role(role)))
    click.echo(f"{username} is now {role}.")


@user.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.pass_context
def set_password(ctx: click.Context, username: str, password_stdin: bool) -> None:
    """Give USERNAME a new password."""
    password = _read_password(password_stdin)
    _run(ctx, lambda s: accounts.set_password(s, username, password))
    click.echo(f"Password of {username} changed.")


@user.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Let the account log in again.")
@click.pass_context
def disable(ctx: click.Context, username: str, enable: bool) -> None:
    """Stop USERNAME from logging in (its history stays)."""
    _run(ctx, lambda s: accounts.set_active(s, username, enable))
    click.echo(f"{username} is {'enabled' if enable else 'disabled'}.")
