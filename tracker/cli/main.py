"""The `tracker` command group: its options, and where each command lives.

Commands are imported only when run: each module brings SQLAlchemy, Alembic, pandas or
spaCy with it, seconds on a busy machine, which `tracker --help` and `tracker
--version` do not need (issue 19). `COMMANDS` names each command's module and the
first paragraph of its help, which `tracker --help` shows cut to the width; a test
checks each against the command's own help."""

from __future__ import annotations

import importlib

import click

from tracker import config

# name -> (module, attribute, the first paragraph of its help, which `--help` cuts)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "add": (
        "tracker.cli.files",
        "add",
        "Add events from JSON records (the shape `export --format jsonl` writes).",
    ),
    "backup": (
        "tracker.cli.maintenance",
        "backup",
        "Write a consistent copy of the whole database to PATH, even while in use.",
    ),
    "duplicates": (
        "tracker.cli.duplicates",
        "duplicates",
        "Possible duplicates across datasets: list them, scan for new ones, "
        "merge or dismiss one.",
    ),
    "export": (
        "tracker.cli.files",
        "export",
        "Export matching events, streamed in date order (the dashboard's filter).",
    ),
    "extract": (
        "tracker.cli.extract",
        "extract",
        "Propose the events an article reports (nothing is confirmed).",
    ),
    "history": (
        "tracker.cli.maintenance",
        "history",
        "Every recorded write to EVENT_ID, newest first.",
    ),
    "import": (
        "tracker.cli.imports",
        "import_command",
        "Import ACLED, UCDP GED, GDELT, PLOVER or native files; "
        "all or nothing by default.",
    ),
    "init-db": (
        "tracker.cli.database",
        "init_db",
        "Create the schema, or migrate it to the newest revision.",
    ),
    "list": (
        "tracker.cli.events",
        "list_command",
        "List matching events in date order, one a line.",
    ),
    "purge": (
        "tracker.cli.maintenance",
        "purge",
        "Delete the retracted event EVENT_ID for good (admins only; recorded).",
    ),
    "restore": (
        "tracker.cli.maintenance",
        "restore",
        "Replace the database's contents with the backup at PATH, then migrate it.",
    ),
    "revert": (
        "tracker.cli.maintenance",
        "revert",
        "Restore EVENT_ID as it was at version --to (recorded as a new version).",
    ),
    "seed": (
        "tracker.cli.database",
        "seed",
        "Load the seed actors and events; running it again changes nothing.",
    ),
    "show": (
        "tracker.cli.events",
        "show",
        "Show one event with its actors, place, casualties, sources and links.",
    ),
    "token": (
        "tracker.cli.tokens",
        "token",
        "API tokens: a script sends one as `Authorization: Bearer` and acts as its "
        "account, with that account's role.",
    ),
    "user": (
        "tracker.cli.users",
        "user",
        "Accounts of the dashboard: viewers read, editors write, admins manage.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when one of them is run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(module), attribute)

    def format_commands(
        self, ctx: click.Context, formatter: click.HelpFormatter
    ) -> None:
        """The command list of `tracker --help`, without importing a command."""
        # As click.Group.format_commands does, from the text instead of the command.
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.utils.make_default_short_help(text, limit))
            for name, (_, _, text) in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup)
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
