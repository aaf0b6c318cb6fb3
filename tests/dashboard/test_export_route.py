"""GET /export.csv over a seeded database, on SQLite and PostgreSQL, without a browser.

Flask's test client reads the streamed body; the mid-stream failure is checked against a
real HTTP server, because only the server turns it into an aborted download."""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import io
import logging
import re
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text, update
from werkzeug.serving import make_server

from dashboard.app import create_app
from dashboard.services import ENGINE_KEY
from tests.conftest import table_counts
from tests.dashboard.conftest import (
    client_as,
    insert_plain_events,
    session_cookie,
    slow_event_table,
)
from tracker.db import make_engine, session_scope
from tracker.exporting import ROWS_PER_CHUNK, UTF8_BOM
from tracker.formats.acled.write import ACLED_COLUMNS
from tracker.formats.native.cells import CSV_COLUMNS
from tracker.models import Event, EventCreate
from tracker.native_export import WORKERS
from tracker.store.events import create_event

FORMULA = "=10+20+cmd|' /C calc'!A0"


@pytest.fixture
def client(app):
    return client_as(app, "viewer")  # reading needs an account, any role


def read_csv(body: bytes) -> list[dict[str, str]]:
    """The rows of a downloaded CSV, which must start with a UTF-8 BOM."""
    text = body.decode("utf-8")
    assert text.startswith(UTF8_BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(UTF8_BOM))))


def header(body: bytes) -> tuple[str, ...]:
    first_line = body.decode("utf-8").removeprefix(UTF8_BOM).split("\n", 1)[0]
    return tuple(first_line.split(","))


def add_plain_events(app, count: int, day: dt.date) -> None:
    """Insert `count` bare CONSULT events on `day`, in one statement."""
    insert_plain_events(app.server.config[ENGINE_KEY], count, day)


def test_export_csv_streams_every_seed_event_in_native_columns_in_date_order(client):
    response = client.get("/export.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="tracker-events-\d{8}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.data.startswith("\ufeff".encode())
    assert header(response.data) == CSV_COLUMNS
    rows = read_csv(response.data)
    assert sorted(int(row["id"]) for row in rows) == list(range(1, 13))
    keys = [(row["date_start"], int(row["id"])) for row in rows]
    assert keys == sorted(keys)
    attack = next(row for row in rows if row["id"] == "6")
    assert (attack["fatalities_best"], attack["children_killed"]) == ("14", "6")


def test_export_csv_honours_the_filter_in_the_query_string(client):
    rows = read_csv(client.get("/export.csv?event_types=ASSAULT").data)
    assert [row["id"] for row in rows] == ["5", "12", "6"]
    assert {row["event_type"] for row in rows} == {"ASSAULT"}


def test_export_csv_with_no_match_is_the_header_alone(client):
    response = client.get("/export.csv?min_fatalities=1000")
    assert response.status_code == 200
    assert header(response.data) == CSV_COLUMNS
    assert read_csv(response.data) == []


def test_export_csv_sends_all_matching_events_not_one_page(app, client):
    add_plain_events(app, 2 * ROWS_PER_CHUNK + 20, dt.date(2025, 4, 1))
    response = client.get("/export.csv?event_types=CONSULT", buffered=False)
    chunks = list(response.response)
    response.close()
    assert len(chunks) >= 3  # the body was streamed in chunks, not built whole
    rows = read_csv(b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks))
    assert len(rows) == 2 * ROWS_PER_CHUNK + 20 + 1  # the bulk events and seed 01


def test_export_csv_acled_columns_are_the_31_in_order_for_every_event(client):
    response = client.get("/export.csv?columns=acled")
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="tracker-events-acled-\d{8}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert header(response.data) == ACLED_COLUMNS
    rows = read_csv(response.data)
    assert len(rows) == 12
    attack = next(row for row in rows if row["event_id_cnty"] == "TRK6")
    assert attack["sub_event_type"] == "Shelling/artillery/missile attack"
    assert (attack["inter1"], attack["inter2"], attack["interaction"]) == (
        "8",
        "7",
        "78",
    )
    assert (attack["fatalities"], attack["iso"]) == ("14", "804")
    assert "Children killed: 6." in attack["notes"]


def test_export_csv_acled_header_counts_the_rows_acled_would_not_record(client):
    response = client.get("/export.csv?columns=acled")
    untyped = [row for row in read_csv(response.data) if not row["event_type"]]
    assert response.headers["X-Tracker-Without-Acled-Type"] == str(len(untyped))
    # The requests, threats, accusations and the walk-back of the seed article.
    assert sorted(row["event_id_cnty"] for row in untyped) == [
        "TRK11",
        "TRK2",
        "TRK7",
        "TRK8",
        "TRK9",
    ]


def test_export_csv_acled_columns_honour_the_filter(client):
    rows = read_csv(client.get("/export.csv?event_types=ASSAULT&columns=acled").data)
    assert [row["event_id_cnty"] for row in rows] == ["TRK5", "TRK12", "TRK6"]


def test_export_csv_neutralises_cells_a_spreadsheet_would_run(app, client):
    with session_scope(app.server.config[ENGINE_KEY]) as session:
        event = create_event(
            session,
            EventCreate(
                title=FORMULA,
                notes="@SUM(A1)",
                event_type="ACCUSE",
                date_start=dt.date(2025, 5, 27),
            ),
        )
        event_id = str(event.id)
    native = read_csv(client.get("/export.csv?event_types=ACCUSE").data)
    row = next(row for row in native if row["id"] == event_id)
    assert (row["title"], row["notes"]) == ("'" + FORMULA, "'@SUM(A1)")
    acled = read_csv(client.get("/export.csv?event_types=ACCUSE&columns=acled").data)
    row = next(row for row in acled if row["event_id_cnty"] == f"TRK{event_id}")
    assert row["notes"] == "'@SUM(A1)"


def test_export_csv_refuses_unknown_columns_and_names_the_choices(app, client):
    response = client.get("/export.csv?columns=ucdp")
    assert response.status_code == 400
    assert response.text == "unknown columns 'ucdp': choose native or acled\n"
    assert len(read_csv(client.get("/export.csv").data)) == 12  # nothing changed


def test_export_csv_ends_its_session_when_the_client_leaves_early(app, client):
    add_plain_events(app, 2 * ROWS_PER_CHUNK, dt.date(2025, 4, 1))
    pool = app.server.config[ENGINE_KEY].pool
    response = client.get("/export.csv", buffered=False)
    next(iter(response.response))
    # The stream holds its session open, and the readers of its snapshot.
    assert pool.checkedout() == 1 + WORKERS
    response.close()
    assert pool.checkedout() == 0


def corrupt_event_type(app, event_id: int) -> None:
    """Store a type no PLOVER table knows, as a broken import might, bypassing crud.

    Dash builds every page's layout on the app's first request, so that request is
    made first, while the data are sound."""
    assert client_as(app, "viewer").get("/export.csv").status_code == 200
    with session_scope(app.server.config[ENGINE_KEY]) as session:
        session.execute(
            update(Event).where(Event.id == event_id).values(event_type="BOGUS")
        )


def test_export_csv_failing_before_the_first_row_is_an_http_error(app, client, caplog):
    corrupt_event_type(app, 2)  # seed 02 has no ACLED pair: the crosswalk is asked
    response = client.get("/export.csv?columns=acled")
    assert response.status_code == 500
    assert response.text == (
        "The export failed before any row was sent, so nothing was downloaded; "
        "the server log has the reason.\n"
    )
    assert "BOGUS" in caplog.text
    assert client.get("/export.csv").status_code == 200  # nothing else changed


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app behind a real threaded HTTP/1.1 server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_export_csv_failing_mid_stream_aborts_the_download(app, live_server, caplog):
    # datasette #1379: a client must be able to tell a broken export from a whole one.
    add_plain_events(app, ROWS_PER_CHUNK + 10, dt.date(2025, 4, 1))
    corrupt_event_type(app, 2)  # seed 02 is dated after every bulk event
    cookie = session_cookie(client_as(app, "viewer"))
    connection = http.client.HTTPConnection(live_server, timeout=30)
    with caplog.at_level(logging.ERROR, logger="dashboard.server.export_route"):
        connection.request(
            "GET", "/export.csv?columns=acled", headers={"Cookie": cookie}
        )
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        with pytest.raises(http.client.IncompleteRead) as aborted:
            response.read()
    connection.close()
    received = aborted.value.partial.decode("utf-8")
    assert received.startswith(UTF8_BOM + "event_id_cnty,")
    assert received.count("\n") > ROWS_PER_CHUNK  # rows were sent before the failure
    assert (
        "CSV export of confirmed and disputed events failed mid-stream" in caplog.text
    )


@pytest.mark.parametrize(
    ("query", "said"),
    [
        # Issue #18: a superscript two passed str.isdigit() and int() refused it.
        (
            "min_fatalities=%C2%B2",
            "min_fatalities: must be a whole number of 0 or more, in the digits 0-9 "
            "(got '²')",
        ),
        # Issue #18: too large for SQLite's integers.
        (
            "min_fatalities=99999999999999999999999",
            "min_fatalities: must be at most 2,147,483,647 "
            "(got '99999999999999999999999')",
        ),
        # Issue #18: dropped in silence, so the typo downloaded every event.
        (
            "since=2022-02-30",
            "since: is not a calendar date (day is out of range for month) "
            "(got '2022-02-30')",
        ),
        (
            "until=2025-5-31",
            "until: must be a date written YYYY-MM-DD (got '2025-5-31')",
        ),
        (
            "event_types=ASSAULT&event_types=BOMBING",
            "event_types: is not a PLOVER event type, such as ASSAULT or CONSULT "
            "(got 'BOMBING')",
        ),
    ],
)
def test_export_csv_refuses_a_bad_filter_value_naming_field_and_reason(
    app, client, query, said
):
    before = table_counts(app.server.config[ENGINE_KEY])
    response = client.get(f"/export.csv?{query}&columns=acled")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response.headers  # nothing to download
    assert response.text == (
        f"Nothing was exported: the filter has values it cannot use.\n  - {said}\n"
    )
    assert table_counts(app.server.config[ENGINE_KEY]) == before


def test_export_csv_names_every_refused_value_at_once(client):
    response = client.get(
        "/export.csv?min_fatalities=-1&since=2022-02-30&statuses=gone"
    )
    assert response.status_code == 400
    assert response.text.splitlines()[1:] == [
        "  - since: is not a calendar date (day is out of range for month) "
        "(got '2022-02-30')",
        "  - min_fatalities: must be a whole number of 0 or more, in the digits 0-9 "
        "(got '-1')",
        "  - statuses: must be one of proposed, confirmed, disputed, retracted "
        "(got 'gone')",
    ]


def test_export_csv_takes_ten_thousand_names_in_one_list(client):
    # Issue #18: PostgreSQL refuses statements of more than 65,535 parameters.
    names = ["Government of Ukraine"] + [f"Nobody {n:05}" for n in range(9_999)]
    query = "&".join(f"actors={name.replace(' ', '+')}" for name in names)
    many = read_csv(client.get(f"/export.csv?{query}").data)
    one = read_csv(client.get("/export.csv?actors=Government+of+Ukraine").data)
    assert len(many) == 5
    assert many == one


# --- issue #19: time limits, and a client that leaves -----------------------------


@pytest.fixture
def limited_app(database_url, monkeypatch):
    """An app whose statements may run only a moment, and a client logged in to it:
    0.2 s on PostgreSQL; a microsecond on SQLite, over 20,000 events added after
    the log-in (SQLite checks its clock every 10,000 steps of its virtual machine,
    so a statement reading them all is stopped, and so would be Dash's first
    request, which builds every page)."""
    limit = "0.2" if database_url.startswith("postgresql") else "0.000001"
    monkeypatch.setenv("TRACKER_STATEMENT_TIMEOUT", limit)
    monkeypatch.setenv("TRACKER_BULK_STATEMENT_TIMEOUT", limit)
    app = create_app(database_url)
    client = client_as(app, "viewer")
    if limit != "0.2":
        engine = make_engine(database_url)
        insert_plain_events(engine, 20_000, dt.date(2025, 4, 1))
        engine.dispose()
    yield app, client, limit
    app.server.config[ENGINE_KEY].dispose()


def test_export_past_its_time_limit_is_answered_503_saying_why(limited_app, caplog):
    app, client, limit = limited_app
    engine = app.server.config[ENGINE_KEY]
    with slow_event_table(engine):
        # The count of rows ACLED would not record runs under the page limit, the
        # export's batches under the download limit: each is stopped.
        answers = [client.get("/export.csv?columns=acled"), client.get("/export.csv")]
    for answer in answers:
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "10"
        assert answer.text == (
            f"Service busy: the database took longer than {float(limit):g} s to "
            "answer and was stopped; nothing changed: try a narrower filter, or "
            "again when it is less busy.\n"
        )
    assert "Traceback" not in caplog.text
    assert engine.pool.checkedout() == 0  # both connections serve again


def backends_at_work(engine) -> list[str]:
    """The queries other connections to this database are running or holding a
    transaction open for (PostgreSQL's pg_stat_activity); none on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT state || ': ' || query FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND state <> 'idle'"
            )
        )
        return [row[0] for row in rows]


def wait_until(condition, seconds: float = 30.0) -> bool:
    """Whether `condition()` holds within `seconds` (the server needs a moment to
    notice the client has gone); a wait, not a measurement."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_export_aborted_by_the_client_stops_and_frees_its_connection(app, live_server):
    # More rows than the kernel buffers of both ends hold (up to 4 MiB a side).
    add_plain_events(app, 40_000, dt.date(2025, 4, 1))
    engine = app.server.config[ENGINE_KEY]
    cookie = session_cookie(client_as(app, "viewer"))
    host, port = live_server.split(":")
    client = socket.socket()
    # A small window: the server blocks on the unread rows instead of having
    # written them all into the kernel's buffers.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    client.connect((host, int(port)))
    client.sendall(
        f"GET /export.csv HTTP/1.1\r\nHost: {live_server}\r\n"
        f"Cookie: {cookie}\r\n\r\n".encode()
    )
    assert client.recv(4096).startswith(b"HTTP/1.1 200")
    time.sleep(0.5)  # the server writes until the window is full
    # The export is under way, mid-stream: its session and its snapshot's readers.
    assert engine.pool.checkedout() == 1 + WORKERS
    # Leave without reading on: a reset, as a closed browser tab sends.
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()
    assert wait_until(lambda: engine.pool.checkedout() == 0)
    assert backends_at_work(engine) == []  # no query left running on the server
