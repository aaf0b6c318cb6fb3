"""The layout and direction rules of STYLE.md.

The direction rule: tracker never imports the dashboard, Dash or Plotly."""

from __future__ import annotations

import ast
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
