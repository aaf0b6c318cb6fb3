"""One door for writes to an event (issue #12): only `tracker.store.events` bumps an
event's version or adds a history entry, so no other module can write an event and
forget its history (a duplicate merge once did)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# store.events is the door; store.history defines the entry it adds. The door's
# helpers stay outside: store.event_rows writes an event's rows without touching its
# version, and store.merging changes events only inside store.events.recorded_write.
DOOR = {ROOT / "tracker/store/events.py", ROOT / "tracker/store/history.py"}
HISTORY_WRITERS = {"record_change", "record_changes", "EventChange"}


def side_doors(source: str) -> list[str]:
    """Each place in `source` that sets an event's version or writes history."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for element in ast.walk(target):
                if isinstance(element, ast.Attribute) and element.attr == "version":
                    found.append(f"line {node.lineno}: sets .version")
        if isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else None
            name = called.id if isinstance(called, ast.Name) else name
            if name in HISTORY_WRITERS:
                found.append(f"line {node.lineno}: calls {name}")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(
        p
        for folder in ("tracker", "dashboard")
        for p in (ROOT / folder).rglob("*.py")
        if p not in DOOR
    ),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_module_outside_the_door_never_sets_a_version_or_writes_history(path):
    assert side_doors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("event.version += 1", ["line 1: sets .version"]),
        ("kept.version, kept.updated_at = 2, now", ["line 1: sets .version"]),
        ("history.record_change(s, 1, version=2)", ["line 1: calls record_change"]),
        ("session.add(EventChange(event_id=1))", ["line 1: calls EventChange"]),
        ("version = event.version + 1", []),
    ],
)
def test_side_doors_finds_a_version_bump_or_history_write(source, found):
    assert side_doors(source) == found
