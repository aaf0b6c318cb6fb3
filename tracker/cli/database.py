"""`tracker init-db` and `tracker seed`: make the database and fill it with the seed."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from tracker import config
from tracker.cli.support import CommandError, cli_author, open_engine, reports_errors
from tracker.db import current_revision, session_scope, upgrade_database
from tracker.seed import seed_database


@click.command("init-db")
@click.pass_context
@reports_errors
def init_db(ctx: click.Context) -> None:
    """Create the schema, or migrate it to the newest revision."""
    engine = open_engine(ctx, migrated=False)
    try:
        upgrade_database(engine)
    except OperationalError as error:
        raise CommandError(f"cannot migrate {engine.url!r}: {error.orig}") from error
    click.echo(
        f"Database {engine.url!r} is at revision {current_revision(engine)} (head)."
    )


@click.command()
@click.option(
    "--path",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder holding actors.json and events.jsonl; default seed_data/.",
)
@click.pass_context
@reports_errors
def seed(ctx: click.Context, path: Path | None) -> None:
    """Load the seed actors and events; running it again changes nothing."""
    directory = path or config.seed_dir()
    if not (directory / "events.jsonl").is_file():
        raise CommandError(
            f"no seed events at {directory / 'events.jsonl'}: "
            "pass --path or set TRACKER_SEED_DIR"
        )
    with session_scope(open_engine(ctx)) as session:
        summary = seed_database(session, directory, author=cli_author("tracker seed"))
    click.echo(f"Seeded from {directory}: {summary}.")
