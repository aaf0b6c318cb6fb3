"""The `tracker` command line, driven through click's CliRunner.

The commands run on both backends, SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session

from tracker.cli.main import COMMANDS, main
from tracker.db import make_engine
from tracker.models import Actor, Event, Location, Source

GOOD_EVENT = {
    "title": "Drone strike on Odesa port",
    "event_type": "ASSAULT",
    "mode": "drone",
    "date_start": "2025-05-20",
    "location": {
        "name": "Odesa",
        "country": "UKR",
        "latitude": 46.48,
        "longitude": 30.73,
    },
    "actors": [{"name": "Russian forces", "role": "initiator"}],
    "fatalities": {"low": 1, "best": 2, "high": 3},
    "sources": [{"url": "https://example.org/odesa", "quote": "A drone hit the port."}],
}


def invoke(url: str, *args: str, stdin: str | None = None):
    """Run `tracker --database-url URL ARGS...` and return click's Result."""
    return CliRunner().invoke(main, ["--database-url", url, *args], input=stdin)


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        result = {
            t.__name__: session.execute(
                select(func.count()).select_from(t)
            ).scalar_one()
            for t in (Event, Actor, Location, Source)
        }
    engine.dispose()
    return result


@pytest.fixture
def seeded(database_url: str) -> str:
    result = invoke(database_url, "seed")
    assert result.exit_code == 0, result.output
    return database_url


def test_init_db_on_a_new_sqlite_file_migrates_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = invoke(url, "init-db")
    assert result.exit_code == 0, result.output
    assert "(head)" in result.output and "at revision 00" in result.output
    assert invoke(url, "init-db").exit_code == 0  # running it again is harmless


def test_commands_on_a_database_without_schema_say_to_run_init_db(tmp_path):
    result = invoke(f"sqlite:///{tmp_path / 'empty.db'}", "list")
    assert result.exit_code == 1
    assert "run `tracker init-db`" in result.output


def test_seed_then_export_jsonl_gives_the_seed_events(seeded):
    result = invoke(seeded, "export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [
        json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")
    ]
    assert len(records) >= 10
    required = {
        "id",
        "title",
        "event_type",
        "mode",
        "date_start",
        "date_end",
        "date_precision",
        "actors",
        "location",
        "fatalities",
        "children_killed",
        "status",
        "sources",
        "links",
    }
    for record in records:
        assert required <= set(record)
    types = {r["event_type"] for r in records}
    assert {
        "CONSULT",
        "RETREAT",
        "ASSAULT",
        "ACCUSE",
        "THREATEN",
        "AGREE",
        "CONCEDE",
    } <= types


def test_seed_twice_reports_everything_unchanged(seeded):
    before = counts(seeded)
    result = invoke(seeded, "seed")
    assert result.exit_code == 0
    assert "0 added, 0 updated, 12 unchanged" in result.output
    assert counts(seeded) == before


def test_list_filters_by_type_actor_alias_country_and_text(seeded):
    result = invoke(seeded, "list", "--type", "accuse")
    assert result.exit_code == 0
    assert result.stdout.count("ACCUSE/disapprove") == 2
    kremlin = invoke(
        seeded, "list", "--actor", "the Kremlin", "--type", "ACCUSE"
    ).stdout
    assert "Kremlin says Trump" in kremlin and "Trump condemns" not in kremlin
    turkey = invoke(seeded, "list", "--country", "TUR").stdout
    assert turkey.count("[Istanbul, TUR]") == 3
    children = invoke(seeded, "list", "--text", "6 children").stdout
    assert "kills 14 Ukrainians" in children
    window = invoke(seeded, "list", "--since", "2025-05-29").stdout
    assert window.strip() == ""


def test_show_prints_the_record_with_precision_and_quote(seeded):
    result = invoke(seeded, "show", "6")
    assert result.exit_code == 0
    assert "24–25 May 2025 (week)" in result.output
    assert "children 6" in result.output
    assert invoke(seeded, "show", "999").exit_code == 1


def test_add_from_standard_input_saves_and_export_round_trips(database_url):
    result = invoke(database_url, "add", "--json", "-", stdin=json.dumps(GOOD_EVENT))
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    exported = invoke(database_url, "export", "--format", "jsonl").stdout.splitlines()[
        0
    ]
    record = json.loads(exported)
    assert record["fatalities"] == {"low": 1, "best": 2, "high": 3}
    assert record["score"] == -9.5
    # An exported record is accepted back as input (read-only keys are ignored).
    again = invoke(database_url, "add", "--json", "-", stdin=exported)
    assert again.exit_code == 0, again.output
    assert counts(database_url)["Event"] == 2


def test_export_csv_to_a_file_writes_a_header_and_one_row_per_event(seeded, tmp_path):
    target = tmp_path / "events.csv"
    result = invoke(
        seeded, "export", "--format", "csv", "-o", str(target), "--type", "ASSAULT"
    )
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,title,event_type,mode,")
    assert len(lines) == 1 + 3
    assert "Exported 3 events" in result.output
    assert not list(tmp_path.glob(".*.part"))


BAD_EVENTS = [
    pytest.param(
        {**GOOD_EVENT, "date_end": "2025-05-01"},
        "date_end (2025-05-01) must not be before date_start (2025-05-20)",
        id="end-before-start",
    ),
    pytest.param(
        {**GOOD_EVENT, "location": {**GOOD_EVENT["location"], "latitude": 123}},
        "location.latitude: Input should be less than or equal to 90",
        id="latitude-123",
    ),
    pytest.param(
        {**GOOD_EVENT, "event_type": "BOMBING", "mode": None},
        "event_type: unknown PLOVER event type 'BOMBING'",
        id="unknown-type",
    ),
    pytest.param(
        {**GOOD_EVENT, "mode": "release"},
        "mode 'release' is not valid for ASSAULT",
        id="mode-not-valid-for-type",
    ),
    pytest.param(
        {**GOOD_EVENT, "fatalities": {"low": 5, "best": 3}},
        "fatalities: low (5) must not exceed best (3)",
        id="low-above-best",
    ),
]


@pytest.mark.parametrize(("record", "message"), BAD_EVENTS)
def test_add_refuses_a_bad_record_naming_field_and_reason_and_writes_nothing(
    database_url, record, message
):
    before = counts(database_url)
    good_then_bad = json.dumps([GOOD_EVENT, record])
    result = invoke(database_url, "add", "--json", "-", stdin=good_then_bad)
    assert result.exit_code != 0
    assert message in result.output
    assert "nothing was written" in result.output
    assert "line 1" in result.output or "line" in result.output
    assert counts(database_url) == before


@pytest.mark.parametrize(
    "record",
    [
        {k: v for k, v in GOOD_EVENT.items() if k != "sources"},
        {**GOOD_EVENT, "sources": []},
    ],
    ids=["no-sources-key", "empty-sources"],
)
def test_add_of_a_record_without_a_source_fails_naming_sources_and_writes_nothing(
    database_url, record
):
    # Issue #13: the form's rule "an event needs a source" holds for `tracker add`.
    before = counts(database_url)
    lines = "\n".join(json.dumps(r) for r in (GOOD_EVENT, record))
    result = invoke(database_url, "add", "--json", "-", stdin=lines)
    assert result.exit_code == 1
    assert "line 2, sources: give at least one source" in result.output
    assert "nothing was written" in result.output
    assert counts(database_url) == before


def test_add_with_invalid_json_names_the_line(database_url):
    result = invoke(database_url, "add", "--json", "-", stdin='{"title": "a"}\n{oops\n')
    assert result.exit_code == 1
    assert "line 2" in result.output and "not valid JSON" in result.output


def test_unusable_database_url_is_a_clear_error():
    result = invoke("nosuchdriver://x", "list")
    assert result.exit_code == 1
    assert "cannot use DATABASE_URL" in result.output


def test_seed_from_a_folder_without_events_is_a_clear_error(database_url, tmp_path):
    result = invoke(database_url, "seed", "--path", str(tmp_path))
    assert result.exit_code == 1
    assert "no seed events at" in result.output


def test_the_command_list_of_help_is_each_command_s_own_help():
    """`tracker --help` lists commands without importing them (start-up, issue 19):
    what it shows for each must be what the command itself says."""
    for name, (module, attribute, text) in COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        assert command.name == name
        first = inspect.cleandoc(command.help or "").split("\n\n")[0]
        assert text == first.replace("\n", " "), name


def test_help_and_version_import_no_database_library():
    """The group alone brings neither SQLAlchemy nor a command module."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli.main import main\n"
        "assert CliRunner().invoke(main, ['--help']).exit_code == 0\n"
        "assert CliRunner().invoke(main, ['--version']).exit_code == 0\n"
        "loaded = [m for m in sys.modules if m.startswith(('sqlalchemy', 'pandas'))]\n"
        "loaded += [m for m in sys.modules if m.startswith('tracker.cli.')]\n"
        "print(sorted(set(loaded) - {'tracker.cli.main'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_list_imports_no_format_exporter_writer_alembic_or_werkzeug(seeded):
    """Issue #19: `tracker list` prints sooner when it reads with the query layer
    alone; what it prints is checked by the list tests above."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tracker.cli.main import main\n"
        f"result = CliRunner().invoke(main, ['--database-url', {seeded!r}, 'list'])\n"
        "assert result.exit_code == 0, result.output\n"
        "assert '12 events' in result.output, result.output\n"
        "unwanted = ('tracker.formats', 'tracker.exporting', 'tracker.store',\n"
        "            'tracker.importing', 'alembic', 'werkzeug', 'pandas')\n"
        "print(sorted({m.split('.')[0] if not m.startswith('tracker') else m\n"
        "              for m in sys.modules if m.startswith(unwanted)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
