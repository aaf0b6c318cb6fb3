"""A regional map draws the world's shapes cut to its region's box (issue 19): what
lies inside the box is the world file's, nothing outside is kept, and shapes cut at
the antimeridian are not joined across the map. The browser test
(tests/browser/test_map_regions.py) checks the picture is the world file's."""

from __future__ import annotations

import json
import math

import pytest

from dashboard.figures import map as map_figures
from dashboard.figures.map_regions import REGIONS, Region, region_for
from dashboard.server.world_shapes import (
    DECIMALS,
    DRAWN,
    WORLD_50M,
    _decoded_arcs,
    clip_topology,
    region_shapes_json,
)
from tests.dashboard.test_map_page import marker
from tests.dashboard.test_timeline import drawn
from tracker.query.filters import EventFilter

BOX = Region("europe", 0.0, 10.0, 0.0, 10.0)


def topology(objects: dict, arcs: list) -> dict:
    return {"type": "Topology", "objects": objects, "arcs": arcs}


def collection(*geometries: dict) -> dict:
    return {"type": "GeometryCollection", "geometries": list(geometries)}


def rings_of(clipped: dict, name: str) -> list[list[list[float]]]:
    """Every ring or line of an object, as points."""
    found = []
    for geometry in clipped["objects"][name]["geometries"]:
        parts = geometry["arcs"]
        for part in parts:
            for arc in part if geometry["type"] == "MultiPolygon" else [part]:
                found.append(clipped["arcs"][arc[0]])
    return found


def test_a_square_across_the_edge_is_cut_at_the_edge_and_keeps_its_direction():
    # Clockwise, as d3-geo reads an outer ring: from (-5, 2) round to (5, 8).
    square = [[-5, 2], [-5, 8], [5, 8], [5, 2], [-5, 2]]
    clipped = clip_topology(
        topology({"land": collection({"type": "Polygon", "arcs": [[0]]})}, [square]),
        BOX,
    )
    (ring,) = rings_of(clipped, "land")
    assert ring[0] == ring[-1]
    corners = {tuple(point) for point in ring}
    assert corners == {(0, 2), (0, 8), (5, 8), (5, 2)} | {
        (0, y)
        for y in range(3, 8)  # the cut, a degree at a time
    }
    edges = zip(ring, ring[1:], strict=False)
    signed_area = sum(a[0] * b[1] - b[0] * a[1] for a, b in edges) / 2
    assert signed_area == pytest.approx(-30)  # 5 x 6, clockwise as before


def test_shapes_outside_the_box_are_dropped_and_unused_layers_left_out():
    far = [[20, 20], [20, 30], [30, 30], [30, 20], [20, 20]]
    clipped = clip_topology(
        topology(
            {
                "land": collection({"type": "Polygon", "arcs": [[0]]}),
                "rivers": collection({"type": "LineString", "arcs": [0]}),
            },
            [far],
        ),
        BOX,
    )
    assert clipped["objects"] == {"land": collection()}
    assert clipped["arcs"] == []


def test_a_line_leaving_and_entering_the_box_becomes_two_pieces():
    line = [[2, 5], [15, 5], [15, 7], [3, 7]]
    coast = collection({"type": "LineString", "arcs": [0]})
    clipped = clip_topology(topology({"coastlines": coast}, [line]), BOX)
    assert rings_of(clipped, "coastlines") == [[[2, 5], [10, 5]], [[10, 7], [3, 7]]]


def test_a_shape_cut_at_the_antimeridian_is_not_joined_across_the_map():
    # Like Eurasia in the world file: east to 180, on from -180 (Chukotka), back.
    ring = [[5, 2], [180, 2], [-175, 2], [-175, 8], [180, 8], [5, 8], [5, 2]]
    clipped = clip_topology(
        topology({"land": collection({"type": "Polygon", "arcs": [[0]]})}, [ring]),
        BOX,
    )
    (cut,) = rings_of(clipped, "land")
    # Only the part east of 5 E: no edge from one side of the box to the other.
    assert min(x for x, _ in cut) == 5
    assert {tuple(p) for p in cut} >= {(5, 2), (10, 2), (10, 8), (5, 8)}


def test_arcs_shared_by_two_rings_are_read_in_either_direction():
    # Two squares sharing their middle edge (arc 0), the second reading it backwards.
    shared = [[4, 2], [4, 8]]
    left = [[4, 8], [2, 8], [2, 2], [4, 2]]
    right = [[4, 2], [6, 2], [6, 8], [4, 8]]
    clipped = clip_topology(
        topology(
            {
                "countries": collection(
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "Polygon", "arcs": [[~0, 2]]},
                )
            },
            [shared, left, right],
        ),
        BOX,
    )
    first, second = rings_of(clipped, "countries")
    assert {tuple(p) for p in first} == {(4, 2), (4, 8), (2, 8), (2, 2)}
    assert {tuple(p) for p in second} == {(4, 8), (4, 2), (6, 2), (6, 8)}


@pytest.fixture(scope="module")
def world() -> dict:
    return json.loads(WORLD_50M.read_text(encoding="utf-8"))


def world_points_inside(world: dict, region: Region) -> set[tuple[float, float]]:
    """Every drawn layer's point of the world file strictly inside the box."""
    arcs = list(_decoded_arcs(world))
    used = set()
    for name in DRAWN:
        for geometry in world["objects"][name]["geometries"]:
            used.update(_arc_indices(geometry["arcs"]))
    inside = set()
    for index in used:
        for x, y in arcs[index]:
            if region.west < x < region.east and region.south < y < region.north:
                inside.add((round(x, DECIMALS), round(y, DECIMALS)))
    return inside


def _arc_indices(nested) -> set[int]:
    if isinstance(nested, int):
        return {nested if nested >= 0 else ~nested}
    return set().union(*(_arc_indices(item) for item in nested)) if nested else set()


@pytest.mark.parametrize("region", REGIONS, ids=lambda region: region.scope)
def test_a_regions_file_holds_the_worlds_shapes_inside_its_box_and_nothing_else(
    world, region
):
    clipped = json.loads(region_shapes_json(region))
    points = {tuple(point) for arc in clipped["arcs"] for point in arc}
    assert all(
        region.west <= x <= region.east and region.south <= y <= region.north
        for x, y in points
    )
    missing = world_points_inside(world, region) - points
    assert not missing, sorted(missing)[:5]
    assert set(clipped["objects"]) == set(DRAWN)
    assert clipped["bbox"] == [region.west, region.south, region.east, region.north]


def test_a_view_is_drawn_from_the_smallest_region_that_holds_it():
    kyiv = marker(latitude=50.45, longitude=30.52)
    kharkiv = marker(location_id=2, latitude=49.99, longitude=36.23)
    geo = drawn(
        map_figures.events_map_figure([kyiv, kharkiv], EventFilter())
    ).layout.geo
    assert geo.scope == "europe" and geo.resolution == 50
    # The centre a world map would have, not the scope's own.
    assert geo.projection.rotation.lon == pytest.approx(33.375, abs=0.01)
    gaza = marker(latitude=31.5, longitude=34.47)
    assert region_for([28.0, 41.0], [27.5, 35.5]).scope == "asia"
    assert (
        drawn(map_figures.events_map_figure([gaza], EventFilter())).layout.geo.scope
        == "asia"
    )


def test_views_no_region_holds_use_the_world_file():
    lima = marker(location_id=2, latitude=-12.0, longitude=-77.0)
    world_view = drawn(
        map_figures.events_map_figure([marker(), lima], EventFilter())
    ).layout.geo
    assert world_view.scope is None and world_view.resolution == 110
    # Across the antimeridian, or beyond every box: the whole world's 1:50m shapes.
    assert region_for([170.0, 190.0], [-20.0, -10.0]) is None
    assert region_for([-30.0, -10.0], [60.0, 70.0]) is None  # Iceland's west
    fiji = marker(latitude=-17.8, longitude=178.0)
    geo = drawn(map_figures.events_map_figure([fiji], EventFilter())).layout.geo
    assert geo.scope is None and geo.resolution == 50


def test_each_region_holds_a_view_of_ten_degrees_somewhere():
    for region in REGIONS:
        middle = ((region.west + region.east) / 2, (region.south + region.north) / 2)
        view = ([middle[0] - 5, middle[0] + 5], [middle[1] - 5, middle[1] + 5])
        chosen = region_for(*view)
        assert chosen is not None and chosen.area <= region.area
        assert not math.isnan(chosen.area)
