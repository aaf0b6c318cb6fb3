"""What extraction proposes: unconfirmed events, and the article they rest on.

A `ProposedEvent` carries everything `tracker extract --json` prints (the issue's
keys) plus the evidence needed to review it; `to_event_create` turns it into the
record shape the store takes: a `proposed` event citing the article and the quote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tracker.models import (
    ActorRef,
    DatePrecision,
    EventCreate,
    EventStatus,
    Fatalities,
    GeoPrecision,
    LocationIn,
    SourceIn,
)

# Events saved from extraction belong to this dataset; their external id is stable for
# one article, so saving the same article twice updates instead of duplicating.
EXTRACTION_DATASET = "extraction"
EXTRACTION_TAG = "extracted"

FatalityQualifier = Literal["exact", "at_least", "about", "up_to"]


@dataclass(frozen=True)
class Article:
    """The text extraction reads, with what is known of where it was published."""

    text: str
    published: dt.date
    url: str | None = None
    title: str | None = None
    publisher: str | None = None

    def key(self) -> str:
        """A short stable identity: the URL when there is one, else the text itself."""
        basis = self.url or self.text
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]

    def source_title(self) -> str:
        """The title a source is known by: the given one, else the first line."""
        if self.title:
            return self.title
        lines = (line.strip() for line in self.text.splitlines())
        first_line = next((line for line in lines if line), "")
        return (first_line or f"Article published {self.published}")[:500]

    def source(self, quote: str | None) -> SourceIn:
        """The article as the source of one event, with the sentence it rests on."""
        return SourceIn(
            url=self.url,
            publisher=self.publisher,
            title=self.source_title(),
            published=self.published,
            quote=quote[:5000] if quote else None,
        )


class Evidence(BaseModel):
    """One passage of the article an event rests on; `text[start:end] == quote`."""

    model_config = ConfigDict(extra="forbid")

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ProposedActor(BaseModel):
    """An actor named in the text, resolved to a registry name where one is known."""

    model_config = ConfigDict(extra="forbid")

    name: str
    role: Literal["initiator", "target", "participant", "mediator", "host"]
    kind: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-3


class ProposedPlace(BaseModel):
    """A place resolved in the offline gazetteer."""

    model_config = ConfigDict(extra="forbid")

    name: str
    country: str | None = None  # ISO 3166-1 alpha-3
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: GeoPrecision = GeoPrecision.EXACT


class ProposedEvent(BaseModel):
    """One event proposed from an article, waiting for an analyst."""

    model_config = ConfigDict(extra="forbid")

    title: str
    event_type: str
    mode: str | None = None
    contexts: list[str] = Field(default_factory=list)
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    date_start: dt.date
    date_end: dt.date | None = None
    date_precision: DatePrecision = DatePrecision.DAY
    actors: list[ProposedActor] = Field(default_factory=list)
    location: ProposedPlace | None = None
    fatalities: int | None = None
    fatalities_qualifier: FatalityQualifier | None = None
    civilians_killed: int | None = None
    children_killed: int | None = None
    injured: int | None = None
    # The main evidence sentence; `evidence` lists every passage merged into this event.
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    evidence: list[Evidence] = Field(default_factory=list)
    attributed_to: str | None = None  # who says so, when the text attributes the claim
    confidence: float = Field(ge=0, le=1)
    caveat: str | None = None  # why a reviewer should doubt it ("may not be ...")

    def as_json(self) -> dict[str, Any]:
        """The JSON object `tracker extract --json` prints for this proposal."""
        return self.model_dump(mode="json")

    def fatality_figures(self) -> Fatalities:
        """The death count as low / best / high, reading "at least" and "up to"."""
        n = self.fatalities
        if n is None:
            return Fatalities()
        if self.fatalities_qualifier == "at_least":
            return Fatalities(low=n, best=n)
        if self.fatalities_qualifier == "up_to":
            return Fatalities(best=n, high=n)
        return Fatalities(best=n)

    def to_event_create(self, article: Article, *, number: int) -> EventCreate:
        """The record a reviewer starts from: a `proposed` event citing the article.

        `number` tells proposals of one article apart in their external id."""
        location = None
        if self.location is not None:
            location = LocationIn(**self.location.model_dump())
        notes = f"Proposed by extraction (confidence {self.confidence:.2f})."
        if self.attributed_to:
            notes += f" Attributed to {self.attributed_to}."
        if self.caveat:
            notes += f" {self.caveat}"
        return EventCreate(
            title=self.title[:300],
            notes=notes,
            event_type=self.event_type,
            mode=self.mode,
            contexts=self.contexts,
            acled_event_type=self.acled_event_type,
            acled_sub_event_type=self.acled_sub_event_type,
            date_start=self.date_start,
            date_end=self.date_end,
            date_precision=self.date_precision,
            location=location,
            actors=[ActorRef(name=a.name, role=a.role) for a in self.actors],
            fatalities=self.fatality_figures(),
            civilians_killed=self.civilians_killed,
            children_killed=self.children_killed,
            injured=self.injured,
            status=EventStatus.PROPOSED,
            confidence=round(self.confidence, 2),
            tags=[EXTRACTION_TAG],
            sources=[article.source(self.quote)],
            dataset=EXTRACTION_DATASET,
            external_id=f"{article.key()}-{number:03d}",
        )


def proposals_to_events(
    proposals: list[ProposedEvent], article: Article
) -> list[EventCreate]:
    """Every proposal of one article as records to save, numbered in text order."""
    ordered = sorted(proposals, key=lambda p: (p.start, p.event_type))
    return [
        p.to_event_create(article, number=n) for n, p in enumerate(ordered, start=1)
    ]
