"""`tracker add` and `export`: events in from JSON records, out to a file in any
export format, with the event filter of `tracker.cli.events` as options."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tracker.cli.events import build_filter, filter_options
from tracker.cli.support import CommandError, cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.exporting import UTF8_BOM, write_export
from tracker.formats import EXPORT_NAMES, EXPORTS
from tracker.formats.jsontext import parse_json_records
from tracker.store.events import save_events, validate_event_records


@click.command()
@click.option(
    "--json",
    "json_file",
    required=True,
    type=click.File("r", encoding="utf-8"),
    help="A JSON file of one event, a list, or JSON Lines ('-' for standard input).",
)
@click.pass_context
@reports_errors
def add(ctx: click.Context, json_file) -> None:
    """Add events from JSON records (the shape `export --format jsonl` writes).

    Each event must cite a source. All or nothing: if any record is invalid, every
    problem is listed and none is saved."""
    rows = parse_json_records(json_file.read())
    events = validate_event_records(rows, require_source=True)
    with session_scope(open_engine(ctx)) as session:
        summary = save_events(
            session,
            events,
            lines=[line for line, _ in rows],
            author=cli_author("tracker add"),
        )
    ids = ", ".join(str(i) for i in summary.event_ids)
    click.echo(f"{summary} (ids {ids}).")


def _export_help() -> str:
    """The --format help: each export's name, older names and what it writes."""
    described = []
    for fmt in EXPORTS.values():
        aliases = f" (or {', '.join(fmt.aliases)})" if fmt.aliases else ""
        described.append(f"{fmt.name}{aliases}: {fmt.label}")
    return "; ".join(described) + "."


@click.command()
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(EXPORT_NAMES)),
    default="native",
    show_default=True,
    help=_export_help(),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write.",
)
@click.option(
    "--excel", is_flag=True, help="Start CSV with a UTF-8 byte-order mark for Excel."
)
@filter_options
@click.pass_context
@reports_errors
def export(
    ctx: click.Context,
    format_name: str,
    output: Path | None,
    excel: bool,
    **filters: Any,
) -> None:
    """Export matching events, streamed in date order (the dashboard's filter)."""
    fmt = EXPORT_NAMES[format_name]
    event_filter = build_filter(**filters)
    with session_scope(open_engine(ctx)) as session:

        def write(stream: Any) -> int:
            if excel and fmt.is_csv:
                stream.write(UTF8_BOM)
            return write_export(session, event_filter, fmt, stream)

        if output is None:
            count = write(sys.stdout.buffer if fmt.is_binary else sys.stdout)
        else:
            count = _write_atomically(output, write, binary=fmt.is_binary)
    click.echo(f"Exported {count} event{'s' if count != 1 else ''}.", err=True)


def _write_atomically(
    path: Path, write: Callable[[Any], int], *, binary: bool = False
) -> int:
    """Write to a temporary file beside `path` (as bytes when `binary`), then
    rename it to `path`.

    So `path` is never a half-written file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"cannot write {path}: folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        if binary:
            with os.fdopen(handle, "wb") as stream:
                count = write(stream)
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                count = write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
