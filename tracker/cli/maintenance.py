"""`tracker backup`, `restore`, `history`, `revert` and `purge`: keeping the record.

Whoever runs these can open the database itself, so they act as an admin; every
write is recorded in the history under their login name."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tracker.backup import backup_database, restore_database
from tracker.cli.support import cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.query.events import get_event_record
from tracker.store.events import purge_event
from tracker.store.history import HistoryEntry, event_history, revert_event


@click.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@reports_errors
def backup(ctx: click.Context, path: Path) -> None:
    """Write a consistent copy of the whole database to PATH, even while in use.

    SQLite: the online backup API. PostgreSQL: pg_dump's custom format."""
    click.echo(f"Backed up to {backup_database(open_engine(ctx), path)}.")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the data.")
@click.pass_context
@reports_errors
def restore(ctx: click.Context, path: Path, yes: bool) -> None:
    """Replace the database's contents with the backup at PATH, then migrate it."""
    engine = open_engine(ctx, migrated=False)
    if not yes:
        click.confirm(f"Replace everything in {engine.url!r} with {path}?", abort=True)
    click.echo(f"Restored {restore_database(engine, path)}.")


def describe_entry(entry: HistoryEntry) -> str:
    """One history entry: version, when, who, how, and each field's before -> after."""
    when = entry.at.strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [f"v{entry.version}  {when}  {entry.action} by {entry.username}"]
    if entry.via:
        lines[0] += f" ({entry.via})"
    for name, (before, after) in (entry.changes or {}).items():
        shown = [json.dumps(v, ensure_ascii=False) for v in (before, after)]
        lines.append(f"    {name}: {shown[0]} -> {shown[1]}")
    return "\n".join(lines)


@click.command()
@click.argument("event_id", type=int)
@click.pass_context
@reports_errors
def history(ctx: click.Context, event_id: int) -> None:
    """Every recorded write to EVENT_ID, newest first."""
    with session_scope(open_engine(ctx)) as session:
        entries = event_history(session, event_id)
    if not entries:
        click.echo(f"No history recorded for event {event_id}.", err=True)
    for entry in entries:
        click.echo(describe_entry(entry))


@click.command()
@click.argument("event_id", type=int)
@click.option("--to", "to_version", type=int, required=True, help="Version to restore.")
@click.pass_context
@reports_errors
def revert(ctx: click.Context, event_id: int, to_version: int) -> None:
    """Restore EVENT_ID as it was at version --to (recorded as a new version)."""
    with session_scope(open_engine(ctx)) as session:
        current = get_event_record(session, event_id).version
        event = revert_event(
            session,
            event_id,
            to_version=to_version,
            expected_version=current,
            author=cli_author("tracker revert"),
        )
        version = event.version
    click.echo(f"Event {event_id} restored to version {to_version}; now v{version}.")


@click.command()
@click.argument("event_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@reports_errors
def purge(ctx: click.Context, event_id: int, yes: bool) -> None:
    """Delete the retracted event EVENT_ID for good (admins only; recorded)."""
    if not yes:
        click.confirm(f"Delete event {event_id} for good?", abort=True)
    with session_scope(open_engine(ctx)) as session:
        purge_event(session, event_id, author=cli_author("tracker purge"))
    click.echo(f"Event {event_id} purged; its history keeps the last values.")
