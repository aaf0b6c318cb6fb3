"""The streamed CSV export route: exactly the events matching the URL's filter.

`GET /export.csv?<filter query string>` sends every matching event (not one page), in
date order, as UTF-8 CSV with a byte order mark (so Excel reads non-Latin text), in the
native columns or, with `columns=acled`, in ACLED's 31 columns
(`tracker.formats.acled.write` says how our events map onto them; events ACLED would
not record are included, with empty ACLED type columns, and counted in the
X-Tracker-Without-Acled-Type header).

The body is generated in chunks of rows from keyset batches, so memory stays bounded
whatever the number of events. A streamed file must be tellable as complete:
- a filter value the parser refuses (`tracker.query.filters.parse_filter`) is a 400
  naming the field and the reason, before any query: a typo never downloads every event;
- an error before the first chunk (the header and the first rows) is an HTTP 500
  with a plain-text message (503 when a statement ran past its time limit);
- an error after it aborts the response: the chunked body never gets its terminating
  chunk, so browsers mark the download failed and HTTP clients raise (curl exits 18,
  Python's http.client raises IncompleteRead). The file never ends cleanly truncated.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from flask import Flask, Response, request, send_file

from dashboard.services import reads
from tracker.errors import Problem, StatementTimeout
from tracker.formats import EXPORTS
from tracker.formats.xlsx import MAX_XLSX_ROWS
from tracker.query.filters import EventFilter, parse_filter

log = logging.getLogger(__name__)

EXPORT_PATH = "/export.csv"  # the export links of every page point here
XLSX_PATH = "/export.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PARQUET_PATH = "/export.parquet"
PARQUET_TYPE = "application/vnd.apache.parquet"  # registered with IANA in 2024
# The exports streamed as text besides CSV, by extension, with their media type.
STREAMED = {"jsonl": "application/x-ndjson", "geojson": "application/geo+json"}
NATIVE_COLUMNS = "native"
# The CSV exports of `tracker.formats.EXPORTS`, by the name `columns=` takes.
CSV_EXPORTS = {name: fmt for name, fmt in EXPORTS.items() if fmt.is_csv}
WITHOUT_ACLED_TYPE_HEADER = "X-Tracker-Without-Acled-Type"
EARLY_FAILURE = (
    "The export failed before any row was sent, so nothing was downloaded; "
    "the server log has the reason.\n"
)


def register_export_route(server: Flask) -> None:
    """Add `GET /export.csv`, `.jsonl`, `.geojson`, `.xlsx` and `.parquet` to the
    Flask server behind the dashboard."""
    server.add_url_rule(EXPORT_PATH, "export_csv", export_csv, methods=["GET"])
    for name, media_type in STREAMED.items():
        server.add_url_rule(
            f"/export.{name}",
            f"export_{name}",
            lambda name=name, media_type=media_type: export_streamed(name, media_type),
            methods=["GET"],
        )
    server.add_url_rule(XLSX_PATH, "export_xlsx", export_xlsx, methods=["GET"])
    server.add_url_rule(PARQUET_PATH, "export_parquet", export_parquet, methods=["GET"])


def export_streamed(name: str, media_type: str) -> Response:
    """Stream the matching events as JSON Lines or GeoJSON, with the CSV export's
    guarantees (a refused filter is a 400; a failure mid-stream aborts it)."""
    event_filter, problems = parse_filter(request.args.to_dict(flat=False))
    if problems:
        return Response(refusal(problems), 400, mimetype="text/plain")
    chunks = reads.export_chunks(event_filter, EXPORTS[name])
    try:
        first = next(chunks, "")
    except StatementTimeout:
        raise
    except Exception:
        log.exception("%s export of %s failed", name, event_filter.describe())
        return Response(EARLY_FAILURE, 500, mimetype="text/plain")
    response = Response(
        _rest_of_stream(first, chunks, event_filter),
        mimetype=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(name)}"',
            "Cache-Control": "no-store",
        },
    )
    response.call_on_close(chunks.close)
    return response


def export_xlsx() -> Response:
    """The matching events in the native columns as an Excel workbook; more rows
    than a sheet holds is a 400 saying so, before any is read."""
    event_filter, problems = parse_filter(request.args.to_dict(flat=False))
    if problems:
        return Response(refusal(problems), 400, mimetype="text/plain")
    count = reads.count_matching_events(event_filter)
    if count > MAX_XLSX_ROWS:
        return Response(
            f"Nothing was exported: {count:,} events match, and an Excel sheet holds "
            f"at most {MAX_XLSX_ROWS:,}. Narrow the filter, or export CSV.\n",
            400,
            mimetype="text/plain",
        )
    workbook = reads.export_workbook(event_filter)
    return send_file(
        workbook,
        mimetype=XLSX_TYPE,
        as_attachment=True,
        download_name=export_filename("xlsx"),
        max_age=0,
    )


def export_parquet() -> Response:
    """The matching events in the native columns as a Parquet file with typed
    columns (`tracker.formats.parquet`), written to a temporary file first: a
    Parquet file is only readable once its footer is written."""
    event_filter, problems = parse_filter(request.args.to_dict(flat=False))
    if problems:
        return Response(refusal(problems), 400, mimetype="text/plain")
    parquet = reads.export_parquet(event_filter)
    return send_file(
        parquet,
        mimetype=PARQUET_TYPE,
        as_attachment=True,
        download_name=export_filename("parquet"),
        max_age=0,
    )


def export_csv() -> Response:
    """Stream the events matching the query string's filter as a CSV download."""
    event_filter, problems = parse_filter(request.args.to_dict(flat=False))
    if problems:
        return Response(refusal(problems), 400, mimetype="text/plain")
    name = request.args.get("columns", NATIVE_COLUMNS)
    fmt = CSV_EXPORTS.get(name)
    if fmt is None:
        known = " or ".join(CSV_EXPORTS)
        return Response(
            f"unknown columns {name!r}: choose {known}\n", 400, mimetype="text/plain"
        )
    headers = {
        "Content-Disposition": f'attachment; filename="{export_filename(name)}"',
        "Cache-Control": "no-store",
    }
    if name == "acled":
        count = reads.count_without_acled_type(event_filter)
        headers[WITHOUT_ACLED_TYPE_HEADER] = str(count)
    chunks = reads.export_chunks(event_filter, fmt)
    try:
        first = next(chunks)  # runs the first query, before any byte is sent
    except StatementTimeout:
        raise  # answered 503 by dashboard.server.timeouts
    except Exception:
        log.exception("CSV export of %s failed", event_filter.describe())
        return Response(EARLY_FAILURE, 500, mimetype="text/plain")
    response = Response(
        _rest_of_stream(first, chunks, event_filter),
        mimetype="text/csv",
        headers=headers,
    )
    response.call_on_close(chunks.close)  # ends the session if the client leaves
    return response


def refusal(problems: list[Problem]) -> str:
    """The plain-text answer to a URL with refused filter values: each field and why."""
    lines = [f"  - {problem}\n" for problem in problems]
    return "Nothing was exported: the filter has values it cannot use.\n" + "".join(
        lines
    )


def export_filename(columns: str, today: dt.date | None = None) -> str:
    """The download's file name: tracker-events-YYYYMMDD.csv, "-acled" for ACLED,
    .jsonl, .geojson, .xlsx or .parquet for those."""
    today = today or dt.datetime.now(dt.UTC).date()
    if columns in (*STREAMED, "xlsx", "parquet"):
        return f"tracker-events-{today:%Y%m%d}.{columns}"
    suffix = "" if columns == NATIVE_COLUMNS else f"-{columns}"
    return f"tracker-events{suffix}-{today:%Y%m%d}.csv"


def _rest_of_stream(
    first: str, chunks: Iterator[str], event_filter: EventFilter
) -> Iterator[str]:
    yield first
    try:
        yield from chunks
    except Exception:
        # Re-raised so the server aborts the response instead of ending it cleanly.
        log.exception("CSV export of %s failed mid-stream", event_filter.describe())
        raise
