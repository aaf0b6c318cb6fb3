"""`tracker list` and `show`: the commands that read events, and the event filter as
options (which `export` shares).

They import no format, exporter or writer, and `tracker list` reads through the Core
tables on a plain connection, without SQLModel, pydantic or the models: it prints its
first line sooner (issue #19). `add` and `export` are in `tracker.cli.files`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING, Any

import click

from tracker.cli.support import open_engine, reports_errors
from tracker.query.filter_values import HAND_ENTERED, LIST_FIELDS
from tracker.query.filters import EventFilter, parse_filter
from tracker.query.listing import EventRow, list_events
from tracker.vocab.codes import ActorKind, EventStatus
from tracker.vocab.dates import describe_date

if TYPE_CHECKING:
    from tracker.models import EventRecord

# Each filter field's option and help; `filter_options` makes one click option a field
# of `EventFilter` (repeatable for a list, a flag for a yes/no), and `build_filter`
# reads them all with `parse_filter`, as it reads a URL.
FILTER_OPTIONS: dict[str, tuple[str, str]] = {
    "since": ("--since", "Events on or after this date (YYYY-MM-DD)."),
    "until": ("--until", "Events on or before this date (YYYY-MM-DD)."),
    "event_types": ("--type", "PLOVER type."),
    "modes": ("--mode", "PLOVER mode."),
    "actors": ("--actor", "Actor name or alias."),
    "countries": ("--country", "ISO3 country code."),
    "places": ("--place", "Place or province."),
    "text": ("--text", "Words in the title, notes or quotes."),
    "min_fatalities": ("--min-fatalities", "At least this many killed (best)."),
    "statuses": (
        "--status",
        f"Only these statuses ({', '.join(s.value for s in EventStatus)}); "
        "default confirmed and disputed.",
    ),
    "flagged_figures": (
        "--flagged-figures",
        "Only events whose dataset published figures out of order.",
    ),
    "acled_event_types": ("--acled-type", "ACLED event type, e.g. Battles."),
    "acled_sub_event_types": (
        "--acled-sub-type",
        "ACLED sub-event type, e.g. 'Shelling/artillery/missile attack'.",
    ),
    "datasets": (
        "--dataset",
        f"Dataset the event came from (acled, ucdp, gdelt, plover, seed, extraction; "
        f"{HAND_ENTERED}: entered by hand).",
    ),
    "admin1": ("--admin1", "First-level region (province, oblast)."),
    "admin2": (
        "--admin2",
        "Second-level unit (district, raion, municipality), where the data names it.",
    ),
    "actor_kinds": (
        "--actor-kind",
        f"An actor of this kind ({', '.join(k.value for k in ActorKind)}).",
    ),
    "max_fatalities": ("--max-fatalities", "At most this many killed (best)."),
    "civilians_targeted": (
        "--civilians-targeted",
        "Only events whose violence targeted civilians.",
    ),
    "tags": ("--tag", "Tagged with this tag (any case)."),
}
# Every option repeats for a list field; the help says so once, here.
REPEATABLE = " (repeatable)."


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
            shown = help_text.removesuffix(".") + REPEATABLE if multiple else help_text
            options.append(click.option(flag, item.name, multiple=multiple, help=shown))
    for option in reversed(options):
        command = option(command)
    return command


def build_filter(**options: Any) -> EventFilter:
    """An EventFilter from the shared filter options, read by the parser every
    surface uses; a refused value is a usage error naming its option."""
    values = {field: options.get(field) for field in FILTER_OPTIONS}
    for item in fields(EventFilter):
        if isinstance(item.default, bool):  # a flag: given or not
            values[item.name] = "1" if options.get(item.name) else None
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
    # A connection, not a session: the same query as the dashboard's, without the
    # ORM's imports; it only reads, so there is nothing to commit.
    with open_engine(ctx).connect() as connection:
        rows = list_events(connection, event_filter, limit=limit)
    for row in rows:
        click.echo(describe_row(row))
    # The count says which statuses it counts, as the dashboard's headline does.
    plural = "s" if len(rows) != 1 else ""
    click.echo(f"{len(rows)} event{plural} · {event_filter.describe()}.", err=True)


def describe_row(row: EventRow) -> str:
    """One line of `tracker list`: id, date, type, title, place, killed."""
    kind = row.event_type + (f"/{row.mode}" if row.mode else "")
    place = ", ".join(p for p in (row.place, row.country) if p) or "-"
    best = row.fatalities_best
    killed = f"  killed {best}" if best is not None else ""
    killed += "  (figures flagged)" if row.figures_flag else ""
    when = describe_date(row.date_start, row.date_end, row.date_precision)
    return f"{row.id:>6}  {when:<32} {kind:<26} {row.title} [{place}]{killed}"


@click.command()
@click.argument("event_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON record instead.")
@click.pass_context
@reports_errors
def show(ctx: click.Context, event_id: int, as_json: bool) -> None:
    """Show one event with its actors, place, casualties, sources and links."""
    # Imported here: a whole record needs the models, which `tracker list` does not.
    from tracker.db import session_scope
    from tracker.query.events import get_event_record

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
        parts = (loc["name"], loc.get("admin2"), loc["admin1"], loc["country"])
        place = ", ".join(p for p in parts if p)
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
