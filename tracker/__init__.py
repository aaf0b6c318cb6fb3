"""tracker: a conflict event-tracking timeline database.

Typed, dated, located and sourced events (PLOVER types with ACLED and CAMEO
crosswalks), stored through SQLModel in SQLite or PostgreSQL. The Dash dashboard lives
in `dashboard/` and calls this package; this package never imports the dashboard, Dash
or Plotly.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Not `typing.TYPE_CHECKING`: importing typing adds about 2 ms to the 0.3 ms that
# `import tracker` takes; type checkers read a constant of that name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import os

    from tracker.notebook import Tracker

__all__ = ["open"]


# Named as `io.open`: `tracker.open(path)` reads as what it does.
def open(target: str | os.PathLike[str], *, token: str | None = None) -> Tracker:
    """Open a tracker database for reading from Python: a SQLite file's path or a
    database URL; see `tracker.notebook.open_tracker`.

    Imported on call, so `import tracker` (and the `tracker` command) stay fast."""
    from tracker.notebook import open_tracker

    return open_tracker(target, token=token)
