"""The regions a map of one part of the world draws its shapes from.

A regional map at 1:50m drew the whole world's land, borders, coasts and lakes:
plotly.js projects every point of every shape and only then clips them to the view,
and that was most of the map's drawing time (issue 19). For a view inside one of
these boxes, the app serves the world's shapes cut to the box
(`dashboard.server.world_shapes`), a fifth of the points or fewer, so the map
draws the same picture from far less.

plotly.js asks for a file named after the geo layout's `scope` and keeps it, by
that name, for as long as the page lives: each region is therefore a scope name
with one fixed box. The names are only file names here: a box holds every shape of
the world that reaches into it, whatever continent the shape belongs to."""

from __future__ import annotations

from typing import NamedTuple


class Region(NamedTuple):
    scope: str  # the plotly.js scope whose file name the region's shapes take
    west: float
    east: float
    south: float
    north: float

    @property
    def area(self) -> float:
        return (self.east - self.west) * (self.north - self.south)

    @property
    def file_name(self) -> str:
        """The file plotly.js asks for: `north-america_50m.json` for its scope."""
        return f"{self.scope.replace(' ', '-')}_50m.json"


REGIONS = (
    # Europe, Ukraine and western Russia, Turkey, the Caucasus.
    Region("europe", -25.0, 60.0, 30.0, 72.0),
    # Africa, with Arabia and the Levant.
    Region("africa", -25.0, 60.0, -38.0, 38.0),
    # The Middle East, the Levant, Central and South Asia.
    Region("asia", 15.0, 105.0, -2.0, 52.0),
    # East and South-East Asia, with the western Pacific's islands.
    Region("oceania", 75.0, 155.0, -12.0, 55.0),
    Region("south america", -95.0, -30.0, -58.0, 15.0),
    Region("north america", -170.0, -50.0, 5.0, 75.0),
)
REGION_FILES = {region.file_name: region for region in REGIONS}
# Room around the view for what plotly.js shows beyond the ranges it is given (the
# map fits its ranges to the frame's shape): shapes are cut this far outside it.
VIEW_MARGIN_DEGREES = 3.0


def region_for(lon_range: list[float], lat_range: list[float]) -> Region | None:
    """The smallest region whose box holds the view with a margin, if any."""
    margin = VIEW_MARGIN_DEGREES
    west, east = lon_range[0] - margin, lon_range[1] + margin
    south, north = lat_range[0] - margin, lat_range[1] + margin
    holding = [
        region
        for region in REGIONS
        if region.west <= west
        and east <= region.east
        and region.south <= south
        and north <= region.north
    ]
    return min(holding, key=lambda region: region.area, default=None)
