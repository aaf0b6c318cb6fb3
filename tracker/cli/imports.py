"""`tracker import`: read a file in any known format and report what it held."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from tracker.cli.support import CommandError, cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.formats import AUTO, IMPORT_CHOICES
from tracker.importing import (
    ImportFailed,
    ImportMode,
    ImportReport,
    import_file,
    write_problem_report,
)
from tracker.query.events import count_by_status
from tracker.query.filters import COUNTED_STATUSES

MAX_PROBLEMS_SHOWN = 20


def estimated_rows(path: Path) -> int | None:
    """About how many rows the file holds, for the progress bar's time left: its
    lines less a header, for the line-based formats (a quoted cell may hold a line
    break, so it is an estimate); None for a JSON document."""
    if path.suffix.lower() == ".json":
        return None
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            lines += block.count(b"\n")
    return max(lines - 1, 0) or None


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(IMPORT_CHOICES),
    default=AUTO,
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
    "run `tracker duplicates scan` later.",
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
        if not bar.disable:  # on a terminal: rows, rate and time left
            bar.total = estimated_rows(path)
            bar.refresh()
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
