"""Find where a sentence places an event: a town in the gazetteer, a region, a country.

Towns are looked up in the offline gazetteer (`tracker.vocab.gazetteer.find_places`) by
runs of capitalised words that are not actor names; a country named after "in"/"into"
gives country precision at the country's point from countries.toml; fronts and border
regions ("Ukraine's eastern front") are named but get no coordinates, because any
point would be invented.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib.resources import files

from tracker.extraction.actors import ActorMention, Country
from tracker.extraction.proposals import ProposedPlace
from tracker.extraction.sentences import Token
from tracker.models import GeoPrecision
from tracker.vocab.gazetteer import Place, find_places, normalise_name

# Words before a place name that say "this is where it happened".
LOCATIVE = frozenset(
    "in at near outside inside into across throughout around from over on of".split()
)
# Capitalised words that name towns somewhere but, in news prose, are something else.
NOT_PLACES = frozenset(
    """the a an on in at of and or but for to from by with after before since while as
    however earlier later this that these those it its he she they we president prime
    minister foreign general secretary king queen pope army police state national
    january february march april may june july august september october november
    december monday tuesday wednesday thursday friday saturday sunday news other
    north south east west central eastern western northern southern mon tue wed thu fri
    sat sun""".split()
)
MAX_NAME_WORDS = 3
# "into Ukraine" places an event; "sanctions on Russia" does not.
COUNTRY_LOCATIVE = frozenset({"in", "into", "inside", "across", "throughout"})


@cache
def regions() -> tuple[tuple[str, ...], ...]:
    """Region phrases of countries.toml as token tuples, longest first."""
    text = (files("tracker") / "data" / "extraction" / "countries.toml").read_text(
        "utf-8"
    )
    phrases = tomllib.loads(text)["regions"]
    return tuple(sorted((tuple(p.split()) for p in phrases), key=len, reverse=True))


def _candidate_runs(tokens: Sequence[Token], taken: set[int]) -> list[tuple[int, int]]:
    """Runs of capitalised words outside actor mentions, as (first, end) positions."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if i in taken or not t.text[:1].isupper() or t.lower in NOT_PLACES:
            i += 1
            continue
        j = i
        while (
            j < len(tokens)
            and j - i < MAX_NAME_WORDS
            and j not in taken
            and tokens[j].text[:1].isupper()
            and tokens[j].text.replace("-", "").isalpha()
        ):
            j += 1
        if j > i:
            runs.append((i, j))
        i = max(j, i + 1)
    return runs


def _best(name: str, hits: list[Place], countries: set[str]) -> Place | None:
    """Prefer a town in a country the article names; then the gazetteer's order.

    A town found only by an alternate name must be in such a country: GeoNames lists
    "Ukraine" among the alternate names of a Spanish village."""
    own = [p for p in hits if normalise_name(p.name) == normalise_name(name)]
    in_context = [p for p in hits if p.country_iso3 in countries]
    own_in_context = [p for p in own if p.country_iso3 in countries]
    return next(iter(own_in_context or in_context or own), None)


def find_town(
    tokens: Sequence[Token],
    mentions: Sequence[ActorMention],
    countries: set[str],
    near: int = 0,
) -> ProposedPlace | None:
    """The town the sentence names nearest after token `near` (else before it)."""
    # "in Kyiv" is the town even though "Kyiv" also names Ukraine's government.
    taken = {
        i
        for m in mentions
        if m.form != "named"
        or not (m.first > 0 and tokens[m.first - 1].lower in LOCATIVE - {"of", "from"})
        for i in range(m.first, m.last)
    }
    runs = _candidate_runs(tokens, taken)
    runs = [r for r in runs if r[0] >= near] + [
        r for r in reversed(runs) if r[0] < near
    ]
    for first, end in runs:
        # The longest name first: "Kryvyi Rih" before "Kryvyi".
        for stop in range(end, first, -1):
            name = " ".join(t.text for t in tokens[first:stop])
            place = _best(name, find_places(name), countries)
            if place is None:
                continue
            if first == 0 and place.country_iso3 not in countries:
                continue  # a capitalised first word is too often not a place
            return ProposedPlace(
                name=place.name,
                country=place.country_iso3,
                admin1=place.admin1_name,
                latitude=place.latitude,
                longitude=place.longitude,
                geo_precision=GeoPrecision.EXACT,
            )
    return None


def find_region(
    tokens: Sequence[Token], mentions: Sequence[ActorMention]
) -> ProposedPlace | None:
    """A front or border region, in the country named just before it."""
    lowers = [t.lower for t in tokens]
    for phrase in regions():
        for i in range(len(lowers) - len(phrase) + 1):
            if tuple(lowers[i : i + len(phrase)]) != phrase:
                continue
            before = [m for m in mentions if m.last <= i and m.country is not None]
            country = before[-1].country if before else None
            return ProposedPlace(
                name=" ".join(phrase).capitalize(),
                country=country.iso3 if country else None,
                geo_precision=GeoPrecision.COUNTRY,
            )
    return None


def country_place(country: Country) -> ProposedPlace:
    """A country as a place: its representative point, country precision."""
    return ProposedPlace(
        name=country.name,
        country=country.iso3,
        latitude=country.latitude,
        longitude=country.longitude,
        geo_precision=GeoPrecision.COUNTRY,
    )


def find_country_place(
    tokens: Sequence[Token], mentions: Sequence[ActorMention]
) -> ProposedPlace | None:
    """A country named after a locative word ("deeper into Ukraine")."""
    for m in mentions:
        if m.form == "country" and m.first > 0 and m.country is not None:
            if tokens[m.first - 1].lower in COUNTRY_LOCATIVE:
                return country_place(m.country)
    return None


def find_place(
    tokens: Sequence[Token],
    mentions: Sequence[ActorMention],
    countries: set[str],
    near: int = 0,
) -> ProposedPlace | None:
    """The most precise place the sentence gives: town, then region, then country.

    `near` is the trigger's position: of two towns, the one after it is the event's."""
    return (
        find_town(tokens, mentions, countries, near)
        or find_region(tokens, mentions)
        or find_country_place(tokens, mentions)
    )
