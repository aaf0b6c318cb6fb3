"""`tracker extract`: propose events from an article, print them, optionally save them.

The pipeline is imported inside the command: spaCy and the gazetteer load only when an
article is actually read, so other commands stay quick to start.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TextIO

import click

from tracker.cli.support import CommandError, cli_author, open_engine
from tracker.db import session_scope
from tracker.errors import TrackerError
from tracker.extraction.proposals import Article, ProposedEvent
from tracker.models import validate_http_url
from tracker.review import save_article_proposals

# The keys `--json` prints, in this order (issue #5).
JSON_KEYS = (
    "event_type",
    "mode",
    "acled_event_type",
    "acled_sub_event_type",
    "date_start",
    "date_end",
    "date_precision",
    "actors",
    "location",
    "fatalities",
    "children_killed",
    "quote",
    "start",
    "end",
    "confidence",
)


def proposal_json(proposal: ProposedEvent) -> dict[str, Any]:
    """One proposal as the `--json` object: the issue's keys, actors as {name, role}."""
    full = proposal.as_json()
    item = {key: full[key] for key in JSON_KEYS}
    item["actors"] = [{"name": a["name"], "role": a["role"]} for a in full["actors"]]
    location = full["location"]
    if location is not None:
        item["location"] = {
            key: location[key] for key in ("name", "country", "latitude", "longitude")
        }
    return item


def describe_proposal(proposal: ProposedEvent) -> str:
    """One proposal in a few human lines."""
    kind = proposal.event_type + (f"/{proposal.mode}" if proposal.mode else "")
    dates = str(proposal.date_start)
    if proposal.date_end and proposal.date_end != proposal.date_start:
        dates += f" to {proposal.date_end}"
    lines = [
        f"{kind}  {dates} ({proposal.date_precision.value})  "
        f"confidence {proposal.confidence:.2f}",
        f"  {proposal.title}",
    ]
    if proposal.actors:
        lines.append(
            "  actors: " + "; ".join(f"{a.name} ({a.role})" for a in proposal.actors)
        )
    if proposal.location:
        lines.append(f"  place: {proposal.location.name} ({proposal.location.country})")
    if proposal.fatalities is not None:
        children = (
            f", {proposal.children_killed} children" if proposal.children_killed else ""
        )
        lines.append(f"  killed: {proposal.fatalities}{children}")
    if proposal.attributed_to:
        lines.append(f"  according to: {proposal.attributed_to}")
    lines.append(f"  “{proposal.quote}” [{proposal.start}:{proposal.end}]")
    return "\n".join(lines)


def _extract(text: str, published: dt.date) -> list[ProposedEvent]:
    from tracker.extraction import extract_events

    return extract_events(text, published=published)


def _run_batch(stream: TextIO) -> None:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            published = dt.date.fromisoformat(row["published"])
            text = row["text"]
        except (ValueError, KeyError, TypeError) as error:
            raise click.ClickException(
                f"line {number}: expected {{'id', 'text', 'published'}}: {error}"
            ) from error
        events = [proposal_json(p) for p in _extract(text, published)]
        click.echo(
            json.dumps({"id": row.get("id"), "events": events}, ensure_ascii=False)
        )


@click.command("extract")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--published",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Publication date (YYYY-MM-DD): relative dates are read against it.",
)
@click.option("--url", default=None, help="The article's URL, cited when saving.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of proposals.")
@click.option("--save", is_flag=True, help="Store the proposals as proposed events.")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    help='Batch: one {"id", "text", "published"} object a line in, one '
    '{"id", "events"} line out.',
)
@click.pass_context
def extract(
    ctx: click.Context,
    file: Path | None,
    published: dt.datetime | None,
    url: str | None,
    as_json: bool,
    save: bool,
    jsonl: TextIO | None,
) -> None:
    """Propose the events an article reports (nothing is confirmed)."""
    if jsonl is not None:
        _run_batch(jsonl)
        return
    if file is None or published is None:
        raise click.UsageError("give FILE and --published YYYY-MM-DD, or --jsonl INPUT")
    if url is not None:
        try:
            validate_http_url(url)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--url") from error
    text = file.read_text(encoding="utf-8")
    proposals = _extract(text, published.date())
    if as_json:
        click.echo(
            json.dumps(
                [proposal_json(p) for p in proposals], ensure_ascii=False, indent=2
            )
        )
    else:
        click.echo("\n\n".join(describe_proposal(p) for p in proposals))
        click.echo(f"\n{len(proposals)} proposed event(s).")
    if save:
        article = Article(text=text, published=published.date(), url=url)
        try:
            with session_scope(open_engine(ctx)) as session:
                saved = save_article_proposals(
                    session, article, proposals, author=cli_author("tracker extract")
                )
        except TrackerError as error:
            raise CommandError(str(error)) from error
        click.echo(
            f"Saved {len(saved)} proposed event(s) for review "
            f"(article {article.key()}).",
            err=as_json,
        )
