"""A child process that reads a SQLite database into Arrow for its parent.

Run as `python -m tracker.arrow_worker DATABASE` by `tracker.arrow_reading`. The
ADBC SQLite driver carries its own copy of SQLite, and two copies of SQLite in one
process corrupt each other's locks: closing a file in one drops the POSIX locks the
other holds on it (https://sqlite.org/howtocorrupt.html, 2.2.1; seen here as "disk
I/O error" in the parent's next statement). So the driver runs here, alone, and the
parent, whose Python sqlite3 has the database open, never loads it.

The worker opens one read transaction, which it keeps to the end: every statement
reads the same snapshot. It answers "ready" once the snapshot is taken, then reads
statements from stdin and writes each result to stdout as an Arrow IPC stream.
Frames both ways: a kind byte, an 8-byte big-endian length, the payload. Requests
are JSON `{"sql": ..., "params": [...]}`; answers are READY, TABLE (the stream) or
ERROR (the message). It ends, rolling back, when stdin closes.

Only pyarrow and the driver are imported: the worker starts in about 0.2 s."""

from __future__ import annotations

import json
import struct
import sys
from typing import BinaryIO

import pyarrow as pa

READY, TABLE, ERROR = b"R", b"T", b"E"
HEADER = struct.Struct(">cQ")
# The driver types each column by the values of its first batch of rows and fails
# on a later batch that disagrees: one batch per result leaves no later one.
BATCH_ROWS = 1 << 30


def write_frame(stream: BinaryIO, kind: bytes, payload: bytes) -> None:
    stream.write(HEADER.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> tuple[bytes, bytes] | None:
    """The next frame of `stream`; None at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    kind, length = HEADER.unpack(header)
    payload = stream.read(length)
    if len(payload) < length:
        return None
    return kind, payload


def serve(database: str, requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer the requests of `requests` on `answers` until it ends."""
    # Imported here, not above: the parent imports this module for its frames and
    # must never load the driver's copy of SQLite.
    import adbc_driver_manager
    import adbc_driver_sqlite

    with (
        adbc_driver_sqlite.connect(database) as opened,
        adbc_driver_manager.AdbcConnection(opened) as connection,
    ):
        connection.set_autocommit(False)  # BEGIN: one snapshot from the first read
        try:
            _table(connection, "SELECT count(*) FROM sqlite_master", [])
            write_frame(answers, READY, b"")
            while (frame := read_frame(requests)) is not None:
                request = json.loads(frame[1])
                try:
                    table = _table(connection, request["sql"], request["params"])
                except adbc_driver_manager.Error as error:  # the statement's own
                    write_frame(answers, ERROR, str(error).encode())
                    continue
                sink = pa.BufferOutputStream()
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    writer.write_table(table)
                write_frame(answers, TABLE, sink.getvalue().to_pybytes())
        finally:
            connection.rollback()


def _table(connection, sql: str, params: list) -> pa.Table:
    import adbc_driver_manager

    with adbc_driver_manager.AdbcStatement(connection) as statement:
        statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
        statement.set_sql_query(sql)
        if params:
            names = [str(at) for at in range(len(params))]
            statement.bind(pa.record_batch([[v] for v in params], names=names))
        stream, _ = statement.execute_query()
        return pa.RecordBatchReader._import_from_c(stream.address).read_all()


if __name__ == "__main__":
    serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)
