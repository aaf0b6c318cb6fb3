"""ACLED-compatible CSV: our events in ACLED's 31 export columns, in ACLED's order.

How it maps, and the decisions behind it: docs/formats.md,
"Writing ACLED's 31 columns"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pycountry

from tracker.formats.native.cells import LIST_SEPARATOR, neutralise_formula
from tracker.models import (
    ActorKind,
    ActorRole,
    DatePrecision,
    EventRecord,
    GeoPrecision,
)
from tracker.vocab import taxonomy
from tracker.vocab.dates import covered_interval, describe_date

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

ACLED_DATASET = "acled"
TRACKER_ID_PREFIX = "TRK"

TIME_PRECISION = {
    DatePrecision.DAY: 1,
    DatePrecision.WEEK: 2,
    DatePrecision.MONTH: 3,
    DatePrecision.YEAR: 3,  # ACLED records nothing coarser than a month
}
GEO_PRECISION = {
    GeoPrecision.EXACT: 1,
    GeoPrecision.NEAR: 2,
    GeoPrecision.ADMIN1: 3,
    GeoPrecision.COUNTRY: 3,  # ACLED never codes a whole country
}

# ACLED's inter codes (formats.md 1.5) that an actor's kind lets us derive.
INTER_STATE_FORCES = 1
INTER_CIVILIANS = 7
INTER_EXTERNAL_OTHER = 8
STATE_KINDS = frozenset(
    kind.value
    for kind in (
        ActorKind.STATE,
        ActorKind.GOVERNMENT,
        ActorKind.OFFICIAL,
        ActorKind.MILITARY,
    )
)

POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC_DEVELOPMENTS = "Strategic developments"
CIVILIANS_TARGETED = "Civilians targeted"


def acled_pair(record: EventRecord) -> tuple[str, str] | None:
    """The ACLED (event type, sub-event type) of an event, or None if ACLED has none.

    The event's own pair wins; otherwise the PLOVER crosswalk is asked."""
    if record.acled_event_type is not None and record.acled_sub_event_type is not None:
        return record.acled_event_type, record.acled_sub_event_type
    return taxonomy.plover_to_acled(record.event_type, record.mode)


def disorder_type(event_type: str, sub_event_type: str) -> str:
    """ACLED's disorder type of an event type and sub-event type (formats.md 1.2)."""
    if event_type == "Protests":
        if sub_event_type == "Excessive force against protesters":
            return f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}"
        return DEMONSTRATIONS
    if event_type == "Riots":
        return (
            POLITICAL_VIOLENCE if sub_event_type == "Mob violence" else DEMONSTRATIONS
        )
    if event_type == STRATEGIC_DEVELOPMENTS:
        return STRATEGIC_DEVELOPMENTS
    return POLITICAL_VIOLENCE


def inter_code(actor: dict[str, Any], event_country: str | None) -> int | None:
    """ACLED's inter code of an actor in an event in `event_country`, if derivable."""
    kind = actor.get("kind")
    if kind == ActorKind.CIVILIANS:
        return INTER_CIVILIANS
    if kind == ActorKind.INTERNATIONAL_ORGANISATION:
        return INTER_EXTERNAL_OTHER
    if kind in STATE_KINDS and actor.get("country") and event_country:
        at_home = actor["country"] == event_country
        return INTER_STATE_FORCES if at_home else INTER_EXTERNAL_OTHER
    return None


def interaction_code(
    inter1: int | None, inter2: int | None, *, has_actor2: bool
) -> int | None:
    """ACLED's interaction: both inter codes, lower first; actor1's x 10 when alone."""
    if inter1 is None:
        return None
    if not has_actor2:
        return inter1 * 10
    if inter2 is None:
        return None
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def acled_sides(
    actors: Sequence[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split an event's actors into ACLED's two sides: (actor1 side, actor2 side).

    The first of each side is the named actor, the rest its associated actors."""
    doers = [a for a in actors if a["role"] == ActorRole.INITIATOR] + [
        a for a in actors if a["role"] == ActorRole.PARTICIPANT
    ]
    targets = [a for a in actors if a["role"] == ActorRole.TARGET]
    if targets or len(doers) < 2:
        return doers, targets
    # No target: PLOVER lists every side as an actor; ACLED names two sides.
    return [doers[0], *doers[2:]], [doers[1]]


def country_fields(alpha_3: str | None) -> tuple[int | None, str | None]:
    """ISO 3166 numeric code and name of a country given by its alpha-3 code."""
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    if country is None:
        return None, alpha_3
    return int(country.numeric), getattr(country, "common_name", None) or country.name


def acled_event_id(record: EventRecord) -> str:
    """ACLED's id for an event from ACLED, else our public id as "TRK<id>"."""
    if record.dataset == ACLED_DATASET and record.external_id:
        return record.external_id
    return f"{TRACKER_ID_PREFIX}{record.id}"


def acled_date(record: EventRecord) -> tuple[dt.date, int]:
    """The date ACLED would record for an event, and its time precision code.

    A day-precision event keeps its first day; a period is dated to its middle."""
    first, last = covered_interval(
        record.date_start, record.date_end, record.date_precision
    )
    precision = DatePrecision(record.date_precision)
    middle = first if precision == DatePrecision.DAY else first + (last - first) // 2
    return middle, TIME_PRECISION[precision]


def acled_notes(record: EventRecord) -> str:
    """Our notes, followed by the facts ACLED has no column for."""
    parts = [record.notes.strip()] if record.notes else []
    for label, value in (
        ("Civilians killed", record.civilians_killed),
        ("Children killed", record.children_killed),
        ("Injured", record.injured),
    ):
        if value is not None:
            parts.append(f"{label}: {value}.")
    first, last = covered_interval(
        record.date_start, record.date_end, record.date_precision
    )
    if first != last:
        when = describe_date(record.date_start, record.date_end, record.date_precision)
        parts.append(f"Date: {when}.")
    return " ".join(parts)


def acled_sources(record: EventRecord) -> str:
    """The publishers (else titles) of an event's sources, once each, "; "-joined."""
    names = [
        s.get("publisher") or s.get("title") or s.get("url") for s in record.sources
    ]
    return "; ".join(dict.fromkeys(name for name in names if name))


def acled_row(record: EventRecord) -> dict[str, object]:
    """One event as a row of ACLED's 31 columns; unknown values are None."""
    location = record.location or {}
    event_country = location.get("country")
    iso, country = country_fields(event_country)
    event_date, time_precision = acled_date(record)
    pair = acled_pair(record)
    side1, side2 = acled_sides(record.actors)
    inter1 = inter_code(side1[0], event_country) if side1 else None
    inter2 = inter_code(side2[0], event_country) if side2 else None
    civilians = any(
        a["role"] == ActorRole.TARGET and a.get("kind") == ActorKind.CIVILIANS
        for a in record.actors
    )
    latitude, longitude = location.get("latitude"), location.get("longitude")
    geo_precision = location.get("geo_precision")
    fatalities = record.fatalities.get("best")
    if fatalities is None:
        fatalities = record.fatalities.get("low")
    texts = {
        "event_id_cnty": acled_event_id(record),
        "disorder_type": disorder_type(*pair) if pair else None,
        "event_type": pair[0] if pair else None,
        "sub_event_type": pair[1] if pair else None,
        "actor1": side1[0]["name"] if side1 else None,
        "assoc_actor_1": LIST_SEPARATOR.join(a["name"] for a in side1[1:]),
        "actor2": side2[0]["name"] if side2 else None,
        "assoc_actor_2": LIST_SEPARATOR.join(a["name"] for a in side2[1:]),
        "civilian_targeting": CIVILIANS_TARGETED if civilians else None,
        "country": country,
        "admin1": location.get("admin1"),
        "admin2": location.get("admin2"),
        "location": location.get("name"),
        "source": acled_sources(record),
        "notes": acled_notes(record),
        "tags": LIST_SEPARATOR.join(record.tags),
    }
    row: dict[str, object] = {
        "event_date": event_date.isoformat(),
        "year": event_date.year,
        "time_precision": time_precision,
        "inter1": inter1,
        "inter2": inter2,
        "interaction": interaction_code(inter1, inter2, has_actor2=bool(side2)),
        "iso": iso,
        "latitude": round(latitude, 4) if latitude is not None else None,
        "longitude": round(longitude, 4) if longitude is not None else None,
        "geo_precision": GEO_PRECISION[GeoPrecision(geo_precision)]
        if geo_precision
        else None,
        "fatalities": fatalities or 0,
        "timestamp": int(record.updated_at.timestamp()),
        # We hold no data for these.
        "region": None,
        "admin2": None,
        "admin3": None,
        "source_scale": None,
    }
    row.update({k: neutralise_formula(v) if v else None for k, v in texts.items()})
    return row
