"""ACLED event and sub-event types read from a proposal's sentence (issue #5).

The sentences are invented for these tests; no ACLED note is copied here."""

from __future__ import annotations

import pytest

from tracker.extraction.acled_coding import code_acled, cue_book, matching_rule
from tracker.extraction.proposals import ProposedActor
from tracker.vocab import taxonomy

ERV = "Explosions/Remote violence"
SD = "Strategic developments"
VAC = "Violence against civilians"


@pytest.mark.parametrize(
    ("sentence", "event_type", "expected"),
    [
        (
            "Russian forces shelled the outskirts of Kupiansk with multiple rocket "
            "launchers overnight.",
            "ASSAULT",
            (ERV, "Shelling/artillery/missile attack"),
        ),
        (
            "A ballistic missile hit an apartment block in Dnipro on Tuesday.",
            "ASSAULT",
            (ERV, "Shelling/artillery/missile attack"),
        ),
        (
            "Warplanes carried out an air strike on a market town near the border.",
            "ASSAULT",
            (ERV, "Air/drone strike"),
        ),
        (
            "A drone struck a fuel depot outside Belgorod.",
            "ASSAULT",
            (ERV, "Air/drone strike"),
        ),
        (
            "Government troops and rebels clashed for hours near the river crossing.",
            "ASSAULT",
            ("Battles", "Armed clash"),
        ),
        (
            "Gunmen ambushed an army patrol on the highway, killing three soldiers.",
            "ASSAULT",
            ("Battles", "Armed clash"),
        ),
        (
            "A roadside bomb exploded as a bus passed through the market.",
            "ASSAULT",
            (ERV, "Remote explosive/landmine/IED"),
        ),
        (
            "An attacker threw a grenade into a bar late on Saturday.",
            "ASSAULT",
            (ERV, "Grenade"),
        ),
        (
            "A suicide bomber blew himself up at the checkpoint.",
            "ASSAULT",
            (ERV, "Suicide bomb"),
        ),
        (
            "Hundreds of teachers held a peaceful protest outside the ministry over "
            "unpaid wages.",
            "PROTEST",
            ("Protests", "Peaceful protest"),
        ),
        (
            "Police fired tear gas to disperse students who rallied in the capital.",
            "PROTEST",
            ("Protests", "Protest with intervention"),
        ),
        (
            "Security forces opened fire on protesters, and two demonstrators were "
            "killed.",
            "PROTEST",
            ("Protests", "Excessive force against protesters"),
        ),
        (
            "Demonstrators burned tyres and threw stones at the town hall.",
            "PROTEST",
            ("Riots", "Violent demonstration"),
        ),
        (
            "An angry mob lynched a man accused of theft in the village.",
            "ASSAULT",
            ("Riots", "Mob violence"),
        ),
        (
            "Militiamen abducted four farmers from their fields.",
            "ASSAULT",
            (VAC, "Abduction/forced disappearance"),
        ),
        (
            "A soldier raped a woman at a checkpoint.",
            "ASSAULT",
            (VAC, "Sexual violence"),
        ),
        (
            "Armed men shot and killed a shopkeeper in his store.",
            "ASSAULT",
            (VAC, "Attack"),
        ),
        (
            "Police arrested an opposition leader at his home.",
            "COERCE",
            (SD, "Arrests"),
        ),
        (
            "Forty fighters surrendered to the army and laid down their arms.",
            "RETREAT",
            (SD, "Agreement"),
        ),
        (
            "Air defences shot down two drones over the city.",
            "MOBILIZE",
            (SD, "Disrupted weapons use"),
        ),
        (
            "Soldiers set fire to houses and looted shops in the village.",
            "ASSAULT",
            (SD, "Looting/property destruction"),
        ),
        (
            "The army deployed reinforcements to the northern border.",
            "MOBILIZE",
            (SD, "Change to group/activity"),
        ),
        (
            "The rebels took control of the town without fighting after the garrison "
            "withdrew.",
            "COERCE",
            (SD, "Non-violent transfer of territory"),
        ),
        (
            "Thousands of villagers fled their homes ahead of the offensive.",
            "COERCE",
            (SD, "Other"),
        ),
    ],
)
def test_code_acled_cue_sentence_gives_acled_pair(
    sentence: str, event_type: str, expected: tuple[str, str]
) -> None:
    assert code_acled(sentence, event_type, None, []) == expected


def test_code_acled_clash_with_supporting_artillery_is_a_battle() -> None:
    sentence = (
        "Troops repelled an assault on the village while artillery shelled the "
        "attackers' positions."
    )
    assert code_acled(sentence, "ASSAULT", None, []) == ("Battles", "Armed clash")


def test_code_acled_verbal_type_gives_none() -> None:
    # A threat is not recorded by ACLED, whatever weapons the sentence names.
    sentence = "The minister threatened to launch missile strikes on the capital."
    assert code_acled(sentence, "THREATEN", None, []) is None


def test_code_acled_killing_in_talks_sentence_is_not_violence() -> None:
    # The talks are coded by their mode (ACLED records peace talks as Agreement).
    sentence = "Delegates met in Geneva days after ten people were killed."
    assert code_acled(sentence, "CONSULT", "third-party", []) == (SD, "Agreement")


def test_code_acled_no_cue_gives_none_for_fallback() -> None:
    assert code_acled("Something happened in the region.", "ASSAULT", None, []) is None


def test_code_acled_civilian_target_actor_stands_in_for_cue_words() -> None:
    actors = [
        ProposedActor(name="Militia", role="initiator", kind="armed_group"),
        ProposedActor(name="Civilians", role="target", kind="civilians"),
    ]
    sentence = "Militia members raided the settlement at dawn."
    assert code_acled(sentence, "ASSAULT", None, actors) == (VAC, "Attack")


def test_matching_rule_names_the_rule_used() -> None:
    rule = matching_rule("Artillery pounded the town.", "ASSAULT")
    assert rule is not None and rule.name == "shelling"


def test_cue_book_every_rule_names_a_valid_acled_pair() -> None:
    pairs = taxonomy.acled_event_types()
    for rule in cue_book().rules:
        assert rule.sub_event_type in pairs[rule.event_type], rule.name


def test_code_acled_no_cue_but_weapon_mode_uses_the_crosswalk() -> None:
    sentence = "The town was struck again overnight."
    expected = ("Explosions/Remote violence", "Air/drone strike")
    assert code_acled(sentence, "ASSAULT", "aerial", []) == expected
