"""`tracker extract`: print proposals, --json, --save (both backends), --jsonl batch."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from tests.conftest import SEED_ARTICLE, require_shared
from tracker.cli.extract import JSON_KEYS
from tracker.cli.main import main
from tracker.db import make_engine
from tracker.models import Event, EventSource, Source

DATA = Path(__file__).parent.parent / "data" / "extraction"
ARTICLE = DATA / "merged_reports.txt"


def invoke(*args: str, url: str = "sqlite://"):
    return CliRunner().invoke(main, ["--database-url", url, *args])


def stored(url: str) -> tuple[list[Event], list[str | None], int]:
    engine = make_engine(url)
    with Session(engine) as session:
        events = list(session.exec(select(Event).order_by(Event.id)).scalars())
        quotes = list(session.exec(select(EventSource.quote)).scalars())
        sources = session.execute(select(func.count()).select_from(Source)).scalar_one()
    engine.dispose()
    return events, quotes, sources


def test_extract_json_prints_the_issue_keys_exactly():
    result = invoke("extract", str(ARTICLE), "--published", "2025-05-28", "--json")
    assert result.exit_code == 0, result.output
    [proposal] = json.loads(result.stdout)
    assert tuple(proposal) == JSON_KEYS
    assert proposal["actors"] == [
        {"name": "Military Forces of Russia", "role": "initiator"}
    ]
    assert set(proposal["location"]) == {"name", "country", "latitude", "longitude"}
    assert (proposal["fatalities"], proposal["date_start"]) == (3, "2025-05-27")


def test_extract_seed_article_json_proposes_the_seed_events():
    require_shared()
    result = invoke("extract", str(SEED_ARTICLE), "--published", "2025-05-28", "--json")
    assert result.exit_code == 0, result.output
    kinds = [p["event_type"] for p in json.loads(result.stdout)]
    assert sorted(kinds) == sorted(
        ["CONSULT", "REQUEST", "AGREE", "RETREAT", "ASSAULT", "ASSAULT", "ACCUSE"]
        + ["THREATEN", "ACCUSE", "AGREE", "CONCEDE", "ASSAULT"]
    )


def test_extract_prints_readable_proposals():
    result = invoke("extract", str(ARTICLE), "--published", "2025-05-28")
    assert result.exit_code == 0, result.output
    assert "ASSAULT/heavy-weapons  2025-05-27 (day)" in result.output
    assert "according to: the regional governor" in result.output
    assert "1 proposed event(s)." in result.output


def test_extract_save_stores_proposed_events_citing_the_article_once(database_url):
    args = ("extract", str(ARTICLE), "--published", "2025-05-28", "--save")
    args += ("--url", "https://example.org/odesa")
    for _ in range(2):  # saving twice updates, never duplicates
        result = invoke(*args, url=database_url)
        assert result.exit_code == 0, result.output
    events, quotes, sources = stored(database_url)
    extracted = [e for e in events if e.dataset == "extraction"]
    assert [(e.event_type, e.status) for e in extracted] == [("ASSAULT", "proposed")]
    assert extracted[0].fatalities_low == 3
    assert ARTICLE.read_text().splitlines()[0] in quotes
    assert sources == 1


def test_extract_save_on_a_database_without_schema_says_to_run_init_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = invoke(
        "extract", str(ARTICLE), "--published", "2025-05-28", "--save", url=url
    )
    assert result.exit_code == 1
    assert "run `tracker init-db`" in result.output


def test_extract_jsonl_batch_writes_one_line_per_input(tmp_path):
    batch = tmp_path / "batch.jsonl"
    rows = [
        {"id": "a", "text": ARTICLE.read_text(), "published": "2025-05-28"},
        {"id": "b", "text": "Nothing happened.", "published": "2025-05-28"},
    ]
    batch.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = invoke("extract", "--jsonl", str(batch))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], len(line["events"])) for line in lines] == [("a", 1), ("b", 0)]
    assert tuple(lines[0]["events"][0]) == JSON_KEYS


def test_extract_without_file_or_date_is_a_usage_error():
    result = invoke("extract", str(ARTICLE))
    assert result.exit_code == 2
    assert "--published" in result.output
