"""`tracker duplicates`: possible duplicates across datasets, listed, scanned for,
merged or dismissed."""

from __future__ import annotations

import click

from tracker.cli.support import cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.matching.duplicates import (
    ALL_STATUSES,
    DuplicateRow,
    dismiss_candidate,
    find_duplicate_candidates,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.models import DuplicateStatus
from tracker.vocab.dates import describe_date


@click.command()
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
