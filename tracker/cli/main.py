"""The `tracker` command line: thin commands that parse, call the library and print."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError
from tqdm import tqdm

from tracker import config
from tracker.cli.extract import extract
from tracker.cli.maintenance import backup, history, purge, restore, revert
from tracker.cli.support import (
    CommandError,
    cli_author,
    open_engine,
    reports_errors,
)
from tracker.cli.users import user
from tracker.db import current_revision, session_scope, upgrade_database
from tracker.exporting import UTF8_BOM, write_events_jsonl
from tracker.formats.acled.verbatim import write_acled_export
from tracker.formats.geojson import write_geojson
from tracker.formats.json_records import parse_json_records
from tracker.importing import (
    FORMAT_CHOICES,
    ImportFailed,
    ImportMode,
    ImportReport,
    import_file,
    write_problem_report,
)
from tracker.matching.candidates import (
    ALL_STATUSES,
    DuplicateRow,
    dismiss_candidate,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import DuplicateStatus, EventRecord, EventStatus
from tracker.native_csv import write_native_csv
from tracker.query.events import (
    count_by_status,
    get_event_record,
    iter_event_records,
    list_events,
)
from tracker.query.filters import COUNTED_STATUSES, EventFilter, parse_filter
from tracker.seed import seed_database
from tracker.store.events import save_events, validate_event_records
from tracker.vocab.dates import describe_date

MAX_PROBLEMS_SHOWN = 20


# Each filter field's option; `parse_filter` reads them all, as it reads a URL.
FILTER_OPTIONS = {
    "since": "--since",
    "until": "--until",
    "event_types": "--type",
    "modes": "--mode",
    "actors": "--actor",
    "countries": "--country",
    "places": "--place",
    "text": "--text",
    "min_fatalities": "--min-fatalities",
    "statuses": "--status",
    "flagged_figures": "--flagged-figures",
}


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The event filter as options shared by `list` and `export`."""
    statuses = ", ".join(s.value for s in EventStatus)
    options = [
        click.option("--since", help="Events on or after this date (YYYY-MM-DD)."),
        click.option("--until", help="Events on or before this date (YYYY-MM-DD)."),
        click.option(
            "--type", "event_types", multiple=True, help="PLOVER type (repeatable)."
        ),
        click.option("--mode", "modes", multiple=True, help="PLOVER mode."),
        click.option("--actor", "actors", multiple=True, help="Actor name or alias."),
        click.option(
            "--country", "countries", multiple=True, help="ISO3 country code."
        ),
        click.option("--place", "places", multiple=True, help="Place or province."),
        click.option("--text", help="Words in the title, notes or quotes."),
        click.option("--min-fatalities", help="At least this many killed (best)."),
        click.option(
            "--status",
            "statuses",
            multiple=True,
            help=f"Only these statuses ({statuses}; repeatable); "
            "default confirmed and disputed.",
        ),
        click.option(
            "--flagged-figures",
            is_flag=True,
            help="Only events whose dataset published figures out of order.",
        ),
    ]
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
                f"Invalid value for {FILTER_OPTIONS[p.field]}: {p.reason}"
                + (f" (got {p.value!r})" if p.value is not None else "")
                for p in problems
            )
        )
    return event_filter


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


main.add_command(extract)
main.add_command(user)
for command in (backup, restore, history, revert, purge):
    main.add_command(command)


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


@main.command("list")
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


@main.command()
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


@main.command()
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


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMAT_CHOICES),
    default="auto",
    show_default=True,
    help="The file's format; auto detects it from the header or shape.",
)
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@click.option(
    "--skip-invalid", is_flag=True, help="Write the valid rows and report the others."
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every problem to this CSV file (row, line, column, value, reason).",
)
@click.option(
    "--no-duplicate-check",
    is_flag=True,
    help="Do not flag duplicates of other datasets now; "
    "run `tracker duplicates --scan` later.",
)
@click.pass_context
@reports_errors
def import_command(
    ctx: click.Context,
    path: Path,
    format_name: str,
    dry_run: bool,
    skip_invalid: bool,
    report_path: Path | None,
    no_duplicate_check: bool,
) -> None:
    """Import ACLED, UCDP GED, GDELT, PLOVER or native files; all or nothing by default.

    Re-importing a file updates its events by their ids in the source dataset and
    never duplicates them; identical rows are left unchanged. Possible duplicates
    of other datasets' events are flagged for review unless --no-duplicate-check."""
    mode = ImportMode.ATOMIC
    if dry_run:
        mode = ImportMode.DRY_RUN
    elif skip_invalid:
        mode = ImportMode.SKIP_INVALID
    engine = open_engine(ctx)
    with tqdm(unit=" rows", disable=None, file=sys.stderr, leave=False) as bar:
        try:
            with session_scope(engine) as session:
                report = import_file(
                    session,
                    path,
                    format_name=format_name,
                    mode=mode,
                    progress=bar.update,
                    duplicate_check=not no_duplicate_check,
                    author=cli_author("import"),
                )
        except ImportFailed as failure:
            report = failure.report
    _print_import_report(report, report_path)
    if report.written and report.event_ids:
        with session_scope(engine) as session:
            statuses = count_by_status(session, report.event_ids)
        for status, count in sorted(statuses.items()):
            if status not in COUNTED_STATUSES:
                click.echo(
                    f"{count} of these events are {status}: listed, exported and "
                    f"counted only with --status {status}."
                )
    if report.problems and mode is not ImportMode.SKIP_INVALID:
        raise CommandError(
            f"{report.rejected} of {report.rows} rows are invalid"
            + ("" if mode is ImportMode.DRY_RUN else "; nothing was written")
        )


def _print_import_report(report: ImportReport, report_path: Path | None) -> None:
    """Say the format, the counts and the first problems; write the full report."""
    how = "detected" if report.detected else "as asked"
    click.echo(f"Format: {report.format} ({how}).")
    click.echo(report.summary() + ".")
    if explanations := report.explanations():
        click.echo("What the file lacked and what was assumed:")
        for note in explanations:
            click.echo(f"  - {note}")
    if report.duplicate_candidates:
        click.echo(
            f"{report.duplicate_candidates} possible duplicates across datasets "
            "flagged: see `tracker duplicates`."
        )
    for line in report.lookalikes.describe() if report.lookalikes else []:
        click.echo(line if line.endswith(":") else f"  - {line}")
    shown = report.problems[:MAX_PROBLEMS_SHOWN]
    for problem in shown:
        click.echo(f"  - {problem}", err=True)
    if len(report.problems) > len(shown):
        more = len(report.problems) - len(shown)
        hint = (
            f" (all in {report_path})" if report_path else "; use --report FILE for all"
        )
        click.echo(f"  ... and {more} more{hint}", err=True)
    if report_path is not None:
        write_problem_report(report, report_path)
        click.echo(f"Report of every problem: {report_path}")


def _from_records(writer: Callable[[Any, Any], int]) -> Callable[..., int]:
    """A writer of records as a writer of a filter's events."""

    def write(session: Any, event_filter: Any, stream: Any) -> int:
        return writer(iter_event_records(session, event_filter), stream)

    return write


# (session, filter, stream) -> events written. Native CSV reads plain SQL rows; the
# other formats build each event's record.
EXPORT_WRITERS: dict[str, Callable[[Any, Any, Any], int]] = {
    "csv": write_native_csv,
    "acled-csv": write_acled_export,
    "jsonl": _from_records(write_events_jsonl),
    "geojson": _from_records(write_geojson),
}


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_WRITERS)),
    default="csv",
    show_default=True,
    help="Native CSV, ACLED's 31 columns, JSON Lines or a GeoJSON FeatureCollection.",
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
    ctx: click.Context, fmt: str, output: Path | None, excel: bool, **filters: Any
) -> None:
    """Export matching events, streamed in date order (the dashboard's filter)."""
    writer = EXPORT_WRITERS[fmt]
    event_filter = build_filter(**filters)
    with session_scope(open_engine(ctx)) as session:

        def write(stream: Any) -> int:
            if excel and fmt.endswith("csv"):
                stream.write(UTF8_BOM)
            return writer(session, event_filter, stream)

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


@main.command()
@click.option(
    "--status",
    type=click.Choice([*(s.value for s in DuplicateStatus), ALL_STATUSES]),
    default=DuplicateStatus.OPEN.value,
    show_default=True,
    help="List the candidates with this status.",
)
@click.option("--event", "event_id", type=int, help="Only pairs with this event.")
@click.option(
    "--scan",
    is_flag=True,
    help="Look for new candidates among all events (or --event's or --dataset's "
    "pairs only).",
)
@click.option(
    "--dataset",
    help="With --scan: only pairs with an event of this dataset (acled, gdelt ...).",
)
@click.option("--dismiss", type=int, metavar="ID", help="Dismiss this candidate.")
@click.option("--merge", type=int, metavar="ID", help="Merge this candidate.")
@click.option("--keep", type=int, metavar="EVENT_ID", help="The event --merge keeps.")
@click.option(
    "--limit", default=100, show_default=True, help="At most this many candidates."
)
@click.pass_context
@reports_errors
def duplicates(
    ctx: click.Context,
    status: str,
    event_id: int | None,
    scan: bool,
    dataset: str | None,
    dismiss: int | None,
    merge: int | None,
    keep: int | None,
    limit: int,
) -> None:
    """List possible duplicates across datasets; scan for new ones, merge or dismiss.

    Nothing is merged unless you say so: --merge ID --keep EVENT_ID retracts the
    other event, links it to the kept one as a duplicate and gives the kept one its
    sources. --dismiss ID marks the pair as distinct; it is never raised again."""
    if sum(x is not None for x in (dismiss, merge)) + scan > 1:
        raise click.UsageError("choose one of --scan, --dismiss and --merge")
    if (merge is None) != (keep is None):
        raise click.UsageError("--merge ID needs --keep EVENT_ID, and the reverse")
    if dataset is not None and (not scan or event_id is not None):
        raise click.UsageError("--dataset goes with --scan, without --event")
    with session_scope(open_engine(ctx)) as session:
        if scan:
            ids = [event_id] if event_id is not None else None
            count = find_duplicate_candidates(session, ids, dataset=dataset)
            click.echo(f"Found {count} new duplicate candidate{_s(count)}.")
            return
        if dismiss is not None:
            candidate = dismiss_candidate(session, dismiss)
            click.echo(
                f"Dismissed candidate #{dismiss}: #{candidate.event_id} and "
                f"#{candidate.other_id} stay separate events."
            )
            return
        if merge is not None:
            done = merge_candidate(
                session, merge, keep=keep, author=cli_author("tracker duplicates")
            )
            click.echo(
                f"Merged candidate #{merge}: kept #{done.kept}; #{done.retracted} is "
                f"retracted as its duplicate ({done.sources_added} source"
                f"{_s(done.sources_added)} added to #{done.kept})."
            )
            return
        rows = list_duplicate_candidates(
            session, status=status, event_id=event_id, limit=limit
        )
    for row in rows:
        click.echo(describe_duplicate(row, show_status=status != "open"))
    click.echo(f"{len(rows)} candidate{_s(len(rows))}.", err=True)


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def describe_duplicate(row: DuplicateRow, *, show_status: bool = False) -> str:
    """One candidate on a line: its id, score, both events and the reasons."""
    sides = []
    for event in (row.event, row.other):
        when = describe_date(event.date_start, event.date_end, event.date_precision)
        sides.append(f"#{event.id} {event.title} ({event.dataset or '-'}, {when})")
    status = f"  [{row.status}]" if show_status else ""
    pair = f"{sides[0]}  ~  {sides[1]}"
    return f"#{row.id}  {row.score:.2f}{status}  {pair}  — {row.reasons}"
