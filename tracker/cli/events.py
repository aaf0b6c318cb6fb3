"""`tracker list`, `show`, `add` and `export`: the commands that read and write events,
with the event filter as options."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import click

from tracker.cli.support import CommandError, cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.exporting import UTF8_BOM, write_export
from tracker.formats import EXPORT_NAMES, EXPORTS
from tracker.formats.jsontext import parse_json_records
from tracker.models import EventRecord, EventStatus
from tracker.query.events import get_event_record, list_events
from tracker.query.filter_values import LIST_FIELDS
from tracker.query.filters import EventFilter, parse_filter
from tracker.store.events import save_events, validate_event_records
from tracker.vocab.dates import describe_date

# Each filter field's option and help; `filter_options` makes one click option a field
# of `EventFilter` (repeatable for a list, a flag for a yes/no), and `build_filter`
# reads them all with `parse_filter`, as it reads a URL.
FILTER_OPTIONS: dict[str, tuple[str, str]] = {
    "since": ("--since", "Events on or after this date (YYYY-MM-DD)."),
    "until": ("--until", "Events on or before this date (YYYY-MM-DD)."),
    "event_types": ("--type", "PLOVER type (repeatable)."),
    "modes": ("--mode", "PLOVER mode."),
    "actors": ("--actor", "Actor name or alias."),
    "countries": ("--country", "ISO3 country code."),
    "places": ("--place", "Place or province."),
    "text": ("--text", "Words in the title, notes or quotes."),
    "min_fatalities": ("--min-fatalities", "At least this many killed (best)."),
    "statuses": (
        "--status",
        f"Only these statuses ({', '.join(s.value for s in EventStatus)}; "
        "repeatable); default confirmed and disputed.",
    ),
    "flagged_figures": (
        "--flagged-figures",
        "Only events whose dataset published figures out of order.",
    ),
}


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The event filter as options shared by `list` and `export`: one a field of
    `EventFilter`, in its order."""
    options = []
    for item in fields(EventFilter):
        flag, help_text = FILTER_OPTIONS[item.name]
        if isinstance(item.default, bool):
            options.append(click.option(flag, item.name, is_flag=True, help=help_text))
        else:
            multiple = item.name in LIST_FIELDS
            options.append(
                click.option(flag, item.name, multiple=multiple, help=help_text)
            )
    for option in reversed(options):
        command = option(command)
    return command


def build_filter(**options: Any) -> EventFilter:
    """An EventFilter from the shared filter options, read by the parser every
    surface uses; a refused value is a usage error naming its option."""
    values = {field: options.get(field) for field in FILTER_OPTIONS}
    values["flagged_figures"] = "1" if options.get("flagged_figures") else None
    event_filter, problems = parse_filter(values)
    if problems:
        raise click.UsageError(
            "\n".join(
                f"Invalid value for {FILTER_OPTIONS[p.field][0]}: {p.reason}"
                + (f" (got {p.value!r})" if p.value is not None else "")
                for p in problems
            )
        )
    return event_filter


@click.command("list")
@filter_options
@click.option(
    "--limit", default=100, show_default=True, help="At most this many events."
)
@click.pass_context
@reports_errors
def list_command(ctx: click.Context, limit: int, **filters: Any) -> None:
    """List matching events in date order, one a line."""
    event_filter = build_filter(**filters)
    with session_scope(open_engine(ctx)) as session:
        rows = list_events(session, event_filter, limit=limit)
    for row in rows:
        kind = row.event_type + (f"/{row.mode}" if row.mode else "")
        place = ", ".join(p for p in (row.place, row.country) if p) or "-"
        killed = (
            f"  killed {row.fatalities_best}" if row.fatalities_best is not None else ""
        )
        killed += "  (figures flagged)" if row.figures_flag else ""
        when = describe_date(row.date_start, row.date_end, row.date_precision)
        click.echo(f"{row.id:>6}  {when:<32} {kind:<26} {row.title} [{place}]{killed}")
    # The count says which statuses it counts, as the dashboard's headline does.
    plural = "s" if len(rows) != 1 else ""
    click.echo(f"{len(rows)} event{plural} · {event_filter.describe()}.", err=True)


@click.command()
@click.argument("event_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON record instead.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, event_id: int, as_json: bool) -> None:
    """Show one event with its actors, place, casualties, sources and links."""
    with session_scope(open_engine(ctx)) as session:
        record = get_event_record(session, event_id)
    if as_json:
        click.echo(record.model_dump_json(indent=2))
    else:
        click.echo(describe_record(record))


def describe_record(record: EventRecord) -> str:
    """A short plain-text report of one event."""
    when = describe_date(record.date_start, record.date_end, record.date_precision)
    lines = [
        f"#{record.id}  {record.title}",
        f"  type:       {record.event_type}"
        + (f" / {record.mode}" if record.mode else "")
        + f"  (quad {record.quad_class}, score {record.score:+g})",
        f"  when:       {when}",
    ]
    if record.location:
        loc = record.location
        coords = (
            f" at {loc['latitude']:.4f}, {loc['longitude']:.4f}"
            if loc["latitude"] is not None
            else ""
        )
        place = ", ".join(p for p in (loc["name"], loc["admin1"], loc["country"]) if p)
        lines.append(f"  where:      {place}{coords} ({loc['geo_precision']})")
    for actor in record.actors:
        lines.append(f"  {actor['role'] + ':':<11} {actor['name']}")
    killed = record.fatalities
    if (
        any(v is not None for v in killed.values())
        or record.children_killed is not None
    ):
        lines.append(
            f"  killed:     best {killed['best']}"
            f" (low {killed['low']}, high {killed['high']}),"
            f" civilians {record.civilians_killed}, children {record.children_killed},"
            f" injured {record.injured}"
        )
    if record.figures_flag:
        lines.append(f"  flagged:    {record.figures_flag}")
    lines.append(f"  status:     {record.status}, confidence {record.confidence}")
    for source in record.sources:
        lines.append(f"  source:     {source['title'] or source['url']}")
        if source["quote"]:
            lines.append(f"              \u201c{source['quote']}\u201d")
    for link in record.links:
        lines.append(f"  {link['relation']}: #{link['id']}")
    return "\n".join(lines)


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
            count = write(sys.stdout)
        else:
            count = _write_atomically(output, write)
    click.echo(f"Exported {count} event{'s' if count != 1 else ''}.", err=True)


def _write_atomically(path: Path, write: Callable[[Any], int]) -> int:
    """Write to a temporary file beside `path`, then rename it to `path`.

    So `path` is never a half-written file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(f"cannot write {path}: folder {directory} does not exist")
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{path.name}.", suffix=".part"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            count = write(stream)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
