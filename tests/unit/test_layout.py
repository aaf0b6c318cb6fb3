"""The layout and direction rules of STYLE.md.

The direction rule: tracker never imports the dashboard, Dash or Plotly."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_IN_TRACKER = ("dash", "dash_ag_grid", "plotly", "dashboard", "flask")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "tracker").rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_tracker_module_never_imports_the_dashboard_dash_or_plotly(path):
    bad = {m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN_IN_TRACKER}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_required_top_level_layout_exists():
    for name in (
        "pyproject.toml",
        "tracker",
        "dashboard",
        "tests",
        "seed_data",
        "README.md",
        "CHANGELOG.md",
        "Makefile",
        ".ci/run",
    ):
        assert (ROOT / name).exists(), name


# --- The import rules (issue 13): which layer may import which ----------------------
#
# A module whose dotted name starts with a key may not import any module starting with
# one of the key's forbidden prefixes. Lower layers never import higher ones; see
# docs/ARCHITECTURE.md for the same table in words.

WORKFLOWS = (
    "tracker.importing",
    "tracker.exporting",
    "tracker.native_export",
    "tracker.export_batches",
    "tracker.record_json",
    "tracker.review",
    "tracker.seed",
    "tracker.backup",
    # Reading for notebooks: typed rows, DataFrames, `tracker.open()` (local, remote).
    "tracker.event_columns",
    "tracker.frames",
    "tracker.notebook",
    "tracker.remote",
)
SESSIONS = ("tracker.db", "sqlmodel.Session", "sqlalchemy.orm.Session")
DATABASE = ("tracker.db", "sqlmodel", "sqlalchemy")
ABOVE_STORE = (
    "tracker.matching",
    "tracker.formats",
    "tracker.extraction",
    "tracker.cli",
)
RULES: dict[str, tuple[str, ...]] = {
    # The vocabulary: data and pure functions.
    "tracker.vocab": (
        *SESSIONS,
        "tracker.query",
        "tracker.store",
        *ABOVE_STORE,
        *WORKFLOWS,
    ),
    "tracker.models": ("tracker.db", "tracker.query", "tracker.store", *ABOVE_STORE),
    "tracker.db": ("tracker.query", "tracker.store", *ABOVE_STORE, *WORKFLOWS),
    # Outside formats turn rows into records and back; they never see a database.
    "tracker.formats": (
        *SESSIONS,
        "tracker.query",
        "tracker.store",
        "tracker.matching",
        "tracker.extraction",
        "tracker.cli",
        *WORKFLOWS,
    ),
    # Extraction reads (the actor registry) through the session it is given, and
    # never opens one or writes.
    "tracker.extraction": (
        "tracker.db",
        "tracker.store",
        "tracker.matching",
        "tracker.formats",
        "tracker.cli",
        *WORKFLOWS,
    ),
    # The read side never writes and knows nothing of formats or matching.
    "tracker.query": ("tracker.db", "tracker.store", *ABOVE_STORE, *WORKFLOWS),
    "tracker.store": ("tracker.db", *ABOVE_STORE, *WORKFLOWS),
    "tracker.matching": (
        "tracker.db",
        "tracker.formats",
        "tracker.extraction",
        "tracker.cli",
        *WORKFLOWS,
    ),
    **dict.fromkeys(WORKFLOWS, ("tracker.cli",)),
    # Figures draw plain data: no Dash, no Flask, no database.
    "dashboard.figures": (
        *DATABASE,
        "dash",
        "flask",
        "dashboard.services",
        "dashboard.pages",
        "dashboard.components",
        "dashboard.server",
        "tracker.store",
    ),
    # Components with callbacks reach data as pages do: through services.
    "dashboard.components": (*DATABASE, "flask", "dashboard.pages"),
    # Pages reach the database only through services.
    "dashboard.pages": (*DATABASE, "flask"),
    "dashboard.services": ("dashboard.pages", "dashboard.components", "dash"),
    "dashboard.server": ("dashboard.pages", "dashboard.components"),
}
# Pages, components and figures may use tracker's types, constants and pure functions
# (an Action, a DuplicateRow, parse_filter), never a function that takes a session:
# that is what dashboard.services is for.
NO_SESSIONS_IN = ("dashboard.pages", "dashboard.components", "dashboard.figures")
SESSION_MODULES = ("tracker.query", "tracker.store", "tracker.matching", *WORKFLOWS)


def takes_a_session(module: str, name: str | None) -> bool:
    """True when `name` of `module` is a module of the session-taking layers, or a
    function (or class) whose signature has a `session` parameter."""
    if not any(_starts(module, layer) for layer in SESSION_MODULES):
        return False
    if name is None:
        return True
    target = getattr(importlib.import_module(module), name, None)
    if target is None or inspect.ismodule(target):
        return True
    if not callable(target):
        return False
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    return "session" in parameters


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str) -> list[tuple[str, str | None]]:
    """(module, name) of every absolute import; name None for `import module`."""
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.module, alias.name) for alias in node.names]
    return found


def _starts(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def broken_rules(module: str, source: str) -> list[str]:
    """Each import of `source` (the module `module`) that the rules forbid."""
    forbidden = [
        prefix
        for key, prefixes in RULES.items()
        if _starts(module, key)
        for prefix in prefixes
    ]
    broken = []
    for imported, name in imports_of(source):
        full = f"{imported}.{name}" if name else imported
        for prefix in forbidden:
            if _starts(imported, prefix) or _starts(full, prefix):
                broken.append(f"imports {full} ({prefix} is a layer above or apart)")
                break
        else:
            if any(_starts(module, layer) for layer in NO_SESSIONS_IN) and (
                takes_a_session(imported, name)
            ):
                broken.append(f"imports {full}, which takes a session: use services")
        if module.startswith("dashboard.pages.") and _starts(
            imported, "dashboard.pages"
        ):
            if imported != module:
                broken.append(f"imports {full}: a page never imports another page")
    return broken


PACKAGE_MODULES = sorted(
    path
    for folder in ("tracker", "dashboard")
    for path in (ROOT / folder).rglob("*.py")
    if "migrations" not in path.parts
)


@pytest.mark.parametrize(
    "path", PACKAGE_MODULES, ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_module_keeps_the_import_rules(path):
    assert broken_rules(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        (
            "tracker.formats.acled.read",
            "from tracker.db import session_scope",
            ["imports tracker.db.session_scope (tracker.db is a layer above or apart)"],
        ),
        (
            "tracker.query.stats",
            "from tracker.store import events",
            ["imports tracker.store.events (tracker.store is a layer above or apart)"],
        ),
        (
            "dashboard.pages.timeline",
            "from tracker.query.timeline import headline_figures",
            [
                "imports tracker.query.timeline.headline_figures, which takes a "
                "session: use services"
            ],
        ),
        (
            "dashboard.pages.map",
            "from dashboard.pages.timeline import layout",
            [
                "imports dashboard.pages.timeline.layout: "
                "a page never imports another page"
            ],
        ),
        ("dashboard.pages.timeline", "from tracker.query.stats import Period", []),
        (
            "dashboard.pages.events",
            "from tracker.query.filters import parse_filter",
            [],
        ),
        (
            "tracker.store.events",
            "from tracker.query.events import get_event_record",
            [],
        ),
    ],
)
def test_the_rules_catch_a_deliberate_violation(module, source, broken):
    assert broken_rules(module, source) == broken


def test_the_rules_name_packages_that_exist():
    modules = {module_name(path) for path in PACKAGE_MODULES}
    for key in RULES:
        assert any(_starts(module, key) for module in modules), key
