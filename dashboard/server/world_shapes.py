"""The world's shapes cut to a region's box, for a regional map to draw
(`dashboard.figures.map_regions`).

Each ring of land, country, lake and coast is clipped to the box (Sutherland and
Hodgman's polygon clipping; lines are cut where they leave and re-enter it), so
what lies inside the box is exactly the world file's, and nothing outside is
kept. A clipped ring runs along the box's edge where it was cut: that edge is
outside the view (`VIEW_MARGIN_DEGREES`), so no cut shows, and is drawn a degree
at a time, so it does not bow into the view. The result is a TopoJSON
topology without quantisation, one arc per ring or line: topojson-client, inside
plotly.js, reads it as it reads the world file."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from dashboard.figures.map_regions import Region

Point = tuple[float, float]
# A side of the box: whether a point is on its inner side, and where a segment
# crosses it.
Edge = tuple[Callable[[Point], bool], Callable[[Point, Point], Point]]
WORLD_50M = Path(__file__).resolve().parents[1] / "assets/topojson/world_50m.json"
# What a regional map draws (`dashboard.figures.map`): no ocean (the sea is the
# map's background), rivers or subunits.
DRAWN = ("land", "countries", "coastlines", "lakes")
DECIMALS = 4  # about 10 m: finer than the world file's own grid (about 40 m)


@cache
def region_shapes_json(region: Region) -> bytes:
    """The region's shapes as the file plotly.js asks for (`Region.file_name`)."""
    topology = json.loads(WORLD_50M.read_text(encoding="utf-8"))
    return json.dumps(clip_topology(topology, region), separators=(",", ":")).encode()


def clip_topology(topology: dict[str, Any], region: Region) -> dict[str, Any]:
    """The topology's shapes cut to the region's box."""
    arcs = list(_decoded_arcs(topology))
    kept_arcs: list[list[list[float]]] = []

    def arc_of(points: list[Point]) -> int:
        kept_arcs.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in points])
        return len(kept_arcs) - 1

    def ring_points(references: list[int]) -> list[Point]:
        points: list[Point] = []
        for index in references:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            # Consecutive arcs share their joining point.
            points.extend(arc if not points else arc[1:])
        return points

    def polygon(rings: list[list[int]]) -> list[list[int]] | None:
        clipped = []
        for references in rings:
            points = ring_points(references)
            unwrapped = _unwrapped(points)
            if unwrapped[0] != unwrapped[-1]:
                # A ring round a pole (Antarctica): kept whole if it reaches the box.
                if _meets(points, region):
                    clipped.append(points)
                continue
            for shifted in _copies_meeting(unwrapped, region):
                ring = _clip_ring(shifted, region)
                if len(ring) >= 4:
                    clipped.append(ring)
        # In plotly.js (d3-geo) a ring's direction, not its place in the list,
        # says which side is inside: a cut ring keeps its direction.
        return [[arc_of(ring)] for ring in clipped] or None

    def lines(references: list[int]) -> list[list[int]]:
        unwrapped = _unwrapped(ring_points(references))
        return [
            [arc_of(part)]
            for shifted in _copies_meeting(unwrapped, region)
            for part in _clip_line(shifted, region)
        ]

    objects = {}
    for name, collection in topology["objects"].items():
        if name not in DRAWN:
            continue
        geometries = []
        for geometry in collection["geometries"]:
            kept = _clip_geometry(geometry, polygon, lines)
            if kept is not None:
                geometries.append(kept)
        objects[name] = {**collection, "geometries": geometries}
    return {
        "type": "Topology",
        "bbox": [region.west, region.south, region.east, region.north],
        "objects": objects,
        "arcs": kept_arcs,
    }


def _clip_geometry(
    geometry: dict[str, Any],
    polygon: Callable[[list[list[int]]], list[list[int]] | None],
    lines: Callable[[list[int]], list[list[int]]],
) -> dict[str, Any] | None:
    """The geometry with its parts cut to the box, or None if nothing is left."""
    kind = geometry["type"]
    if kind == "Polygon":
        parts = [polygon(geometry["arcs"])]
    elif kind == "MultiPolygon":
        parts = [polygon(rings) for rings in geometry["arcs"]]
    elif kind == "LineString":
        parts = [lines(geometry["arcs"])]
    elif kind == "MultiLineString":
        parts = [lines(line) for line in geometry["arcs"]]
    else:
        raise ValueError(f"no clipping for a {kind}")
    if kind in ("Polygon", "MultiPolygon"):
        polygons = [part for part in parts if part]
        if not polygons:
            return None
        return {**geometry, "type": "MultiPolygon", "arcs": polygons}
    pieces = [piece for part in parts for piece in part]
    if not pieces:
        return None
    return {**geometry, "type": "MultiLineString", "arcs": pieces}


def _unwrapped(points: list[Point]) -> list[Point]:
    """The points with longitudes made continuous: a shape cut at the antimeridian
    jumps from 180 to -180, and a straight cut through the box there would join
    them across the map."""
    if not points:
        return points
    unwrapped = [points[0]]
    for x, y in points[1:]:
        previous = unwrapped[-1][0]
        while x - previous > 180:
            x -= 360
        while previous - x > 180:
            x += 360
        unwrapped.append((x, y))
    return unwrapped


def _copies_meeting(points: list[Point], region: Region) -> Iterator[list[Point]]:
    """The shape, moved by whole turns of longitude, wherever it reaches the box."""
    west = min(x for x, _ in points)
    east = max(x for x, _ in points)
    for turns in (-2, -1, 0, 1, 2):
        shift = 360 * turns
        if west + shift <= region.east and east + shift >= region.west:
            yield [(x + shift, y) for x, y in points]


def _meets(points: list[Point], region: Region) -> bool:
    return any(
        region.west <= x <= region.east and region.south <= y <= region.north
        for x, y in points
    )


def _decoded_arcs(topology: dict[str, Any]) -> Iterator[list[Point]]:
    """Each arc's positions in degrees (undoing the delta encoding and quantisation)."""
    transform = topology.get("transform")
    for arc in topology["arcs"]:
        if transform is None:
            yield [(x, y) for x, y, *_ in arc]
            continue
        scale_x, scale_y = transform["scale"]
        shift_x, shift_y = transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        yield points


def _clip_ring(ring: list[Point], region: Region) -> list[Point]:
    """A closed ring clipped to the box, closed again (empty if nothing is inside)."""
    edges: tuple[Edge, ...] = (
        (lambda p: p[0] >= region.west, lambda a, b: _at_x(a, b, region.west)),
        (lambda p: p[0] <= region.east, lambda a, b: _at_x(a, b, region.east)),
        (lambda p: p[1] >= region.south, lambda a, b: _at_y(a, b, region.south)),
        (lambda p: p[1] <= region.north, lambda a, b: _at_y(a, b, region.north)),
    )
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, crossing in edges:
        if not points:
            break
        clipped: list[Point] = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    clipped.append(crossing(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(crossing(previous, point))
            previous = point
        points = clipped
    return _along_edges([*points, points[0]], region) if points else []


def _along_edges(ring: list[Point], region: Region) -> list[Point]:
    """The ring with points every degree where it runs along the box's edge.

    plotly.js (d3-geo) joins two points by the shortest way round the globe: a
    straight cut along a parallel from 25 W to 55 E at 28 N would bow 7 degrees
    towards the pole, into the view. A degree apart, it bows by a few metres."""
    dense: list[Point] = [ring[0]]
    for start, end in zip(ring, ring[1:], strict=False):
        along_meridian = start[0] == end[0] and start[0] in (region.west, region.east)
        along_parallel = start[1] == end[1] and start[1] in (region.south, region.north)
        if along_meridian or along_parallel:
            steps = int(max(abs(end[0] - start[0]), abs(end[1] - start[1])))
            for step in range(1, steps):
                share = step / steps
                dense.append(
                    (
                        start[0] + (end[0] - start[0]) * share,
                        start[1] + (end[1] - start[1]) * share,
                    )
                )
        dense.append(end)
    return dense


def _clip_line(line: list[Point], region: Region) -> list[list[Point]]:
    """The pieces of a line inside the box."""
    pieces: list[list[Point]] = []
    current: list[Point] = []
    for start, end in zip(line, line[1:], strict=False):
        segment = _clip_segment(start, end, region)
        if segment is None:
            if current:
                pieces.append(current)
                current = []
            continue
        entry, leave = segment
        if not current:
            current = [entry]
        elif current[-1] != entry:
            pieces.append(current)
            current = [entry]
        current.append(leave)
        if leave != end:
            pieces.append(current)
            current = []
    if current:
        pieces.append(current)
    return [piece for piece in pieces if len(piece) >= 2]


def _clip_segment(a: Point, b: Point, region: Region) -> tuple[Point, Point] | None:
    """The part of segment a-b inside the box (Liang and Barsky), if any."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    low, high = 0.0, 1.0
    for step, room in (
        (-dx, a[0] - region.west),
        (dx, region.east - a[0]),
        (-dy, a[1] - region.south),
        (dy, region.north - a[1]),
    ):
        if step == 0:
            if room < 0:
                return None
            continue
        ratio = room / step
        if step < 0:
            low = max(low, ratio)
        else:
            high = min(high, ratio)
        if low > high:
            return None
    entry = a if low == 0 else (a[0] + low * dx, a[1] + low * dy)
    leave = b if high == 1 else (a[0] + high * dx, a[1] + high * dy)
    return entry, leave


def _at_x(a: Point, b: Point, x: float) -> Point:
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)
