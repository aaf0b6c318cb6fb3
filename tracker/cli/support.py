"""What every `tracker` command shares: the engine, the author, error reporting.

Command modules import these from here, so `tracker.cli.main` can register them without
import cycles."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from tracker.db import current_revision, make_engine
from tracker.errors import TrackerError

if TYPE_CHECKING:
    from tracker.store.history import Author


class CommandError(click.ClickException):
    """A failure reported as 'Error: ...' with exit status 1."""


def open_engine(ctx: click.Context, *, migrated: bool = True) -> Engine:
    """The engine for --database-url / $DATABASE_URL.

    Refuse a database that was never initialised."""
    engine = make_engine(ctx.obj["database_url"])
    if migrated:
        try:
            revision = current_revision(engine)
        except OperationalError as error:
            raise CommandError(
                f"cannot open the database {engine.url!r}: {error.orig}"
            ) from error
        if revision is None:
            raise CommandError(
                f"the database {engine.url!r} has no tracker schema yet: "
                "run `tracker init-db`"
            )
    return engine


def cli_author(via: str) -> Author:
    """The person at the command line, as the history names them."""
    # Imported here: the accounts bring Werkzeug, which reading commands never use.
    from tracker.store.accounts import command_line_principal
    from tracker.store.history import Author

    return Author(command_line_principal().username, via=via)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn tracker's own errors into a clear message and a non-zero exit."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrackerError as error:
            raise CommandError(str(error)) from error

    return wrapper
