"""All SQLModel classes: the tables, and the validated shapes data enters by.

The tables the listing reads (actor, actor_alias, location, event, event_source,
event_actor) are defined in Core in `tracker.tables` and mapped here field by field;
the enums and `validate_iso3` live in `tracker.vocab.codes`. Both are importable from
here as before.

Table models (`table=True`) do not validate on construction, so every value enters
through a non-table model (`EventCreate`, `ActorRef`, `LocationIn`, `SourceIn`, ...)
whose validators name the field and the reason when they refuse it.

One idea, kept whole past the usual 400 lines: the schema, read top to bottom, table
beside the shapes that fill it; split, each half would need the other open.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any, NamedTuple
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic import Field as PydanticField
from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from tracker import tables
from tracker.tables import JSONList, UTCDateTime, utc_now
from tracker.vocab import taxonomy
from tracker.vocab.codes import (
    ActorKind,
    ActorRole,
    DatePrecision,
    EventStatus,
    GeoPrecision,
    LinkRelation,
    validate_iso3,
)

# Every table of the schema lives on the metadata of `tracker.tables`, which defines
# the tables the listing reads in Core; the classes below map onto those.
SQLModel.metadata = tables.metadata
metadata: MetaData = tables.metadata


# --- Shared validators --------------------------------------------------------------


def clean_text(value: Any) -> Any:
    """Strip surrounding white space; an empty string becomes None.

    Anything but a string is passed on for the field's type check to refuse."""
    if not isinstance(value, str):
        return value
    return value.strip() or None


def without_nul(value: Any) -> Any:
    """Text (or a list of texts) with NUL characters removed.

    They carry no meaning in a report, and PostgreSQL cannot store them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    if isinstance(value, dict):  # a source record's cells: names and texts
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value


class InputModel(BaseModel):
    """Base of the shapes data enters by: no text of theirs carries a NUL."""

    _no_nul = field_validator("*", mode="before")(without_nul)


def validate_http_url(value: str) -> str:
    """Accept only absolute http and https URLs (no javascript:, data:, file: ...)."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// address")
    return value


# --- Actors -------------------------------------------------------------------------


class Actor(SQLModel, table=True):
    """Table: one actor of the registry (`tracker.tables.actor`).

    E.g. a state, government, official, armed group ..."""

    __table__ = tables.actor

    id: int | None = Field(default=None, sa_column=tables.actor.c.id)
    name: str = Field(sa_column=tables.actor.c.name)
    kind: str = Field(default=ActorKind.OTHER.value, sa_column=tables.actor.c.kind)
    country: str | None = Field(default=None, sa_column=tables.actor.c.country)


class ActorAlias(SQLModel, table=True):
    """Table: another name an actor goes by ("the Kremlin" -> Government of Russia)."""

    __table__ = tables.actor_alias

    id: int | None = Field(default=None, sa_column=tables.actor_alias.c.id)
    actor_id: int = Field(sa_column=tables.actor_alias.c.actor_id)
    alias: str = Field(sa_column=tables.actor_alias.c.alias)
    alias_key: str = Field(sa_column=tables.actor_alias.c.alias_key)  # casefolded


class ActorRef(InputModel):
    """Input: an actor named in an event, with its role.

    The actor is created in the registry if new."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    role: ActorRole
    kind: ActorKind | None = None
    country: str | None = None

    _strip_name = field_validator("name", mode="before")(lambda v: clean_text(v) or "")
    _country = field_validator("country")(validate_iso3)

    @model_validator(mode="before")
    @classmethod
    def _name_as_given(cls, data: Any) -> Any:
        # A record names the actor by the registry's name and, when the event gave
        # another (ACLED's "... (2000-)"), by that one too: the event's own wins, so
        # a re-import keeps it (it resolves to the same registry actor).
        if isinstance(data, dict) and "name_as_given" in data:
            data = dict(data)
            data["name"] = data.pop("name_as_given") or data.get("name")
        return data


class ActorCreate(InputModel):
    """Input: a registry entry with its aliases (the seed registry, the CLI)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: ActorKind = ActorKind.OTHER
    country: str | None = None
    aliases: list[str] = Field(default_factory=list)

    _country = field_validator("country")(validate_iso3)


# --- Locations ----------------------------------------------------------------------


class Location(SQLModel, table=True):
    """Table: a place events happen at (`tracker.tables.location`)."""

    __table__ = tables.location

    id: int | None = Field(default=None, sa_column=tables.location.c.id)
    name: str = Field(sa_column=tables.location.c.name)
    country: str | None = Field(default=None, sa_column=tables.location.c.country)
    admin1: str | None = Field(default=None, sa_column=tables.location.c.admin1)
    admin2: str | None = Field(default=None, sa_column=tables.location.c.admin2)
    latitude: float | None = Field(default=None, sa_column=tables.location.c.latitude)
    longitude: float | None = Field(default=None, sa_column=tables.location.c.longitude)
    geo_precision: str = Field(
        default=GeoPrecision.EXACT.value, sa_column=tables.location.c.geo_precision
    )
    location_key: str = Field(sa_column=tables.location.c.location_key)


class LocationIn(InputModel):
    """Input: where an event happened; coordinates are optional but come in pairs."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    country: str | None = None
    admin1: str | None = Field(default=None, max_length=200)
    # A name (district, raion, municipality), never a code such as GDELT's ADM2Code.
    admin2: str | None = Field(default=None, max_length=200)
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    geo_precision: GeoPrecision = GeoPrecision.EXACT

    _country = field_validator("country")(validate_iso3)
    _admin1 = field_validator("admin1", "admin2", mode="before")(clean_text)

    @model_validator(mode="after")
    def _coordinates_in_pairs(self) -> LocationIn:
        if (self.latitude is None) != (self.longitude is None):
            raise ValueError("latitude and longitude must be given together")
        return self

    def key(self) -> str:
        """The identity of this place in the registry.

        Without admin2, so places stored before it keep their keys (migration 0013)."""
        coords = (
            f"{self.latitude:.4f},{self.longitude:.4f}"
            if self.latitude is not None and self.longitude is not None
            else "-"
        )
        parts = [
            self.name.casefold(),
            self.country or "-",
            (self.admin1 or "-").casefold(),
        ]
        return "|".join([*parts, coords, self.geo_precision.value])


# --- Sources ------------------------------------------------------------------------


class Source(SQLModel, table=True):
    """Table: a report events rest on, online or not.

    E.g. an article, a dataset's source."""

    id: int | None = Field(default=None, primary_key=True)
    url: str | None = Field(default=None, sa_type=String(2000))
    publisher: str | None = Field(default=None, sa_type=String(200))
    title: str | None = Field(default=None, sa_type=String(500))
    published: dt.date | None = None
    # The URL when there is one, else title, publisher and date: one row per report.
    source_key: str = Field(sa_type=String(2000), unique=True)


class SourceIn(InputModel):
    """Input: a source an event cites, with the quote the event rests on.

    A report known only on paper or as a file has no URL; it then needs a title."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=2000)
    publisher: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=500)
    published: dt.date | None = None
    quote: str | None = Field(default=None, max_length=5000)

    _texts = field_validator("url", "publisher", "title", "quote", mode="before")(
        clean_text
    )

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return validate_http_url(value) if value is not None else None

    @model_validator(mode="after")
    def _identifiable(self) -> SourceIn:
        if self.url is None and self.title is None:
            raise ValueError(
                "a source needs a url or, for a report not online, a title"
            )
        return self

    def key(self) -> str:
        """The identity of this report in the registry."""
        if self.url is not None:
            return self.url
        return "|".join(
            [self.title or "", self.publisher or "", str(self.published or "")]
        )


class EventSource(SQLModel, table=True):
    """Table: an event cites a source, with the quote it rests on."""

    __table__ = tables.event_source

    event_id: int = Field(sa_column=tables.event_source.c.event_id)
    source_id: int = Field(sa_column=tables.event_source.c.source_id)
    quote: str | None = Field(default=None, sa_column=tables.event_source.c.quote)


# --- Events -------------------------------------------------------------------------


class Event(SQLModel, table=True):
    """Table: one typed timeline entry (`tracker.tables.event`). Its integer id is
    public and never reused."""

    __table__ = tables.event

    id: int | None = Field(default=None, sa_column=tables.event.c.id)
    title: str = Field(sa_column=tables.event.c.title)
    notes: str | None = Field(default=None, sa_column=tables.event.c.notes)
    event_type: str = Field(sa_column=tables.event.c.event_type)
    mode: str | None = Field(default=None, sa_column=tables.event.c.mode)
    quad_class: int = Field(sa_column=tables.event.c.quad_class)
    score: float = Field(sa_column=tables.event.c.score)
    acled_event_type: str | None = Field(
        default=None, sa_column=tables.event.c.acled_event_type
    )
    acled_sub_event_type: str | None = Field(
        default=None, sa_column=tables.event.c.acled_sub_event_type
    )
    date_start: dt.date = Field(sa_column=tables.event.c.date_start)
    date_end: dt.date | None = Field(default=None, sa_column=tables.event.c.date_end)
    date_precision: str = Field(
        default=DatePrecision.DAY.value, sa_column=tables.event.c.date_precision
    )
    location_id: int | None = Field(default=None, sa_column=tables.event.c.location_id)
    fatalities_low: int | None = Field(
        default=None, sa_column=tables.event.c.fatalities_low
    )
    fatalities_best: int | None = Field(
        default=None, sa_column=tables.event.c.fatalities_best
    )
    fatalities_high: int | None = Field(
        default=None, sa_column=tables.event.c.fatalities_high
    )
    civilians_killed: int | None = Field(
        default=None, sa_column=tables.event.c.civilians_killed
    )
    children_killed: int | None = Field(
        default=None, sa_column=tables.event.c.children_killed
    )
    injured: int | None = Field(default=None, sa_column=tables.event.c.injured)
    status: str = Field(
        default=EventStatus.CONFIRMED.value, sa_column=tables.event.c.status
    )
    confidence: float | None = Field(default=None, sa_column=tables.event.c.confidence)
    dataset: str | None = Field(default=None, sa_column=tables.event.c.dataset)
    external_id: str | None = Field(default=None, sa_column=tables.event.c.external_id)
    contexts: list[str] = Field(default_factory=list, sa_column=tables.event.c.contexts)
    tags: list[str] = Field(default_factory=list, sa_column=tables.event.c.tags)
    content_hash: str | None = Field(
        default=None, sa_column=tables.event.c.content_hash
    )
    figures_flag: str | None = Field(
        default=None, sa_column=tables.event.c.figures_flag
    )
    created_at: dt.datetime = Field(
        default_factory=utc_now, sa_column=tables.event.c.created_at
    )
    updated_at: dt.datetime = Field(
        default_factory=utc_now, sa_column=tables.event.c.updated_at
    )
    version: int = Field(default=1, sa_column=tables.event.c.version)


class SourceRecord(SQLModel, table=True):
    """Table: the row an imported event was read from, as its file wrote it.

    `columns` is the file's header in its order; `cells` maps each column to its
    text, verbatim (empty cells left out). It keeps what the model has no field for
    (ACLED's region, admin2, timestamp, inter codes ...) and the exact spelling of
    what it has, so an export in the same format gives the row back cell for cell
    (`tracker.formats.acled.write`). One per event; an edit of the event leaves it
    alone, a re-import of a changed row replaces it."""

    __tablename__ = "source_record"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    format: str = Field(sa_type=String(16))
    columns: list[str] = Field(sa_column=Column(JSONList, nullable=False))
    cells: dict[str, str] = Field(sa_column=Column(JSONList, nullable=False))
    # The event's version when this was stored: at a later one it has been edited.
    event_version: int


class EventRollup(SQLModel, table=True):
    """Table: events summed per start day, last day, country, type, date precision
    and status, so the timeline reads thousands of rows instead of a million events.

    Database triggers (migration 0006) keep it exact on every insert, update and
    delete of `event`, whichever code writes. A place's country is read when its
    event is written: places are registry rows and never change their country."""

    __tablename__ = "event_rollup"
    __table_args__ = (
        UniqueConstraint(
            "date_start",
            "date_last",
            "country",
            "event_type",
            "quad_class",
            "date_precision",
            "status",
            name="uq_event_rollup_key",
        ),
        Index("ix_event_rollup_date_last", "date_last"),
    )

    id: int | None = Field(default=None, primary_key=True)
    date_start: dt.date
    date_last: dt.date  # date_end, or date_start for a one-day event
    country: str = Field(sa_type=String(3))  # '' when the event has no country
    event_type: str = Field(sa_type=String(16))
    quad_class: int
    date_precision: str = Field(sa_type=String(8))
    status: str = Field(sa_type=String(16))
    events: int
    score_sum: float
    fatal_events: int  # events with any fatality figure
    fatal_best: int  # best, else low, else high
    fatal_low: int  # low, else best, else high
    fatal_high: int  # high, else best, else low
    children_killed: int


class ActorRollup(SQLModel, table=True):
    """Table: each actor's events and marks per start year, last year, country, type
    and status, so the swimlanes rank actors over thousands of rows, not the roles
    of a million events.

    `events` counts an event once per actor; `marks` once per role. Database
    triggers on `event_actor` and `event` (migration 0009) keep it exact on every
    write; a writer that bypasses them calls `tracker.store.actor_rollup`."""

    __tablename__ = "actor_rollup"

    actor_id: int = Field(primary_key=True)
    year_start: int = Field(primary_key=True)
    year_last: int = Field(primary_key=True)  # of date_end, else of date_start
    country: str = Field(sa_type=String(3), primary_key=True)  # '' without one
    event_type: str = Field(sa_type=String(16), primary_key=True)
    status: str = Field(sa_type=String(16), primary_key=True)
    events: int
    marks: int


class EventActor(SQLModel, table=True):
    """Table: an actor plays a role in an event (`tracker.tables.event_actor`)."""

    __table__ = tables.event_actor

    event_id: int = Field(sa_column=tables.event_actor.c.event_id)
    actor_id: int = Field(sa_column=tables.event_actor.c.actor_id)
    role: str = Field(sa_column=tables.event_actor.c.role)
    name_as_given: str | None = Field(
        default=None, sa_column=tables.event_actor.c.name_as_given
    )


class EventLink(SQLModel, table=True):
    """Table: an event points at another (a walk-back points at its threat)."""

    __tablename__ = "event_link"
    __table_args__ = (UniqueConstraint("event_id", "target_id", "relation"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    target_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    relation: str = Field(sa_type=String(16))


class Fatalities(BaseModel):
    """Input and output: deaths as low / best / high estimates, each optional.

    Their order (low <= best <= high) is checked by `EventCreate`, which knows
    whether a dataset published them out of order (`figures_flag`)."""

    model_config = ConfigDict(extra="forbid")

    low: int | None = Field(default=None, ge=0)
    best: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)

    def out_of_order(self) -> str | None:
        """Why the figures break low <= best <= high, e.g. "best (7) must not
        exceed high (6)"; None when the figures given are in order."""
        known = [(name, getattr(self, name)) for name in ("low", "best", "high")]
        known = [(name, value) for name, value in known if value is not None]
        for (name_a, a), (name_b, b) in zip(known, known[1:], strict=False):
            if a > b:
                return f"{name_a} ({a}) must not exceed {name_b} ({b})"
        return None

    def most(self) -> int | None:
        """The largest figure given, the ceiling for sub-counts such as children."""
        values = [v for v in (self.low, self.best, self.high) if v is not None]
        return max(values) if values else None


class LinkIn(InputModel):
    """Input: a link to another event, by its id or by its external id in a dataset."""

    model_config = ConfigDict(extra="forbid")

    relation: LinkRelation
    id: int | None = Field(default=None, ge=1)
    external_id: str | None = None
    dataset: str | None = None

    @model_validator(mode="after")
    def _has_target(self) -> LinkIn:
        if self.id is None and not self.external_id:
            raise ValueError("a link needs the target's id or external_id")
        return self


class SourceRecordIn(InputModel):
    """Input: the row an event was imported from (see `SourceRecord`)."""

    model_config = ConfigDict(extra="forbid")

    format: str = Field(min_length=1, max_length=16)
    columns: list[str]
    cells: dict[str, str]
    # As exported; a write stores the version it gives the event instead.
    event_version: int | None = Field(default=None, exclude=True)


class EventCreate(InputModel):
    """Input: a whole event in the record shape.

    The shape is the one `tracker export --format jsonl` writes."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    notes: str | None = Field(default=None, max_length=20000)
    event_type: str
    mode: str | None = None
    contexts: list[str] = Field(default_factory=list)
    acled_event_type: str | None = None
    # Checked even when left out: the pair's type alone is refused.
    acled_sub_event_type: Annotated[
        str | None, PydanticField(validate_default=True)
    ] = None
    date_start: dt.date
    date_end: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    location: LocationIn | None = None
    actors: list[ActorRef] = Field(default_factory=list)
    # Set by importers only (see Event.figures_flag); declared before fatalities,
    # whose order check reads it.
    figures_flag: str | None = Field(default=None, max_length=300)
    fatalities: Fatalities = Field(default_factory=Fatalities)
    civilians_killed: int | None = Field(default=None, ge=0)
    children_killed: int | None = Field(default=None, ge=0)
    injured: int | None = Field(default=None, ge=0)
    status: EventStatus = EventStatus.CONFIRMED
    confidence: float | None = Field(default=None, ge=0, le=1)
    tags: list[str] = Field(default_factory=list)
    sources: list[SourceIn] = Field(default_factory=list)
    links: list[LinkIn] = Field(default_factory=list)
    dataset: str | None = Field(default=None, max_length=32)
    external_id: str | None = Field(default=None, max_length=200)
    source_record: SourceRecordIn | None = None

    @field_validator("title", mode="before")
    @classmethod
    def _one_line_title(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if "\n" in value or "\r" in value:
                raise ValueError("must be a single line")
        return value

    _notes = field_validator("notes", mode="before")(clean_text)
    _figures_flag = field_validator("figures_flag", mode="before")(clean_text)

    @field_validator("fatalities")
    @classmethod
    def _ordered_unless_published(
        cls, value: Fatalities, info: ValidationInfo
    ) -> Fatalities:
        # Figures typed by hand must be in order; a dataset's published figures
        # that are not come flagged by their importer, and are kept as published.
        reason = value.out_of_order()
        if reason is not None and not info.data.get("figures_flag"):
            raise ValueError(reason)
        return value

    @field_validator("event_type", mode="before")
    @classmethod
    def _known_type(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        name = value.strip().upper()
        if name not in taxonomy.event_types():
            known = ", ".join(taxonomy.event_types())
            raise ValueError(
                f"unknown PLOVER event type {value!r}; expected one of {known}"
            )
        return name

    @field_validator("mode", mode="before")
    @classmethod
    def _mode_text(cls, value: Any) -> Any:
        return clean_text(value.lower()) if isinstance(value, str) else value

    @field_validator("contexts")
    @classmethod
    def _known_contexts(cls, values: list[str]) -> list[str]:
        cleaned = sorted({v.strip().lower() for v in values if v.strip()})
        unknown = [v for v in cleaned if v not in taxonomy.contexts()]
        if unknown:
            raise ValueError(f"unknown PLOVER context(s): {', '.join(unknown)}")
        return cleaned

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, values: list[str]) -> list[str]:
        return sorted({v.strip() for v in values if v.strip()})

    # Rules across fields are checked on the later field, not after the whole model:
    # pydantic runs a model's "after" check only when every field passed, and stops
    # at its first error, so a form with several mistakes would learn of them one
    # save at a time. Each check here reads the earlier fields that passed
    # (`info.data`) and skips a rule whose other field is itself refused.

    @field_validator("mode")
    @classmethod
    def _mode_of_type(cls, value: str | None, info: ValidationInfo) -> str | None:
        event_type = info.data.get("event_type")
        if value is not None and event_type is not None:
            if not taxonomy.is_valid_mode(event_type, value):
                valid = ", ".join(taxonomy.modes_for(event_type)) or "none"
                raise ValueError(
                    f"mode {value!r} is not valid for {event_type}; "
                    f"valid modes: {valid}"
                )
        return value

    @field_validator("acled_event_type")
    @classmethod
    def _known_acled_type(cls, value: str | None) -> str | None:
        if value is not None and value not in taxonomy.acled_event_types():
            known = ", ".join(taxonomy.acled_event_types())
            raise ValueError(
                f"unknown ACLED event type {value!r}; expected one of {known}"
            )
        return value

    @field_validator("acled_sub_event_type", mode="after")
    @classmethod
    def _acled_pair(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "acled_event_type" not in info.data:  # refused itself: said there
            return value
        event_type = info.data["acled_event_type"]
        if (event_type is None) != (value is None):
            raise ValueError("acled_event_type and acled_sub_event_type go together")
        subs = taxonomy.acled_event_types().get(event_type or "", ())
        if value is not None and value not in subs:
            raise ValueError(
                f"unknown ACLED pair {event_type!r} / {value!r}; the sub-event "
                f"types of {event_type} are {', '.join(subs)}"
            )
        return value

    @field_validator("date_end")
    @classmethod
    def _end_not_before_start(
        cls, value: dt.date | None, info: ValidationInfo
    ) -> dt.date | None:
        start = info.data.get("date_start")
        if value is not None and start is not None and value < start:
            raise ValueError(
                f"date_end ({value}) must not be before date_start ({start})"
            )
        return value

    @field_validator("civilians_killed", "children_killed")
    @classmethod
    def _within_fatalities(cls, value: int | None, info: ValidationInfo) -> int | None:
        figures = info.data.get("fatalities")
        ceiling = figures.most() if figures is not None else None
        if value is not None and ceiling is not None and value > ceiling:
            raise ValueError(
                f"{info.field_name} ({value}) exceeds the fatalities given ({ceiling})"
            )
        return value

    @field_validator("external_id")
    @classmethod
    def _external_id_with_dataset(
        cls, value: str | None, info: ValidationInfo
    ) -> str | None:
        # A refused dataset is said on its own field; only a missing one here.
        if value and "dataset" in info.data and not info.data["dataset"]:
            raise ValueError("external_id needs the dataset it comes from")
        return value


# Keys of an exported record that are derived or assigned by the database: accepted on
# input (so an export can be fed back) and ignored.
READ_ONLY_RECORD_KEYS = frozenset(
    {"id", "quad_class", "score", "created_at", "updated_at", "version", "country"}
)


class EventRecord(BaseModel):
    """Output: one event as exported (JSON Lines) and shown.

    It is the input shape plus ids."""

    id: int
    title: str
    notes: str | None
    event_type: str
    mode: str | None
    contexts: list[str]
    quad_class: int
    score: float
    acled_event_type: str | None
    acled_sub_event_type: str | None
    date_start: dt.date
    date_end: dt.date | None
    date_precision: str
    location: dict[str, Any] | None
    actors: list[dict[str, Any]]
    fatalities: dict[str, int | None]
    civilians_killed: int | None
    children_killed: int | None
    injured: int | None
    status: str
    confidence: float | None
    tags: list[str]
    sources: list[dict[str, Any]]
    links: list[dict[str, Any]]
    dataset: str | None
    external_id: str | None
    figures_flag: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    # The row it was imported from, verbatim (`SourceRecord`), when it was.
    source_record: dict[str, Any] | None = None


# --- Articles under review ------------------------------------------------------------


class StoredArticle(SQLModel, table=True):
    """Table: an article extraction read, kept to review its proposals beside it.

    `article_key` is `tracker.extraction.proposals.Article.key()`, the prefix of its
    proposals' external ids; `spans` maps each proposal's external id to the
    [start, end) offsets of its evidence in `text`, so the page can highlight them."""

    __tablename__ = "article"

    id: int | None = Field(default=None, primary_key=True)
    article_key: str = Field(sa_type=String(64), unique=True)
    url: str | None = Field(default=None, sa_type=String(2000))
    title: str | None = Field(default=None, sa_type=String(500))
    publisher: str | None = Field(default=None, sa_type=String(200))
    published: dt.date
    text: str = Field(sa_type=Text)
    spans: dict[str, list[list[int]]] = Field(
        default_factory=dict, sa_column=Column(JSONList, nullable=False)
    )
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


# --- Duplicate candidates -------------------------------------------------------------


class DuplicateStatus(StrEnum):
    """Where an analyst's decision on a possible duplicate stands."""

    OPEN = "open"
    DISMISSED = "dismissed"
    MERGED = "merged"


class DuplicateCandidate(SQLModel, table=True):
    """Table: two events of different datasets that may record the same happening.

    Flagged by `tracker.matching.duplicates`, decided by an analyst (merged or
    dismissed), never merged silently. The pair is stored once, lower id first."""

    __tablename__ = "duplicate_candidate"
    __table_args__ = (
        UniqueConstraint("event_id", "other_id"),
        CheckConstraint("event_id < other_id", name="ordered_pair"),
        # The queue reads open candidates likeliest first: walked backwards, this
        # index gives them in that order without sorting them all (issue 14).
        Index("ix_duplicate_candidate_queue", "status", "score", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Looked up through the unique (event_id, other_id) index, so no index of its own.
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    other_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    score: float  # 0..1, higher is more alike
    reasons: str = Field(sa_type=Text)  # why they look alike, in words
    status: str = Field(
        default=DuplicateStatus.OPEN.value, sa_type=String(16), index=True
    )
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- Accounts and edit history ------------------------------------------------------


class Role(StrEnum):
    """What an account may do: viewers read, editors write events, admins also manage
    accounts and purge."""

    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """Table: an account of the dashboard, with a standard password hash."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(64), unique=True)
    password_hash: str = Field(sa_type=String(256))
    role: str = Field(sa_type=String(16), default=Role.VIEWER.value)
    active: bool = True
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class ChangeAction(StrEnum):
    """What kind of write a history entry records."""

    CREATE = "create"
    IMPORT = "import"
    UPDATE = "update"
    RETRACT = "retract"
    REVERT = "revert"
    MERGE = "merge"
    ACCEPT = "accept"
    REJECT = "reject"
    PURGE = "purge"
    # Judged not a duplicate of another event: a note in the event's history at its
    # current version, not a new version (the event itself did not change).
    DISMISS = "dismiss"


class EventChange(SQLModel, table=True):
    """Table: one write to one event: who, when, through what, and each field's
    value before and after.

    `event_id` is not a foreign key, so the record of a purge outlives the event.
    `changes` maps a field of the event's record to [before, after]; a created event
    has none (its first version is what the later changes started from)."""

    __tablename__ = "event_change"
    __table_args__ = (Index("ix_event_change_event_id_version", "event_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    version: int  # the event's version after this write
    action: str = Field(sa_type=String(16))
    username: str = Field(sa_type=String(64))
    via: str | None = Field(default=None, sa_type=String(500))  # form, command, file
    at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    changes: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONList))


# --- API tokens (issue 15) -----------------------------------------------------------

TOKEN_NAME_LENGTH = 120


class ApiToken(SQLModel, table=True):
    """Table: a secret a script sends as `Authorization: Bearer`, acting as one
    account with that account's role as it is now.

    Only `secret_hash` (SHA-256 of the secret) is kept: the secret is shown once,
    when made. `prefix` is the secret's first characters, so a person can tell their
    tokens apart in a listing without the table holding anything usable."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    name: str | None = Field(default=None, sa_type=String(TOKEN_NAME_LENGTH))
    prefix: str = Field(sa_type=String(16))
    secret_hash: str = Field(sa_type=String(64), unique=True)
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- Saved views and annotations (issue 14) -----------------------------------------

VIEW_NAME_LENGTH = 120
VIEW_QUERY_LENGTH = 4000
ANNOTATION_LABEL_LENGTH = 120


class SavedView(SQLModel, table=True):
    """Table: a page with its query string (filter and page settings), named and
    kept by its owner, for themself or shared with the team."""

    __tablename__ = "saved_view"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(VIEW_NAME_LENGTH))
    page: str = Field(sa_type=String(200))  # a path of the dashboard: "/summary"
    query: str = Field(default="", sa_type=Text)  # without its "?"
    note: str | None = Field(default=None, sa_type=Text)
    # A username, not a foreign key: as in history, who made it outlives the account.
    owner: str = Field(sa_type=String(64), index=True)
    shared: bool = False
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class SavedViewCreate(InputModel):
    """Input: a view to save, as the dashboard's "Save view" form sends it."""

    name: str
    page: str
    query: str = ""
    note: str | None = None
    shared: bool = False

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: Any) -> Any:
        value = clean_text(value)
        if value is None:
            raise ValueError("give the view a name")
        if isinstance(value, str) and len(value) > VIEW_NAME_LENGTH:
            raise ValueError(f"at most {VIEW_NAME_LENGTH} characters")
        return value

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> Any:
        return clean_text(value)

    @field_validator("page")
    @classmethod
    def _page(cls, value: str) -> str:
        # The permalink redirects here: only a path of this site, never another host.
        parts = urlsplit(value)
        local = (
            value.startswith("/")
            and not value.startswith("//")
            and "\\" not in value
            and not parts.scheme
            and not parts.netloc
            and not parts.query
            and len(value) <= 200
        )
        if not local:
            raise ValueError("must be a page of the dashboard, such as /summary")
        return value

    @field_validator("query", mode="before")
    @classmethod
    def _query(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().removeprefix("?")
            if len(value) > VIEW_QUERY_LENGTH:
                raise ValueError(f"at most {VIEW_QUERY_LENGTH} characters")
        return value


class Annotation(SQLModel, table=True):
    """Table: a key date (or span) pinned on the timeline for everyone, such as
    "Istanbul talks", optionally naming the event it stands for."""

    __tablename__ = "annotation"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(sa_type=String(ANNOTATION_LABEL_LENGTH))
    starts: dt.date = Field(index=True)
    ends: dt.date | None = None  # None: a single day
    # Not a foreign key: a pin stays on the timeline when its event is purged.
    event_id: int | None = None
    created_by: str = Field(sa_type=String(64))
    created_at: dt.datetime = Field(default_factory=utc_now, sa_type=UTCDateTime)


class AnnotationCreate(InputModel):
    """Input: a date or span to pin, with its label."""

    label: str
    starts: dt.date
    ends: dt.date | None = None
    event_id: int | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _label(cls, value: Any) -> Any:
        value = clean_text(value)
        if value is None:
            raise ValueError("give the annotation a label")
        if isinstance(value, str) and len(value) > ANNOTATION_LABEL_LENGTH:
            raise ValueError(f"at most {ANNOTATION_LABEL_LENGTH} characters")
        return value

    @field_validator("ends", "event_id", mode="before")
    @classmethod
    def _optional(cls, value: Any) -> Any:
        return clean_text(value)

    @field_validator("event_id")
    @classmethod
    def _event_id(cls, value: int | None) -> int | None:
        if value is not None and value < 1:
            raise ValueError("must be the number of an event")
        return value

    @field_validator("ends")
    @classmethod
    def _span(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        starts = info.data.get("starts")
        if value is not None and starts is not None and value < starts:
            raise ValueError("must be on or after the start date")
        return None if value == starts else value


# --- Validated events as plain rows, for bulk imports (issue 19) --------------------

# The event table's columns a `NewEvent` gives, in its `values` order; the writer adds
# the place's id, the times and the version.
NEW_EVENT_COLUMNS = (
    "title",
    "notes",
    "event_type",
    "mode",
    "contexts",
    "quad_class",
    "score",
    "acled_event_type",
    "acled_sub_event_type",
    "date_start",
    "date_end",
    "date_precision",
    "fatalities_low",
    "fatalities_best",
    "fatalities_high",
    "civilians_killed",
    "children_killed",
    "injured",
    "status",
    "confidence",
    "tags",
    "dataset",
    "external_id",
    "figures_flag",
    "content_hash",
)


# A place as a bulk import writes it: registry key, name, country, admin1, admin2,
# latitude, longitude, precision.
Place = tuple[
    str, str, str | None, str | None, str | None, float | None, float | None, str
]


class NewEvent(NamedTuple):
    """One validated event as the rows a bulk import writes: what `EventCreate` and
    `tracker.store.event_rows.event_values` make of a record, without a model.

    `place`: (registry key, name, country, admin1, admin2, latitude, longitude,
    precision);
    `actors`: (name as given, role, kind, country) each; `sources`: (url, publisher,
    title, published, quote) each; `record`: (format, columns, cells) of the source
    record, the cells as JSON text."""

    line: int
    values: tuple[Any, ...]  # NEW_EVENT_COLUMNS
    place: Place | None
    actors: tuple[tuple[str, str, str | None, str | None], ...]
    sources: tuple[tuple[Any, ...], ...]
    record: tuple[str, list[str], str] | None

    @property
    def key(self) -> tuple[str, str]:
        """(dataset, external id)."""
        return self.values[21], self.values[22]

    @property
    def content_hash(self) -> str:
        return self.values[24]


def new_event(data: EventCreate, line: int, digest: str) -> NewEvent:
    """`data` as a `NewEvent`, its content hash `digest`."""
    location = data.location
    place = (
        (
            location.key(),
            location.name,
            location.country,
            location.admin1,
            location.admin2,
            location.latitude,
            location.longitude,
            location.geo_precision.value,
        )
        if location is not None
        else None
    )
    record = data.source_record
    return NewEvent(
        line=line,
        values=(
            data.title,
            data.notes,
            data.event_type,
            data.mode,
            data.contexts,
            taxonomy.quad_class(data.event_type),
            taxonomy.score(data.event_type, data.mode),
            data.acled_event_type,
            data.acled_sub_event_type,
            data.date_start,
            data.date_end,
            data.date_precision.value,
            data.fatalities.low,
            data.fatalities.best,
            data.fatalities.high,
            data.civilians_killed,
            data.children_killed,
            data.injured,
            data.status.value,
            data.confidence,
            data.tags,
            data.dataset,
            data.external_id,
            data.figures_flag,
            digest,
        ),
        place=place,
        actors=tuple(
            (a.name, a.role.value, a.kind.value if a.kind else None, a.country)
            for a in data.actors
        ),
        sources=tuple(
            (s.url, s.publisher, s.title, s.published, s.quote) for s in data.sources
        ),
        record=(
            (record.format, record.columns, json.dumps(record.cells, sort_keys=True))
            if record is not None
            else None
        ),
    )
