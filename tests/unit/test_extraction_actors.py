"""Actor mentions: aliases, country mentions, pronouns, and the registry's aliases."""

from __future__ import annotations

from sqlmodel import Session

from tracker.extraction.actors import find_actors, load_vocabulary
from tracker.extraction.roles import ArticleMemory, resolve_mentions
from tracker.extraction.sentences import tokenize
from tracker.models import Actor, ActorAlias


def names(text: str, session=None) -> list[tuple[str, str]]:
    mentions = find_actors(tokenize(text), load_vocabulary(session))
    return [(m.name, m.form) for m in mentions]


def test_find_actors_aliases_resolve_to_registry_names():
    assert names("The Kremlin said Putin spoke to Zelensky and Erdogan.") == [
        ("Government of Russia", "named"),
        ("Vladimir Putin", "named"),
        ("Volodymyr Zelensky", "named"),
        ("Recep Tayyip Erdogan", "named"),
    ]


def test_find_actors_capitalised_alias_does_not_match_a_common_word():
    assert names("Aid will trump politics.") == []


def test_find_actors_country_with_a_noun_names_forces_civilians_or_government():
    assert names("Russian forces struck Ukrainian cities; Turkish officials met.") == [
        ("Military Forces of Russia", "military"),
        ("Civilians (Ukraine)", "civilian"),
        ("Government of Turkey", "government"),
    ]


def test_find_actors_longest_alias_wins():
    assert names("Russian president Vladimir Putin spoke.") == [
        ("Vladimir Putin", "named")
    ]


def test_resolve_mentions_pronouns_point_back_at_the_subject():
    memory = ArticleMemory()
    vocab = load_vocabulary()
    for text in ["Trump accused Putin.", "He said the two sides met."]:
        resolved = resolve_mentions(find_actors(tokenize(text), vocab), memory)
    assert [[r.name for r in targets] for _, targets in resolved] == [
        ["Donald Trump"],
        [],  # "both sides" with no countries named yet
    ]


def test_load_vocabulary_with_a_session_adds_registry_actors_and_aliases(engine):
    with Session(engine) as session:
        actor = Actor(name="Wagner Group", kind="armed_group", country="RUS")
        session.add(actor)
        session.flush()
        session.add(ActorAlias(actor_id=actor.id, alias="Wagner", alias_key="wagner"))
        session.flush()
        assert names("Wagner fighters shelled the town.", session) == [
            ("Wagner Group", "named")
        ]
    assert names("Wagner fighters shelled the town.") == []
