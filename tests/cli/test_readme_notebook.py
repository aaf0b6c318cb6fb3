"""README.md's "From Python and notebooks" runs as written (issue 15).

Its code blocks are taken from the README, in order, and run in a folder holding a
seeded `tracker.db` (the name the example opens): the `tracker` lines through the
CLI, the Python blocks in one namespace, as a notebook would run its cells. So the
example cannot drift from what `tracker.open()` does."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from tracker.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## From Python and notebooks"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def section_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) of each fenced block of the section, in order."""
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return BLOCK.findall(text[start : end if end != -1 else None])


def test_the_readme_notebook_example_runs(tmp_path: Path, monkeypatch):
    blocks = section_blocks(README.read_text(encoding="utf-8"))
    assert [language for language, _ in blocks] == ["python", "sh", "python"]
    monkeypatch.chdir(tmp_path)
    database = ["--database-url", f"sqlite:///{tmp_path / 'tracker.db'}"]
    runner = CliRunner()
    for command in ("init-db", "seed"):
        assert runner.invoke(main, [*database, command]).exit_code == 0
    namespace: dict = {}
    for language, code in blocks:
        if language == "python":
            exec(compile(code, f"{README.name} ({SECTION})", "exec"), namespace)
            continue
        for line in code.splitlines():
            words = shlex.split(line, comments=True)
            assert words[0] == "tracker", line
            result = runner.invoke(main, [*database, *words[1:]])
            assert result.exit_code == 0, result.output
    # The example shows something: the seed has Ukrainian attacks with deaths.
    attacks, weekly = namespace["attacks"], namespace["weekly"]
    assert len(attacks) > 0 and set(attacks["event_type"]) <= {"ASSAULT", "COERCE"}
    everything = namespace["db"].events()
    assert namespace["killed"] == everything["fatalities_best"].sum() > 0
    assert weekly["events"].sum() >= len(attacks)
    assert isinstance(namespace["ukraine"], pd.DataFrame)
    assert len(namespace["ukraine"]) == len(namespace["db"].events(countries="UKR"))
