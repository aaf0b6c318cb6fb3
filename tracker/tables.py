"""The tables the event filter and the listing read, defined once in SQLAlchemy Core.

`tracker.models` maps its SQLModel classes onto these tables (each field names its
column with `Field(sa_column=...)`), and every other table of the schema is declared
there on the same `metadata`. The filter (`tracker.query.filters`) and the listing
(`tracker.query.listing`) are built from these tables alone, so `tracker list` reads
events without importing SQLModel and pydantic, a second of start-up (issue #19).

Nothing here imports the PostgreSQL dialect: `JSONList` loads it when a PostgreSQL
database first uses the type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from tracker.vocab.codes import ActorKind, DatePrecision, EventStatus, GeoPrecision

# Constraint names that Alembic can find again on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
# The whole schema's metadata: `tracker.models` declares its other tables on it.
metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> dt.datetime:
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always read back timezone-aware in UTC, also from SQLite
    (which keeps no zone), so exports say "+00:00" on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: Any
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Any
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class JSONList(TypeDecorator):
    """JSON, stored as JSONB on PostgreSQL.

    What `JSON().with_variant(JSONB(), "postgresql")` says, except that the
    PostgreSQL dialect (a tenth of a second of imports) is loaded only when a
    PostgreSQL database uses the type, never on SQLite."""

    impl = JSON
    cache_ok = True
    # As JSON does: the ORM stores None as JSON null, not SQL NULL (the bulk writers
    # write it so too).
    should_evaluate_none = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


# One actor of the registry: a state, government, official, armed group ...
actor = Table(
    "actor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False, default=ActorKind.OTHER.value),
    Column("country", String(3), index=True),
)

# Another name an actor goes by ("the Kremlin" -> Government of Russia).
actor_alias = Table(
    "actor_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "actor_id",
        Integer,
        ForeignKey("actor.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("alias", String(200), nullable=False),
    Column("alias_key", String(200), nullable=False, unique=True),  # casefolded
)

# A place events happen at, with coordinates and how precise they are.
location = Table(
    "location",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("country", String(3), index=True),
    Column("admin1", String(200)),
    # District, raion or municipality by name, where the source names one. Not part
    # of `location_key` (migration 0013 says why).
    Column("admin2", String(200)),
    Column("latitude", Float),
    Column("longitude", Float),
    Column(
        "geo_precision", String(16), nullable=False, default=GeoPrecision.EXACT.value
    ),
    # Name, country, admin1, rounded coordinates and precision: one row per place.
    Column("location_key", String(500), nullable=False, unique=True),
    # Duplicate detection looks for places inside a latitude/longitude box around
    # each event; this index makes that a range scan, not a pass over every place.
    Index("ix_location_latitude_longitude", "latitude", "longitude"),
)

# Every column the timeline's aggregations read (and the filters they most use), so
# SQLite answers them from the index alone, in date order, without a look-up of each
# event row: 4x faster over a year of 100,000 events (issue 7).
TIMELINE_COLUMNS = (
    "date_start",
    "status",
    "event_type",
    "quad_class",
    "location_id",
    "date_end",
    "score",
    "fatalities_best",
    "fatalities_low",
    "fatalities_high",
)

# One typed timeline entry. Its integer id is public and never reused: on SQLite the
# table is AUTOINCREMENT, as migration 0001 creates it. That is not declared here
# (`sqlite_autoincrement=True`): a dialect's option loads that dialect to check it,
# and the SQLite dialect was a twentieth of `tracker list`'s imports on PostgreSQL.
event = Table(
    "event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("notes", Text),
    Column("event_type", String(16), nullable=False),
    Column("mode", String(32)),
    Column("quad_class", Integer, nullable=False),  # derived from event_type
    # PLOVER conflict-cooperation score, derived from type and mode.
    Column("score", Float, nullable=False),
    Column("acled_event_type", String(64)),
    Column("acled_sub_event_type", String(64)),
    Column("date_start", Date, nullable=False),
    Column("date_end", Date),
    Column(
        "date_precision", String(8), nullable=False, default=DatePrecision.DAY.value
    ),
    Column("location_id", Integer, ForeignKey("location.id"), index=True),
    Column("fatalities_low", Integer),
    Column("fatalities_best", Integer),
    Column("fatalities_high", Integer),
    Column("civilians_killed", Integer),
    Column("children_killed", Integer),
    Column("injured", Integer),
    Column(
        "status",
        String(16),
        nullable=False,
        default=EventStatus.CONFIRMED.value,
        index=True,
    ),
    Column("confidence", Float),
    # Where the record came from and its id there (seed, acled, ucdp ...):
    # re-imports update.
    Column("dataset", String(32)),
    Column("external_id", String(200)),
    Column("contexts", JSONList, nullable=False),
    Column("tags", JSONList, nullable=False),
    # Hash of the last imported or seeded content: re-importing it is a no-op.
    Column("content_hash", String(64)),
    # Why the figures break low <= best <= high, when a dataset published them so
    # (UCDP's "Check deaths" rows): kept as published, flagged, never typed in.
    Column("figures_flag", String(300)),
    Column("created_at", UTCDateTime, nullable=False, default=utc_now),
    Column("updated_at", UTCDateTime, nullable=False, default=utc_now),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("dataset", "external_id"),
    Index("ix_event_date_start_id", "date_start", "id"),
    Index("ix_event_event_type_date_start", "event_type", "date_start"),
    # A date filter bounds date_start by the earliest start of an event still
    # running at `since` (tracker.query.filters); this index finds those few
    # events, most having no end.
    Index("ix_event_date_end", "date_end"),
    Index("ix_event_timeline", *TIMELINE_COLUMNS),
)

# An event cites a source, with the quote it rests on.
event_source = Table(
    "event_source",
    metadata,
    Column(
        "event_id",
        Integer,
        ForeignKey("event.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("source_id", Integer, ForeignKey("source.id"), primary_key=True, index=True),
    Column("quote", Text),
)

# An actor plays a role in an event.
event_actor = Table(
    "event_actor",
    metadata,
    Column(
        "event_id",
        Integer,
        ForeignKey("event.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("actor_id", Integer, ForeignKey("actor.id"), primary_key=True, index=True),
    Column("role", String(16), primary_key=True),
    # The name the event gave when it is not the registry's (an alias, or ACLED's
    # "Government of Russia (2000-)" for Government of Russia), kept verbatim so an
    # export can write back what the source said; None when it is the same.
    Column("name_as_given", String(200)),
)
