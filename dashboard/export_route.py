"""The streamed CSV export route: exactly the events matching the URL's filter."""

from __future__ import annotations

from flask import Flask


def register_export_route(server: Flask) -> None:
    """Placeholder until the export route is built."""
