"""GeoJSON export: a streamed FeatureCollection of events as points, for QGIS.

How it maps, and the decisions behind it: docs/formats.md,
"Writing GeoJSON"."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from tracker.formats.base import Counted
from tracker.models import EventRecord


def feature(record: EventRecord) -> dict[str, Any]:
    """One event as a GeoJSON Feature with flat properties."""
    location = record.location or {}
    latitude, longitude = location.get("latitude"), location.get("longitude")
    geometry = None
    if latitude is not None and longitude is not None:
        geometry = {"type": "Point", "coordinates": [longitude, latitude]}
    roles: dict[str, list[str]] = {}
    for actor in record.actors:
        roles.setdefault(actor["role"], []).append(actor["name"])
    properties = {
        "id": record.id,
        "title": record.title,
        "event_type": record.event_type,
        "mode": record.mode,
        "quad_class": record.quad_class,
        "score": record.score,
        "date_start": record.date_start.isoformat(),
        "date_end": record.date_end.isoformat() if record.date_end else None,
        "date_precision": record.date_precision,
        "location": location.get("name"),
        "admin1": location.get("admin1"),
        "admin2": location.get("admin2"),
        "country": location.get("country"),
        "geo_precision": location.get("geo_precision"),
        "initiators": "; ".join(roles.get("initiator", [])),
        "targets": "; ".join(roles.get("target", [])),
        "fatalities_low": record.fatalities["low"],
        "fatalities_best": record.fatalities["best"],
        "fatalities_high": record.fatalities["high"],
        "civilians_killed": record.civilians_killed,
        "children_killed": record.children_killed,
        "injured": record.injured,
        "status": record.status,
        "confidence": record.confidence,
        "tags": "; ".join(record.tags),
        "source_urls": "; ".join(s["url"] for s in record.sources if s["url"]),
        "notes": record.notes,
        "dataset": record.dataset,
        "external_id": record.external_id,
    }
    return {
        "type": "Feature",
        "id": record.id,
        "geometry": geometry,
        "properties": properties,
    }


def geojson_pieces(records: Iterable[EventRecord]) -> Iterator[str]:
    """A FeatureCollection of the records, as pieces of text in order (a feature
    each), so it can be streamed without holding the whole of it."""
    yield '{"type": "FeatureCollection", "features": [\n'
    for index, record in enumerate(records):
        yield ("" if index == 0 else ",\n") + json.dumps(
            feature(record), ensure_ascii=False
        )
    yield "\n]}\n"


def write_geojson(records: Iterable[EventRecord], stream: TextIO) -> int:
    """Stream a FeatureCollection to `stream`; return the number of events."""
    counted = Counted(records)
    stream.writelines(geojson_pieces(counted))
    return counted.count
