"""Article text -> proposed events.

Sentences, dates, places, actors, casualties, classification; `pipeline.extract_events`
is the entry point and `proposals` holds what it returns. `extract_events` is also
importable from here; it is loaded on first use, so importing
`tracker.extraction.proposals` does not load spaCy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["extract_events"]


def __getattr__(name: str) -> Any:
    if name == "extract_events":
        from tracker.extraction.pipeline import extract_events

        return extract_events
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
