"""The `tracker` command group: its options, and every command registered on it."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.exc import OperationalError

from tracker import config
from tracker.cli.duplicates import duplicates
from tracker.cli.events import add, export, list_command, show
from tracker.cli.extract import extract
from tracker.cli.imports import import_command
from tracker.cli.maintenance import backup, history, purge, restore, revert
from tracker.cli.support import CommandError, cli_author, open_engine, reports_errors
from tracker.cli.users import user
from tracker.db import current_revision, session_scope, upgrade_database
from tracker.seed import seed_database


@click.group()
@click.option(
    "--database-url",
    envvar="DATABASE_URL",
    default=None,
    help="SQLAlchemy URL; default $DATABASE_URL, else sqlite:///tracker.db here.",
)
@click.version_option(package_name="tracker")
@click.pass_context
def main(ctx: click.Context, database_url: str | None) -> None:
    """tracker: a conflict event timeline database."""
    ctx.obj = {"database_url": config.database_url(database_url)}


@main.command("init-db")
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


@main.command()
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


for command in (
    list_command,
    show,
    add,
    import_command,
    export,
    duplicates,
    extract,
    user,
    backup,
    restore,
    history,
    revert,
    purge,
):
    main.add_command(command)
