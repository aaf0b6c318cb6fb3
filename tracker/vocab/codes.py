"""The fixed codes the tables hold: statuses, precisions, kinds, roles, relations, and
ISO 3166 country codes.

Apart from `tracker.models` so that the light read path (`tracker.tables`, the event
filter, `tracker list`) has them without SQLModel and pydantic (issue #19)."""

from __future__ import annotations

from enum import StrEnum


class DatePrecision(StrEnum):
    """How precisely the source dates an event: ACLED's time_precision, plus year."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class GeoPrecision(StrEnum):
    """How precisely the source places an event (ACLED geo_precision, plus country)."""

    EXACT = "exact"  # a named town or district with known coordinates
    NEAR = "near"  # near a town, or a small part of a region
    ADMIN1 = "admin1"  # only the province / oblast is known
    COUNTRY = "country"  # only the country is known


class EventStatus(StrEnum):
    """Where an event stands in review; retracted events are kept, never deleted."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    RETRACTED = "retracted"


class ActorKind(StrEnum):
    """What sort of actor this is."""

    STATE = "state"
    GOVERNMENT = "government"
    OFFICIAL = "official"  # a head of state or another official speaking for a state
    MILITARY = "military"
    ARMED_GROUP = "armed_group"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    CIVILIANS = "civilians"
    MEDIA = "media"
    OTHER = "other"


class ActorRole(StrEnum):
    """The part an actor plays in one event.

    PLOVER actor = initiator, recipient = target."""

    INITIATOR = "initiator"
    TARGET = "target"
    PARTICIPANT = "participant"
    MEDIATOR = "mediator"
    HOST = "host"


class LinkRelation(StrEnum):
    """How one event relates to an earlier one it points at."""

    FOLLOWS_UP = "follows_up"
    WALKS_BACK = "walks_back"
    RESPONDS_TO = "responds_to"
    DUPLICATE_OF = "duplicate_of"


def validate_iso3(value: str | None) -> str | None:
    """Accept an ISO 3166-1 alpha-3 code in any case; refuse anything else."""
    if value is None or value == "":
        return None
    # Imported here: its import and database cost a list without --country nothing.
    import pycountry

    code = value.strip().upper()
    if len(code) != 3 or pycountry.countries.get(alpha_3=code) is None:
        raise ValueError(
            "must be an ISO 3166-1 alpha-3 country code such as UKR or RUS"
        )
    return code
