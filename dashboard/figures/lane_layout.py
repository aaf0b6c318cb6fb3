"""Where each swimlane mark goes: its drawn dates and its row, so no mark hides another.

A lane is one actor. Its day-precision events (points) take the lane's first rows and
its coarse events (spans) the rows below; two marks share a row only when they do not
overlap, so every mark can be hovered and clicked. A lane has at most `MAX_ROWS`
rows (a thousand events of one actor cannot each have a row): past that, marks
share the row that frees up first, and marks starting on the same day in one row
are spread across that day, so zooming in on it separates them. Pure: no Plotly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tracker.query.timeline import LaneMark
from tracker.vocab.dates import covered_interval

LANE_GAP = 0.8  # rows of space between two lanes
MAX_ROWS = 8  # rows of one lane; the seed's busiest actor has 8 overlapping events


@dataclass(frozen=True)
class PlacedMark:
    """A mark with the dates it is drawn over (inside the window) and its row."""

    mark: LaneMark
    start: dt.date  # first day drawn: the event's first possible day, or `since`
    end: dt.date  # last day drawn: the event's last possible day, or `until`
    row: float  # y position: rows grow downwards, lane after lane
    exact: bool  # dated to one day: a point, not a span
    clipped: bool  # the event runs outside the window: drawn up to its edge
    within_day: float = 0.5  # where in its first day its marker is (0.5: noon)


@dataclass(frozen=True)
class LaneRows:
    """Every mark placed, and the row at the middle of each lane (for its label)."""

    placed: list[PlacedMark]
    centres: list[float]
    bounds: list[tuple[float, float]]  # each lane's first and last row
    rows: float  # from the first lane's first row to the last lane's last row


def place_marks(
    actors: list[str],
    marks: list[LaneMark],
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> LaneRows:
    """Place every mark of every lane, lanes in the order of `actors`."""
    by_actor: dict[str, list[tuple[LaneMark, dt.date, dt.date, bool, bool]]] = {}
    for mark in marks:
        first, last = covered_interval(
            mark.date_start, mark.date_end, mark.date_precision
        )
        start = max(first, since) if since else first
        end = min(last, until) if until else last
        exact = mark.date_precision == "day" and first == last
        clipped = (start, end) != (first, last)
        by_actor.setdefault(mark.actor, []).append(
            (mark, start, max(end, start), exact, clipped)
        )
    placed, centres, bounds, top = [], [], [], 0.0
    for actor in actors:
        lane = by_actor.get(actor, [])
        point_marks = [m for m in lane if m[3]]
        span_marks = [m for m in lane if not m[3]]
        # A crowded lane with both kinds keeps half its rows for the spans.
        crowded = len(lane) > MAX_ROWS and span_marks
        points = _pack(point_marks, MAX_ROWS // 2 if crowded else MAX_ROWS)
        spans = _pack(span_marks, MAX_ROWS - len(points))
        used = max(1, len(points) + len(spans))
        for offset, row in enumerate(points + spans):
            placed.extend(_spread(row, top + offset))
        centres.append(top + (used - 1) / 2)
        bounds.append((top, top + used - 1))
        top += used + LANE_GAP
    return LaneRows(placed, centres, bounds, max(0.0, top - LANE_GAP))


def _pack(marks: list, max_rows: int) -> list[list]:
    """Marks in as few rows as they fit without overlapping, earliest first, in at
    most `max_rows` rows.

    Greedy interval partitioning: each mark goes in the first row whose last mark
    ends before it starts, which gives the fewest rows; when every row is taken,
    in the row whose last mark ends first."""
    rows: list[list] = []
    for item in sorted(marks, key=lambda m: (m[1], m[2], m[0].event_id)):
        free = [row for row in rows if row[-1][2] < item[1]]
        if free:
            free[0].append(item)
        elif len(rows) < max(1, max_rows):
            rows.append([item])
        else:
            min(rows, key=lambda row: row[-1][2]).append(item)
    return rows


def _spread(row: list, y: float) -> list[PlacedMark]:
    """The row's marks placed at `y`; those starting on the same day are spread
    across it, so no marker sits exactly on another."""
    same_day: dict[dt.date, int] = {}
    for _mark, start, *_ in row:
        same_day[start] = same_day.get(start, 0) + 1
    seen: dict[dt.date, int] = {}
    placed = []
    for mark, start, end, exact, clipped in row:
        index = seen.get(start, 0)
        seen[start] = index + 1
        within = (index + 0.5) / same_day[start]
        placed.append(PlacedMark(mark, start, end, y, exact, clipped, within))
    return placed
