"""Who did what to whom: actor mentions around a trigger become initiators and targets.

Word order, not a parser: the nearest actor before the trigger (with any actor joined
to it by "and") initiates, the first after it is the target; a passive ("were killed")
swaps them and "by X" names the initiator. Pronouns point back through the article:
"he" to the last person, "they" to the last government or force, "both sides" to the
last two countries. A country mention names its forces in fighting and its government
otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tracker.extraction.actors import ActorMention, ActorVocabulary, Country
from tracker.extraction.proposals import ProposedActor
from tracker.extraction.sentences import Token

ARMED = frozenset({"ASSAULT", "MOBILIZE"})
PASSIVE_AUX = frozenset({"was", "were", "been", "being", "is", "are", "be"})
# An actor after one of these words is not the subject of what follows it.
NOT_SUBJECT = frozenset(
    "of on against to with at into by than over for about upon toward towards".split()
)
JOINERS = frozenset({"and", ",", "&"})
# "over Kyiv", "in Moscow": a capital named as a place, not as its government.
PLACE_WORDS = frozenset({"in", "at", "near", "over", "outside", "into", "around"})


def _word_before(mention: ActorMention, tokens: Sequence[Token]) -> str:
    return tokens[mention.first - 1].lower if mention.first > 0 else ""


@dataclass
class ArticleMemory:
    """What earlier sentences named, for pronouns and for the unnamed attacker."""

    person: ActorMention | None = None
    group: ActorMention | None = None
    countries: list[Country] = field(default_factory=list)
    attacker: ProposedActor | None = None

    def remember(self, mention: ActorMention, *, as_antecedent: bool) -> None:
        """Update the last countries and, for an antecedent, the last person / group."""
        if mention.form == "pronoun":
            return
        if as_antecedent and mention.kind == "official":
            self.person = mention
        elif as_antecedent and mention.form not in ("people", "civilian"):
            self.group = mention
        if mention.country is not None and mention.kind != "official":
            if mention.country in self.countries:
                self.countries.remove(mention.country)
            self.countries = [*self.countries, mention.country][-2:]


def resolve_mentions(
    mentions: Sequence[ActorMention], memory: ArticleMemory
) -> list[tuple[ActorMention, list[ActorMention]]]:
    """Each mention with what it stands for (a pronoun: earlier mentions)."""
    resolved: list[tuple[ActorMention, list[ActorMention]]] = []
    # Only a sentence's first person (its subject, usually) becomes the "he" of the
    # next one: "he accused Vladimir Putin. He also said" is still Trump.
    seen: set[bool] = set()  # True: a person seen in this sentence; False: a group
    for m in mentions:
        is_person = m.kind == "official" or (m.form == "pronoun" and m.name == "person")
        if m.form != "pronoun":
            resolved.append((m, [m]))
            memory.remember(m, as_antecedent=is_person not in seen)
            if m.form not in ("people", "civilian"):
                seen.add(is_person)
            continue
        if m.name != "pair":
            seen.add(is_person)
        if m.name == "person":
            targets = [memory.person] if memory.person else []
        elif m.name == "group":
            targets = [memory.group] if memory.group else []
        else:
            targets = [
                ActorMention(c.name, "country", m.first, m.last, "state", c)
                for c in memory.countries
            ]
        resolved.append((m, [t for t in targets if t is not None]))
    return resolved


def name_actor(
    mention: ActorMention, event_type: str, role: str, vocab: ActorVocabulary
) -> ProposedActor:
    """The registry-style actor a mention stands for in an event of `event_type`."""
    name, kind = mention.name, mention.kind
    if mention.form in ("country", "people") and mention.country is not None:
        if mention.form == "people":
            form = "civilian"
        else:
            form = "military" if event_type in ARMED else "government"
        name = vocab.actor_name(form, mention.country)  # type: ignore[arg-type]
        kind = {"military": "military", "civilian": "civilians"}.get(form, "government")
    return ProposedActor(
        name=name,
        role=role,  # type: ignore[arg-type]
        kind=kind,
        country=mention.country.iso3 if mention.country else None,
    )


def _is_passive(tokens: Sequence[Token], first: int) -> bool:
    before = [t.lower for t in tokens[max(0, first - 3) : first]]
    return any(word in PASSIVE_AUX for word in before) and tokens[first].lower.endswith(
        ("ed", "en", "hit", "shot", "struck", "killed")
    )


def _with_joined(
    chosen: int,
    resolved: Sequence[tuple[ActorMention, list[ActorMention]]],
    tokens: Sequence[Token],
) -> list[int]:
    """The chosen mention and any joined to it by "and" or a comma, before or after."""
    group = [chosen]
    i = chosen
    while i > 0 and _joined(resolved[i - 1][0], resolved[i][0], tokens):
        i -= 1
        group.insert(0, i)
    i = chosen
    while i + 1 < len(resolved) and _joined(resolved[i][0], resolved[i + 1][0], tokens):
        i += 1
        group.append(i)
    return group


def _joined(left: ActorMention, right: ActorMention, tokens: Sequence[Token]) -> bool:
    between = [t.lower for t in tokens[left.last : right.first]]
    return 0 < len(between) <= 2 and all(word in JOINERS for word in between)


@dataclass(frozen=True)
class Span:
    """Token positions of a trigger, and positions outside the roles (who-clauses)."""

    first: int
    last: int
    clause_end: int
    excluded: frozenset[int] = frozenset()


def assign_roles(
    span: Span,
    event_type: str,
    resolved: Sequence[tuple[ActorMention, list[ActorMention]]],
    tokens: Sequence[Token],
    vocab: ActorVocabulary,
) -> list[ProposedActor]:
    """Initiators and targets of the event whose trigger is at `span`."""
    usable = [
        i
        for i, (m, _) in enumerate(resolved)
        if m.first not in span.excluded
        and not (m.form == "named" and _word_before(m, tokens) in PLACE_WORDS)
    ]
    before = [
        i
        for i in usable
        if resolved[i][0].last <= span.first
        and (
            resolved[i][0].last == span.first  # "Russian attacks"
            or not (
                resolved[i][0].first > 0
                and tokens[resolved[i][0].first - 1].lower in NOT_SUBJECT
            )
        )
    ]
    # Objects may sit inside a gapped trigger ("pressured both sides to").
    after = [i for i in usable if span.first < resolved[i][0].first < span.clause_end]
    subjects = _with_joined(before[-1], resolved, tokens) if before else []
    subjects = [i for i in subjects if resolved[i][0].last <= span.first]
    objects: list[int] = []
    by_agent: list[int] = []
    for i in after:
        m = resolved[i][0]
        if m.first > 0 and tokens[m.first - 1].lower == "by":
            by_agent = [i]
            break
    if after:
        objects = [
            i
            for i in _with_joined(after[0], resolved, tokens)
            if resolved[i][0].first > span.first
        ]
    if (
        not subjects
        and objects
        and _word_before(resolved[objects[0]][0], tokens) == ("between")
    ):
        subjects, objects = objects, []  # "talks between Armenia and Azerbaijan"
    if _is_passive(tokens, span.first):
        subjects, objects = by_agent, subjects
    return _named(subjects, objects, event_type, resolved, vocab)


def _named(
    subjects: Sequence[int],
    objects: Sequence[int],
    event_type: str,
    resolved: Sequence[tuple[ActorMention, list[ActorMention]]],
    vocab: ActorVocabulary,
) -> list[ProposedActor]:
    actors: list[ProposedActor] = []
    seen: set[str] = set()
    for role, indices in (("initiator", subjects), ("target", objects)):
        for i in indices:
            for mention in resolved[i][1]:
                actor = name_actor(mention, event_type, role, vocab)
                if actor.name not in seen:
                    seen.add(actor.name)
                    actors.append(actor)
    initiators = [a for a in actors if a.role == "initiator"]
    if event_type == "CONSULT" and len(initiators) > 1:
        actors = [
            a.model_copy(update={"role": "participant"}) if a.role == "initiator" else a
            for a in actors
        ]
    return actors
