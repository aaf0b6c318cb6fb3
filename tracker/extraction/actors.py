"""Find the actors a sentence names: people, governments, forces, civilians, pronouns.

The vocabulary is `tracker/data/extraction/actors.toml` (named actors and how a country
mention becomes an actor) and `countries.toml` (names and demonyms); the database's
actor registry extends it when a session is given, so an analyst's new alias is found
the next time an article is read.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Literal

from sqlmodel import Session, select

from tracker.extraction.sentences import Token, tokenize
from tracker.models import Actor, ActorAlias

Form = Literal[
    "named", "country", "military", "civilian", "government", "people", "pronoun"
]


@dataclass(frozen=True)
class Country:
    """A country as extraction knows it (one row of countries.toml)."""

    iso3: str
    name: str
    of: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ActorMention:
    """Where a sentence names an actor, and what sort of mention it is.

    `form` says how to name it: a `named` actor has its registry `name`; a country
    mention (`country`) becomes its government or its forces depending on the event;
    a `pronoun` carries the pronoun kind ("person", "group" or "pair") in `name`."""

    name: str
    form: Form
    first: int  # token positions in the sentence, end exclusive
    last: int
    kind: str | None = None
    country: Country | None = None


@dataclass
class ActorVocabulary:
    """Alias token sequences -> what they mean, indexed by their first token."""

    entries: dict[str, list[tuple[tuple[str, ...], ActorMention]]] = field(
        default_factory=dict
    )
    templates: dict[str, str] = field(default_factory=dict)
    nouns: dict[tuple[str, ...], Form] = field(default_factory=dict)

    def add(self, alias: str, mention: ActorMention) -> None:
        """Add one alias; longer aliases are tried first."""
        words = tuple(t.text for t in tokenize(alias))
        if not words:
            return
        bucket = self.entries.setdefault(words[0].lower(), [])
        bucket.append((words, mention))
        bucket.sort(key=lambda item: -len(item[0]))

    def actor_name(self, form: Form, country: Country) -> str:
        """The actor a country mention stands for, e.g. "Military Forces of Russia"."""
        template = self.templates[form]
        return template.format(name=country.of if "of {" in template else country.name)


def _data(name: str) -> dict[str, Any]:
    text = (files("tracker") / "data" / "extraction" / name).read_text("utf-8")
    return tomllib.loads(text)


@cache
def countries() -> tuple[Country, ...]:
    """The countries of countries.toml."""
    return tuple(
        Country(
            row["iso3"],
            row["name"],
            row.get("of", row["name"]),
            row["latitude"],
            row["longitude"],
        )
        for row in _data("countries.toml")["countries"]
    )


@cache
def country_by_iso3(iso3: str) -> Country | None:
    """The country with this ISO3 code, if countries.toml has it."""
    return next((c for c in countries() if c.iso3 == iso3), None)


@cache
def pronoun_kinds() -> dict[tuple[str, ...], str]:
    """Pronoun token sequences -> "person", "group" or "pair"."""
    kinds = {}
    for kind, words in _data("actors.toml")["pronouns"].items():
        for word in words:
            kinds[tuple(word.lower().split())] = kind
    return kinds


@cache
def _base_vocabulary() -> ActorVocabulary:
    data = _data("actors.toml")
    vocab = ActorVocabulary()
    settings = data["country_actors"]
    vocab.templates = {
        "government": settings["government_template"],
        "country": settings["government_template"],
        "military": settings["military_template"],
        "civilian": settings["civilian_template"],
        "people": settings["civilian_template"],
    }
    for form in ("military", "civilian", "government"):
        for noun in settings[form]:
            vocab.nouns[tuple(noun.lower().split())] = form
    for row in data["actors"]:
        mention = ActorMention(
            row["name"],
            "named",
            0,
            0,
            row["kind"],
            country_by_iso3(row.get("country", "")),
        )
        for alias in {row["name"], *row["aliases"]}:
            vocab.add(alias, mention)
    for raw, country in zip(
        _data("countries.toml")["countries"], countries(), strict=True
    ):
        for word in raw["names"]:
            vocab.add(
                word, ActorMention(country.name, "country", 0, 0, "state", country)
            )
        for word in raw["adjective"]:
            vocab.add(
                word, ActorMention(country.name, "country", 0, 0, "state", country)
            )
        for word in raw["people"]:
            vocab.add(
                word, ActorMention(country.name, "people", 0, 0, "civilians", country)
            )
    return vocab


def load_vocabulary(session: Session | None = None) -> ActorVocabulary:
    """The data-file vocabulary, extended by the registry's actors and aliases."""
    base = _base_vocabulary()
    if session is None:
        return base
    vocab = ActorVocabulary(
        {k: list(v) for k, v in base.entries.items()}, base.templates, base.nouns
    )
    actors = {a.id: a for a in session.exec(select(Actor)).all()}
    aliases = session.exec(select(ActorAlias)).all()
    pairs: Iterable[tuple[str, Actor]] = [
        *((a.name, a) for a in actors.values()),
        *(
            (row.alias, actors[row.actor_id])
            for row in aliases
            if row.actor_id in actors
        ),
    ]
    for alias, actor in pairs:
        country = country_by_iso3(actor.country or "")
        vocab.add(alias, ActorMention(actor.name, "named", 0, 0, actor.kind, country))
    return vocab


def _matches(words: Sequence[str], tokens: Sequence[Token], at: int) -> bool:
    if at + len(words) > len(tokens):
        return False
    for word, token in zip(words, tokens[at:], strict=False):
        # A capitalised alias word matches only that spelling ("Trump", not "trump").
        same = token.text == word if word != word.lower() else token.lower == word
        if not same:
            return False
    return True


def _following_noun(
    vocab: ActorVocabulary, tokens: Sequence[Token], at: int
) -> tuple[Form, int] | None:
    """A military/civilian/government noun at `at` or one word later."""
    for skip in (0, 1):
        for words, form in vocab.nouns.items():
            start = at + skip
            if tuple(t.lower for t in tokens[start : start + len(words)]) == words:
                return form, start + len(words)
    return None


def find_actors(tokens: Sequence[Token], vocab: ActorVocabulary) -> list[ActorMention]:
    """Every actor mention in a sentence's tokens, longest alias first."""
    found: list[ActorMention] = []
    pronouns = pronoun_kinds()
    i = 0
    while i < len(tokens):
        mention = _mention_at(vocab, pronouns, tokens, i)
        if mention is None:
            i += 1
            continue
        found.append(mention)
        i = mention.last
    return found


def _mention_at(
    vocab: ActorVocabulary,
    pronouns: dict[tuple[str, ...], str],
    tokens: Sequence[Token],
    i: int,
) -> ActorMention | None:
    for words, kind in sorted(pronouns.items(), key=lambda item: -len(item[0])):
        if tuple(t.lower for t in tokens[i : i + len(words)]) == words:
            return ActorMention(kind, "pronoun", i, i + len(words))
    for words, entry in vocab.entries.get(tokens[i].lower, ()):
        if not _matches(words, tokens, i):
            continue
        end = i + len(words)
        if entry.form == "country" and end < len(tokens):
            end += 1 if tokens[end].text in ("'s", "’s") else 0
            noun = _following_noun(vocab, tokens, end)
            if noun is not None:
                form, end = noun
                name = vocab.actor_name(form, entry.country)  # type: ignore[arg-type]
                kind = {"military": "military", "civilian": "civilians"}.get(
                    form, "government"
                )
                return ActorMention(name, form, i, end, kind, entry.country)
        return ActorMention(entry.name, entry.form, i, end, entry.kind, entry.country)
    return None
