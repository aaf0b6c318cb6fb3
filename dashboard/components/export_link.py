"""The "Export CSV" control every list and chart page shows."""

from __future__ import annotations

from dash import html

from dashboard.server.export_route import EXPORT_PATH
from tracker.query.filters import EventFilter


def export_href(event_filter: EventFilter, *, columns: str = "native") -> str:
    """The URL that streams exactly the events matching `event_filter` as CSV."""
    query = event_filter.to_query_string()
    if columns != "native":
        query = "&".join(part for part in (query, f"columns={columns}") if part)
    return EXPORT_PATH + ("?" + query if query else "")


def export_link(event_filter: EventFilter, component_id: str) -> html.A:
    """A download link for the filtered events in the native columns."""
    return html.A(
        "Export CSV",
        id=component_id,
        href=export_href(event_filter),
        className="button export",
        download="",
        rel="nofollow",
    )


# The other downloads of the filtered events, by extension, with their labels.
OTHER_EXPORTS = {
    "jsonl": "JSON Lines",
    "geojson": "GeoJSON",
    "xlsx": "Excel",
    "parquet": "Parquet",
}


def other_export_links(event_filter: EventFilter, component_id: str) -> html.Span:
    """Links to the filtered events as JSON Lines, GeoJSON, an Excel workbook and
    Parquet."""
    query = event_filter.to_query_string()
    suffix = "?" + query if query else ""
    return html.Span(
        [
            html.Span("Also as ", className="note"),
            *[
                html.A(
                    label,
                    id={"type": component_id, "format": name},
                    href=f"/export.{name}{suffix}",
                    download="",
                    rel="nofollow",
                    className="data-link",
                )
                for name, label in OTHER_EXPORTS.items()
            ],
        ],
        className="other-exports",
    )
