"""`tracker export` in every format: native CSV, ACLED CSV, JSON Lines, GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from tracker.cli.main import main
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.formats.native.cells import CSV_COLUMNS


def invoke(url: str, *args: str):
    return CliRunner().invoke(main, ["--database-url", url, *args])


@pytest.fixture
def seeded(database_url: str) -> str:
    assert invoke(database_url, "seed").exit_code == 0
    return database_url


def test_export_geojson_is_a_feature_collection_with_points_where_known(
    seeded, tmp_path
):
    target = tmp_path / "events.geojson"
    result = invoke(seeded, "export", "--format", "geojson", "-o", str(target))
    assert result.exit_code == 0, result.output
    collection = json.loads(target.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 12
    located = [f for f in features if f["geometry"] is not None]
    assert len(located) == 5
    istanbul = next(f for f in located if f["properties"]["location"] == "Istanbul")
    assert istanbul["geometry"] == {
        "type": "Point",
        "coordinates": [28.94966, 41.01384],
    }
    attack = next(f for f in features if f["properties"]["children_killed"] == 6)
    assert attack["properties"]["fatalities_best"] == 14
    assert all(
        not isinstance(v, dict | list)
        for f in features
        for v in f["properties"].values()
    )


def test_export_geojson_of_no_events_is_still_valid_json(seeded):
    result = invoke(
        seeded, "export", "--format", "geojson", "--text", "nothing like this"
    )
    assert json.loads(result.stdout) == {"type": "FeatureCollection", "features": []}


def test_export_acled_csv_has_the_31_canonical_columns(seeded):
    result = invoke(seeded, "export", "--format", "acled-csv", "--type", "ASSAULT")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == ACLED_COLUMNS and len(rows[0]) == 31
    assert len(rows) == 1 + 3


def test_export_excel_flag_adds_a_byte_order_mark_to_csv_only(seeded, tmp_path):
    target = tmp_path / "events.csv"
    assert invoke(seeded, "export", "--excel", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").splitlines()[0] == ",".join(CSV_COLUMNS)
    jsonl = tmp_path / "events.jsonl"
    assert (
        invoke(
            seeded, "export", "--excel", "--format", "jsonl", "-o", str(jsonl)
        ).exit_code
        == 0
    )
    assert jsonl.read_bytes().startswith(b"{")
