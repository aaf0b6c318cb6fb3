"""An event while it is being read, how two reports of one event merge, and its title.

A `Draft` gathers what the sentences say about one event; `can_merge` decides whether
a later sentence reports the same event (same type, dates that fit, no contradicting
actor, place or count), and `to_proposal` turns the finished draft into the
`ProposedEvent` extraction returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tracker.extraction.actors import country_by_iso3
from tracker.extraction.classify import rules
from tracker.extraction.proposals import (
    Evidence,
    ProposedActor,
    ProposedEvent,
    ProposedPlace,
)
from tracker.models import DatePrecision, GeoPrecision

MERGE_BONUS = 0.05


@dataclass
class Draft:
    """One proposed event as the sentences build it up."""

    event_type: str
    mode: str | None
    date_start: dt.date
    date_end: dt.date
    precision: DatePrecision
    explicit_date: bool
    evidence: list[Evidence]
    actors: list[ProposedActor] = field(default_factory=list)
    place: ProposedPlace | None = None
    contexts: list[str] = field(default_factory=list)
    killed: int | None = None
    killed_qualifier: str | None = None
    injured: int | None = None
    civilians_killed: int | None = None
    children_killed: int | None = None
    attributed_to: str | None = None
    confidence: float = 0.5
    heading: bool = False
    acled: tuple[str, str] | None = None
    caveat: str | None = None  # why a reviewer should doubt it
    # The trigger's own clause, when its sentence reports other events too: what the
    # learned model types ("shelled Kharkiv" / "shot down three drones").
    clause: str | None = None

    def role_names(self, role: str) -> set[str]:
        """Names of the actors in `role` (initiator and participant count as one)."""
        roles = {"initiator", "participant"} if role == "initiator" else {role}
        return {a.name for a in self.actors if a.role in roles}

    def role_countries(self, role: str) -> set[str]:
        """Countries of the actors in `role`."""
        roles = {"initiator", "participant"} if role == "initiator" else {role}
        return {a.country for a in self.actors if a.role in roles and a.country}


def _within(inner: Draft, outer: Draft) -> bool:
    return outer.date_start <= inner.date_start and inner.date_end <= outer.date_end


def _dates_fit(a: Draft, b: Draft) -> bool:
    """Equal dates, or a carried date inside the date a sentence gives of its own.

    An explicit narrower date ("this weekend") in a later sentence is another event
    than the month-long campaign told before it."""
    if (a.date_start, a.date_end) == (b.date_start, b.date_end):
        return True
    if b.explicit_date and not a.explicit_date:
        return _within(a, b)
    if a.explicit_date and not b.explicit_date:
        return _within(b, a)
    return False


def _roles_fit(a: Draft, b: Draft) -> bool:
    for role in ("initiator", "target"):
        names_a, names_b = a.role_names(role), b.role_names(role)
        if names_a and names_b and not names_a & names_b:
            countries_a, countries_b = a.role_countries(role), b.role_countries(role)
            if not (countries_a & countries_b):
                return False
    return True


def _places_fit(a: ProposedPlace | None, b: ProposedPlace | None) -> bool:
    if a is None or b is None or a.name == b.name:
        return True
    coarse = GeoPrecision.COUNTRY in (a.geo_precision, b.geo_precision)
    both_located = None not in (a.latitude, b.latitude)
    return coarse and a.country == b.country and both_located


def can_merge(a: Draft, b: Draft, *, ignore_dates: bool = False) -> bool:
    """Whether `b` reports the same event as `a`."""
    if a.event_type != b.event_type:
        return False
    if a.killed is not None and b.killed is not None and a.killed != b.killed:
        return False
    if not ignore_dates and not _dates_fit(a, b):
        return False
    return _roles_fit(a, b) and _places_fit(a.place, b.place)


def merge(a: Draft, b: Draft) -> None:
    """Fold `b` into `a`: its evidence, and whatever `a` did not know yet."""
    a.evidence.extend(e for e in b.evidence if e not in a.evidence)
    if b.explicit_date and not a.explicit_date:
        a.date_start, a.date_end = b.date_start, b.date_end
        a.precision, a.explicit_date = b.precision, True
    a.mode = a.mode or b.mode
    known = {(x.name, x.role) for x in a.actors}
    names = {x.name for x in a.actors}
    for actor in b.actors:
        if (actor.name, actor.role) not in known and actor.name not in names:
            a.actors.append(actor)
    if a.place is None or (
        b.place is not None
        and a.place.geo_precision == GeoPrecision.COUNTRY
        and b.place.geo_precision != GeoPrecision.COUNTRY
    ):
        a.place = b.place or a.place
    for name in (
        "killed",
        "killed_qualifier",
        "injured",
        "civilians_killed",
        "children_killed",
    ):
        if getattr(a, name) is None:
            setattr(a, name, getattr(b, name))
    a.contexts = list(dict.fromkeys([*a.contexts, *b.contexts]))
    a.attributed_to = a.attributed_to or b.attributed_to
    a.confidence = min(0.95, max(a.confidence, b.confidence) + MERGE_BONUS)
    a.heading = a.heading and b.heading


def short_name(actor: ProposedActor) -> str:
    """How a title names an actor: a government by its country ("Russia")."""
    country = country_by_iso3(actor.country or "")
    if country is not None and actor.name.startswith("Government of"):
        return country.name
    return actor.name


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def title_of(draft: Draft) -> str:
    """A short human title: "Donald Trump accuses Vladimir Putin"."""
    one, many, noun = rules().titles[draft.event_type]
    subjects = [
        short_name(a) for a in draft.actors if a.role in ("initiator", "participant")
    ]
    objects = [short_name(a) for a in draft.actors if a.role == "target"]
    where = f" in {draft.place.name}" if draft.place else ""
    if subjects and draft.event_type == "CONSULT" and len(subjects) > 1 and not objects:
        return f"{_join(subjects)} {many}{where}"
    if subjects:
        verb = one if len(subjects) == 1 else many
        if objects:
            return f"{_join(subjects)} {verb} {_join(objects)}{where}".strip()
        verb = verb.removesuffix(" with").removesuffix(" from").removesuffix(" to")
        verb = verb.removesuffix(" against")
        return f"{_join(subjects)} {verb}{where}"
    against = f" against {_join(objects)}" if objects else ""
    return f"{noun}{against}{where}"


def to_proposal(draft: Draft) -> ProposedEvent:
    """The finished draft as the proposal extraction returns."""
    main = draft.evidence[0]
    acled_type, acled_sub = draft.acled or (None, None)
    return ProposedEvent(
        title=title_of(draft)[:300],
        event_type=draft.event_type,
        mode=draft.mode,
        contexts=draft.contexts,
        acled_event_type=acled_type,
        acled_sub_event_type=acled_sub,
        date_start=draft.date_start,
        date_end=draft.date_end,
        date_precision=draft.precision,
        actors=draft.actors,
        location=draft.place,
        fatalities=draft.killed,
        fatalities_qualifier=draft.killed_qualifier,  # type: ignore[arg-type]
        civilians_killed=draft.civilians_killed,
        children_killed=draft.children_killed,
        injured=draft.injured,
        quote=main.quote,
        start=main.start,
        end=main.end,
        evidence=draft.evidence,
        attributed_to=draft.attributed_to,
        confidence=round(draft.confidence, 2),
        caveat=draft.caveat,
    )
