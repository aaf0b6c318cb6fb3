"""The dashboard offers the exports the CLI has, and Excel (issue 14): JSON Lines,
GeoJSON, .xlsx and Parquet (issue 15) of exactly the filtered events, the same
events as the CSV export, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.etree import ElementTree

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.app import create_app
from tests.dashboard.conftest import client_as
from tracker.db import make_engine, session_scope
from tracker.models import EventCreate
from tracker.seed import seed_database
from tracker.store.events import create_event
from tracker.store.history import Author

SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
TRICKY_TITLE = '=HYPERLINK("http://example.com","click") talks'


@pytest.fixture
def app(database_url, seed_dir):
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_database(session, seed_dir)
        create_event(
            session,
            EventCreate.model_validate(
                {
                    "title": TRICKY_TITLE,
                    "event_type": "CONSULT",
                    "date_start": "2025-05-16",
                    "location": {"name": "Istanbul", "country": "TUR"},
                }
            ),
            author=Author("analyst", via="test"),
        )
    engine.dispose()
    return create_app(database_url)


def csv_ids(client, query: str) -> list[int]:
    body = client.get(f"/export.csv?{query}").get_data(as_text=True).lstrip("\ufeff")
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(body))]


@pytest.mark.parametrize("query", ["", "countries=TUR", "event_types=ASSAULT"])
def test_json_lines_and_geojson_hold_the_csv_exports_events(app, query):
    client = client_as(app, "viewer")
    expected = csv_ids(client, query)
    assert expected  # every filter here matches something
    lines = client.get(f"/export.jsonl?{query}")
    assert lines.status_code == 200 and lines.mimetype == "application/x-ndjson"
    records = [json.loads(line) for line in lines.get_data(as_text=True).splitlines()]
    assert [r["id"] for r in records] == expected
    shapes = client.get(f"/export.geojson?{query}")
    assert shapes.mimetype == "application/geo+json"
    collection = json.loads(shapes.get_data(as_text=True))
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == expected


def test_an_empty_result_is_still_valid_json(app):
    client = client_as(app, "viewer")
    shapes = client.get("/export.geojson?datasets=ucdp")
    assert json.loads(shapes.get_data(as_text=True)) == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert client.get("/export.jsonl?datasets=ucdp").get_data(as_text=True) == ""


def sheet_rows(workbook: bytes) -> list[list[str]]:
    """The first sheet's rows as text, read from the .xlsx (a zip of XML)."""
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        names = archive.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.itertext()) for t in root.iter(f"{SHEET}si")]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter(f"{SHEET}row"):
        cells = []
        for cell in row.iter(f"{SHEET}c"):
            assert cell.find(f"{SHEET}f") is None, "no cell is a formula"
            kind = cell.get("t")
            if kind == "s":
                cells.append(shared[int(cell.find(f"{SHEET}v").text)])
            elif kind == "inlineStr":
                cells.append("".join(cell.find(f"{SHEET}is").itertext()))
            else:
                value = cell.find(f"{SHEET}v")
                cells.append(value.text if value is not None else "")
        rows.append(cells)
    return rows


def test_the_excel_workbook_holds_the_csv_exports_rows_and_no_formula(app):
    client = client_as(app, "viewer")
    answer = client.get("/export.xlsx?countries=TUR")
    assert answer.status_code == 200
    assert (
        answer.headers["Content-Disposition"].endswith('.xlsx"')
        or ".xlsx" in (answer.headers["Content-Disposition"])
    )
    rows = sheet_rows(answer.get_data())
    body = client.get("/export.csv?countries=TUR").get_data(as_text=True)
    expected = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == expected[0]
    assert [int(float(r[0])) for r in rows[1:]] == [int(r[0]) for r in expected[1:]]
    titles = [r[expected[0].index("title")] for r in rows[1:]]
    assert TRICKY_TITLE in titles  # kept as text, not run as a formula


@pytest.mark.parametrize("path", ["/export.jsonl", "/export.geojson", "/export.xlsx"])
def test_a_refused_filter_is_a_400_naming_it(app, path):
    answer = client_as(app, "viewer").get(f"{path}?since=last+week")
    assert answer.status_code == 400
    assert "since" in answer.get_data(as_text=True)


@pytest.mark.parametrize("query", ["", "countries=TUR", "event_types=ASSAULT"])
def test_parquet_holds_the_csv_exports_events_typed(app, query):
    client = client_as(app, "viewer")
    expected = csv_ids(client, query)
    response = client.get(f"/export.parquet?{query}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.apache.parquet"
    assert response.headers["Content-Disposition"].endswith(".parquet")
    table = pq.read_table(io.BytesIO(response.get_data()))
    assert table.column("id").to_pylist() == expected
    assert table.schema.field("date_start").type == pa.date32()
    # The title a spreadsheet would run is the text itself: no apostrophe added.
    titles = table.column("title").to_pylist()
    assert (TRICKY_TITLE in titles) == (query in ("", "countries=TUR"))


def test_no_match_is_a_parquet_file_of_no_rows(app):
    response = client_as(app, "viewer").get("/export.parquet?datasets=ucdp")
    table = pq.read_table(io.BytesIO(response.get_data()))
    assert table.num_rows == 0
    assert table.schema.field("fatalities_best").type == pa.int64()


def test_a_refused_filter_is_no_parquet_file(app):
    response = client_as(app, "viewer").get("/export.parquet?since=yesterday")
    assert response.status_code == 400
    assert "since: must be a date written YYYY-MM-DD" in response.get_data(as_text=True)
