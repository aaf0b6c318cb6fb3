"""The map's figure is built as plain data, without Plotly's validation (issue 19):
building it through Plotly's objects was about half of the map page's server time
at a million events, beside its one query. It must be the figure Plotly's own
builder gave. The golden files are `fig.to_plotly_json()` of the builder before the
change (`go.Figure`, `add_scattergeo`, `add_scattermap`, `update_layout`), over the
cases below, without their template, which is Plotly's default and is checked
apart: no marker, one, two of different quad classes, many over a region and over
the world (single events and places of several, types mixed, every precision, a
title Plotly would read as markup), and the street map."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from dashboard.figures.map import Basemap, events_map_figure
from tracker.query.filters import EventFilter
from tracker.query.stats import LocationCount

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "figures"
MAY = dt.date(2025, 5, 16)
FILTER = EventFilter(since=dt.date(2025, 1, 1), countries=("UKR",))


def marker(number: int, **changes) -> LocationCount:
    """A place in eastern Ukraine holding one event, unless changed."""
    values = {
        "location_id": number,
        "name": f"Place {number}",
        "country": "UKR",
        "latitude": 48.0 + (number % 7) * 0.31,
        "longitude": 35.0 + (number % 11) * 0.27,
        "geo_precision": ("exact", "near", "admin1", "country")[number % 4],
        "quad_class": 4,
        "event_type": "ASSAULT",
        "count": 1,
        "fatalities": number % 5,
        "first_date": MAY,
        "last_date": MAY,
        "event_id": 100 + number,
        "title": f"Strike <b>{number}</b> & raid",
        "date_precision": ("day", "week", "month")[number % 3],
    }
    return LocationCount(**{**values, **changes})


def several(number: int, **changes) -> LocationCount:
    """A place holding several events, of mixed types every third one."""
    values = {
        "count": 2 + number % 9,
        "fatalities": number * 7 % 40,
        "event_id": None,
        "title": None,
        "date_precision": None,
        "first_date": MAY - dt.timedelta(days=number),
        "event_type": None if number % 3 == 0 else "PROTEST",
        "quad_class": 4 if number % 2 else 3,
    }
    return marker(number, **{**values, **changes})


REGION = [marker(i) for i in range(1, 25)] + [several(i) for i in range(25, 60)]
WORLD = [
    *REGION[:10],
    marker(90, latitude=-12.0, longitude=-77.0, name="Lima", country="PER"),
    several(91, latitude=41.0, longitude=29.0, name="Istanbul", country="TUR"),
]

CASES = {
    "map-none": ([], Basemap.OUTLINE),
    "map-one": ([marker(1, event_type="AGREE", quad_class=1)], Basemap.OUTLINE),
    "map-two-quads": (
        [marker(2), several(3, event_type="ACCUSE", quad_class=3)],
        Basemap.OUTLINE,
    ),
    "map-many-region": (REGION, Basemap.OUTLINE),
    "map-many-world": (WORLD, Basemap.OUTLINE),
    "map-streets": (REGION[:12], Basemap.STREETS),
    "map-streets-none": ([], Basemap.STREETS),
}


def as_json(figure) -> dict:
    """What the browser receives: the figure through Plotly's JSON encoder."""
    return json.loads(pio.to_json(figure, validate=False))


@pytest.mark.parametrize("case", CASES)
def test_the_plain_figure_is_the_one_plotly_built(case):
    markers, basemap = CASES[case]
    drawn = as_json(events_map_figure(markers, FILTER, basemap))
    template = drawn["layout"].pop("template")
    golden = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))
    assert drawn == golden
    assert template == as_json(go.Figure())["layout"]["template"]


def write_golden_files() -> None:
    """Write the golden files from the builder as it is (run once, by hand, on the
    code before a change of the figure's make-up)."""
    for case, (markers, basemap) in CASES.items():
        drawn = as_json(events_map_figure(markers, FILTER, basemap))
        drawn["layout"].pop("template")
        text = json.dumps(drawn, indent=1, sort_keys=True, ensure_ascii=False)
        (GOLDEN / f"{case}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_golden_files()
