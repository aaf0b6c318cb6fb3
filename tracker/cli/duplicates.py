"""`tracker duplicates`: possible duplicates across datasets, listed, scanned for,
merged or dismissed."""

from __future__ import annotations

import click

from tracker.cli.support import cli_author, open_engine, reports_errors
from tracker.db import session_scope
from tracker.matching.candidates import (
    ALL_STATUSES,
    DuplicateRow,
    dismiss_candidate,
    list_duplicate_candidates,
    merge_candidate,
)
from tracker.matching.duplicates import find_duplicate_candidates
from tracker.models import DuplicateStatus
from tracker.vocab.dates import describe_date


@click.group(invoke_without_command=True)
@click.pass_context
def duplicates(ctx: click.Context) -> None:
    """Possible duplicates across datasets: list them, scan for new ones, merge or
    dismiss one.

    Without a sub-command, lists the open candidates (`tracker duplicates list`).
    Nothing is merged unless you say so."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_candidates)


@duplicates.command("list")
@click.option(
    "--status",
    type=click.Choice([*(s.value for s in DuplicateStatus), ALL_STATUSES]),
    default=DuplicateStatus.OPEN.value,
    show_default=True,
    help="List the candidates with this status.",
)
@click.option("--event", "event_id", type=int, help="Only pairs with this event.")
@click.option(
    "--limit", default=100, show_default=True, help="At most this many candidates."
)
@click.pass_context
@reports_errors
def list_candidates(
    ctx: click.Context, status: str, event_id: int | None, limit: int
) -> None:
    """List candidates, one a line: id, score, both events, reasons."""
    with session_scope(open_engine(ctx)) as session:
        rows = list_duplicate_candidates(
            session, status=status, event_id=event_id, limit=limit
        )
    for row in rows:
        click.echo(describe_duplicate(row, show_status=status != "open"))
    click.echo(f"{len(rows)} candidate{_s(len(rows))}.", err=True)


@duplicates.command()
@click.option("--event", "event_id", type=int, help="Only this event's pairs.")
@click.option("--dataset", help="Only pairs with an event of this dataset (acled ...).")
@click.pass_context
@reports_errors
def scan(ctx: click.Context, event_id: int | None, dataset: str | None) -> None:
    """Look for new candidates among all events.

    With --event, only that event's pairs; with --dataset, only pairs with an event
    of that dataset."""
    if event_id is not None and dataset is not None:
        raise click.UsageError("choose --event or --dataset, not both")
    with session_scope(open_engine(ctx)) as session:
        ids = [event_id] if event_id is not None else None
        count = find_duplicate_candidates(session, ids, dataset=dataset)
    click.echo(f"Found {count} new duplicate candidate{_s(count)}.")


@duplicates.command()
@click.argument("candidate_id", type=int)
@click.option(
    "--keep",
    type=int,
    required=True,
    metavar="EVENT_ID",
    help="The event to keep (one of the pair).",
)
@click.pass_context
@reports_errors
def merge(ctx: click.Context, candidate_id: int, keep: int) -> None:
    """Merge a candidate into the event --keep names.

    The other event is retracted, linked to the kept one as its duplicate, and its
    sources are added to the kept one; both events' history records the merge."""
    with session_scope(open_engine(ctx)) as session:
        done = merge_candidate(
            session, candidate_id, keep=keep, author=cli_author("tracker duplicates")
        )
        click.echo(
            f"Merged candidate #{candidate_id}: kept #{done.kept}; #{done.retracted} "
            f"is retracted as its duplicate ({done.sources_added} source"
            f"{_s(done.sources_added)} added to #{done.kept})."
        )


@duplicates.command()
@click.argument("candidate_id", type=int)
@click.pass_context
@reports_errors
def dismiss(ctx: click.Context, candidate_id: int) -> None:
    """Dismiss a candidate: its two events are distinct.

    The pair is never raised again; both events' history notes the decision."""
    with session_scope(open_engine(ctx)) as session:
        candidate = dismiss_candidate(
            session, candidate_id, author=cli_author("tracker duplicates")
        )
        click.echo(
            f"Dismissed candidate #{candidate_id}: #{candidate.event_id} and "
            f"#{candidate.other_id} stay separate events."
        )


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
