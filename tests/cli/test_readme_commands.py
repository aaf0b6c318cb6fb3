"""Every `tracker ...` command line README.md shows still parses (issue #13).

A line is run with `--help` appended: click parses every option before it answers
`--help`, so an unknown command or option fails (exit 2) while the values, files and
database are never touched."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tracker.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
PROGRAM = re.compile(r"^(?:\$ )?(?:\.venv/bin/)?tracker(?= |$)")
INLINE = re.compile(r"`(tracker [^`\n]*)`")
SHELL_OPERATORS = (">", "<", "|", "2>")


def readme_command_lines(text: str) -> list[str]:
    """The `tracker` command lines of fenced blocks and of inline code, as written."""
    found: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            for part in line.split("&&"):
                if PROGRAM.match(part.strip()):
                    found.append(part.strip())
    found.extend(INLINE.findall(text))
    return found


def arguments(line: str) -> list[str]:
    """The arguments after `tracker`: comments and shell redirections dropped."""
    words = shlex.split(PROGRAM.sub("", line), comments=True)
    for index, word in enumerate(words):
        if word in SHELL_OPERATORS:
            return words[:index]
    return words


LINES = readme_command_lines(README.read_text(encoding="utf-8"))


def test_the_readme_shows_the_commands_of_every_group():
    shown = {tuple(arguments(line)[:2]) for line in LINES}
    for path in (("duplicates", "merge"), ("import",), ("export",), ("user", "add")):
        assert any(words[: len(path)] == path for words in shown), path


def command_path(words: list[str]) -> list[str]:
    """The names of the command and sub-commands `words` start with."""
    path, command = [], main
    context = click.Context(main)
    for word in words:
        if not isinstance(command, click.Group) or word not in command.list_commands(
            context
        ):
            break
        path.append(word)
        command = command.get_command(context, word)
    return path


@pytest.mark.parametrize("line", LINES, ids=lambda line: " ".join(arguments(line)))
def test_a_readme_command_line_parses(line):
    words = arguments(line)
    result = CliRunner().invoke(main, [*words, "--help"], prog_name="tracker")
    assert result.exit_code == 0, f"{line!r}: {result.output}"
    # The help answered is that of the command the line names, not of a group.
    usage = " ".join(["tracker", *command_path(words)])
    assert result.output.startswith(f"Usage: {usage} "), result.output
