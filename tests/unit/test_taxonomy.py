"""Specification tests for tracker.vocab.taxonomy: the PLOVER vocabulary and its
crosswalks."""

import json
from pathlib import Path

import pytest

from tracker.vocab import taxonomy

GSR_FILE = (
    Path(__file__).parents[3]
    / "shared"
    / "real_data"
    / "plover"
    / "PLOVER_GSR_CAMEO.txt"
)

MANUAL_ORDER = (
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT "
    "THREATEN PROTEST SANCTION MOBILIZE COERCE ASSAULT"
).split()
EXPLOSIONS = "Explosions/Remote violence"
SHELLING = "Shelling/artillery/missile attack"


def _acled_pairs() -> list[tuple[str, str]]:
    return [(t, s) for t, subs in taxonomy.acled_event_types().items() for s in subs]


# ------------------------------------------------------------------ PLOVER types


def test_event_types_always_sixteen_in_manual_order():
    assert taxonomy.event_types() == tuple(MANUAL_ORDER)


def test_plover_type_unknown_name_raises_keyerror_listing_types():
    with pytest.raises(KeyError, match="unknown PLOVER event type 'FIGHT'.*AGREE"):
        taxonomy.plover_type("FIGHT")


@pytest.mark.parametrize(
    ("event_type", "quad"),
    [("AGREE", 1), ("CONCEDE", 1), ("RETREAT", 2), ("ACCUSE", 3), ("THREATEN", 3)]
    + [("PROTEST", 4), ("ASSAULT", 4)],
)
def test_quad_class_known_type_matches_manual(event_type, quad):
    assert taxonomy.quad_class(event_type) == quad


def test_quad_class_sanction_follows_section_heading_material_conflict():
    # The manual's quad table says 3; its SANCTION section and summary table say 4.
    assert taxonomy.quad_class("SANCTION") == 4


def test_quad_class_labels_and_keys_cover_four_classes():
    assert [taxonomy.quad_class_label(q) for q in (1, 2, 3, 4)] == [
        "Verbal cooperation",
        "Material cooperation",
        "Verbal conflict",
        "Material conflict",
    ]
    assert taxonomy.quad_class_key(4) == "material_conflict"
    with pytest.raises(KeyError, match="unknown quad class 5"):
        taxonomy.quad_class_label(5)


def test_plover_type_recipient_required_only_cooperate_aid_sanction():
    required = {t for t in MANUAL_ORDER if taxonomy.plover_type(t).recipient_required}
    assert required == {"COOPERATE", "AID", "SANCTION"}


def test_plover_type_every_type_has_description():
    assert all(taxonomy.plover_type(t).description for t in MANUAL_ORDER)


@pytest.mark.parametrize(
    ("event_type", "modes"),
    [
        ("AGREE", ()),
        ("CONSULT", ("visit", "third-party", "multilateral", "phone")),
        ("RETREAT", ("withdraw", "release", "disarm", "ceasefire", "access", "resign")),
        ("ACCUSE", ("disapprove", "investigate", "allege")),
        ("SANCTION", ("convict", "expel", "withdraw", "discontinue")),
    ],
)
def test_modes_for_type_matches_manual_table(event_type, modes):
    assert taxonomy.modes_for(event_type) == modes


def test_modes_for_request_and_reject_share_modes():
    assert taxonomy.modes_for("REQUEST") == taxonomy.modes_for("REJECT")


def test_modes_for_assault_has_fifteen_including_drone_and_aerial():
    modes = taxonomy.modes_for("ASSAULT")
    assert len(modes) == 15
    assert {"aerial", "drone", "heavy-weapons", "unconventional"} <= set(modes)


def test_is_valid_mode_none_valid_for_every_type():
    assert all(taxonomy.is_valid_mode(t, None) for t in MANUAL_ORDER)


def test_is_valid_mode_other_types_mode_invalid():
    assert taxonomy.is_valid_mode("ASSAULT", "drone")
    assert not taxonomy.is_valid_mode("COERCE", "drone")
    assert not taxonomy.is_valid_mode("ASSAULT", "massacre")


# ----------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("event_type", "mode", "expected"),
    [
        ("CONSULT", "third-party", 1.0),
        ("ASSAULT", "heavy-weapons", -9.5),
        ("RETREAT", "release", 6.5),
        ("RETREAT", "ceasefire", 7.5),
        ("THREATEN", "restrict", -3.0),
        ("ACCUSE", "allege", -3.5),
        ("ASSAULT", "unconventional", -10.0),
        ("AID", None, 10.0),
    ],
)
def test_score_known_mode_returns_manual_value(event_type, mode, expected):
    assert taxonomy.score(event_type, mode) == expected


def test_score_accuse_type_negative_despite_printed_three():
    assert taxonomy.score("ACCUSE") == -3.0


def test_score_mode_without_table_row_inherits_type_score():
    assert taxonomy.score("PROTEST", "vandalize") == taxonomy.score("PROTEST") == -5.0


def test_score_unknown_mode_falls_back_to_type_score():
    assert taxonomy.score("ASSAULT", "catapult") == -9.0


def test_score_every_type_and_mode_within_ten():
    for name in MANUAL_ORDER:
        kind = taxonomy.plover_type(name)
        assert -10 <= kind.score <= 10
        assert all(-10 <= mode.score <= 10 for mode in kind.modes)


def test_score_cooperation_never_negative_conflict_never_positive():
    for name in MANUAL_ORDER:
        kind = taxonomy.plover_type(name)
        scores = [kind.score, *(m.score for m in kind.modes)]
        if kind.quad_class <= 2:
            assert min(scores) >= 0, name
        elif name != "REQUEST":  # the manual scores REQUEST assist +0.5
            assert max(scores) <= 0, name


# --------------------------------------------------------------------- contexts


def test_contexts_thirty_seven_including_trafficking():
    # The 2.0 manual (PLOVER@5e0c24fb) lists 37; drafts before trafficking had 36.
    names = taxonomy.contexts()
    assert len(names) == len(set(names)) == 37
    assert {"military", "diplomatic", "economic", "repression", "trafficking"} <= set(
        names
    )


# ------------------------------------------------------------------------ ACLED


def test_acled_event_types_six_types_twenty_five_sub_types_in_hierarchy_order():
    types = taxonomy.acled_event_types()
    assert list(types) == [
        "Battles",
        "Protests",
        "Riots",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Strategic developments",
    ]
    assert sum(len(subs) for subs in types.values()) == 25
    assert types["Explosions/Remote violence"][:2] == (
        "Chemical weapon",
        "Air/drone strike",
    )
    assert types["Strategic developments"][-1] == "Other"


def test_acled_to_plover_every_pair_valid_type_and_mode():
    for pair in _acled_pairs():
        event_type, mode = taxonomy.acled_to_plover(*pair)
        assert event_type in taxonomy.event_types(), pair
        assert taxonomy.is_valid_mode(event_type, mode), pair


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ((EXPLOSIONS, SHELLING), ("ASSAULT", "heavy-weapons")),
        (("Explosions/Remote violence", "Air/drone strike"), ("ASSAULT", "aerial")),
        (("Strategic developments", "Agreement"), ("AGREE", None)),
        (("Strategic developments", "Arrests"), ("COERCE", "arrest")),
        (("Protests", "Peaceful protest"), ("PROTEST", "demo")),
        (("Violence against civilians", "Attack"), ("ASSAULT", None)),
    ],
)  # fmt: skip
def test_acled_to_plover_seed_pairs_match_formats_reference(pair, expected):
    assert taxonomy.acled_to_plover(*pair) == expected


def test_acled_to_plover_case_and_whitespace_ignored():
    assert taxonomy.acled_to_plover("  battles ", "ARMED CLASH\t") == ("ASSAULT", None)


def test_acled_to_plover_unknown_pair_raises_keyerror_naming_sub_types():
    with pytest.raises(
        KeyError, match="unknown ACLED pair 'battles' / 'Skirmish'.*Armed clash"
    ):
        taxonomy.acled_to_plover("battles", "Skirmish")


def test_plover_to_acled_every_result_is_real_acled_pair():
    pairs = set(_acled_pairs())
    for name in MANUAL_ORDER:
        for mode in (None, *taxonomy.modes_for(name)):
            result = taxonomy.plover_to_acled(name, mode)
            assert result is None or result in pairs, (name, mode, result)


def test_plover_to_acled_both_rows_round_trip_exactly():
    both = [r for r in taxonomy._acled_rows() if r["direction"] == "both"]
    assert len(both) == 14
    for row in both:
        pair = (row["acled_event_type"], row["acled_sub_event_type"])
        assert taxonomy.plover_to_acled(*taxonomy.acled_to_plover(*pair)) == pair


def test_plover_to_acled_each_type_and_mode_has_one_canonical_pair():
    keys = [
        (r["plover_type"], r["plover_mode"])
        for r in taxonomy._acled_rows()
        if r["direction"] != "acled_to_plover"
    ]
    assert len(keys) == len(set(keys))


def test_acled_crosswalk_every_row_has_known_direction():
    directions = {r["direction"] for r in taxonomy._acled_rows()}
    assert directions == {"both", "acled_to_plover", "plover_to_acled"}


@pytest.mark.parametrize(
    ("event_type", "mode", "expected"),
    [
        ("CONSULT", "third-party", ("Strategic developments", "Agreement")),
        ("RETREAT", "release", ("Strategic developments", "Agreement")),
        ("ASSAULT", "drone", ("Explosions/Remote violence", "Air/drone strike")),
        ("ASSAULT", "heavy-weapons", (EXPLOSIONS, SHELLING)),
        ("ASSAULT", None, ("Battles", "Armed clash")),
        ("ASSAULT", "targeted", ("Violence against civilians", "Attack")),
        ("PROTEST", "hunger", ("Protests", "Peaceful protest")),
        ("assault", " Drone ", ("Explosions/Remote violence", "Air/drone strike")),
    ],
)  # fmt: skip
def test_plover_to_acled_recorded_events_map_to_acled_pair(event_type, mode, expected):
    assert taxonomy.plover_to_acled(event_type, mode) == expected


@pytest.mark.parametrize(
    ("event_type", "mode"),
    [
        ("THREATEN", "restrict"),
        ("ACCUSE", None),
        ("CONCEDE", None),
        ("RETREAT", "resign"),
    ],
)
def test_plover_to_acled_verbal_or_unrecorded_returns_none(event_type, mode):
    assert taxonomy.plover_to_acled(event_type, mode) is None


def test_plover_to_acled_unknown_type_raises_keyerror():
    with pytest.raises(KeyError, match="unknown PLOVER event type"):
        taxonomy.plover_to_acled("DEMAND", None)


# ------------------------------------------------------------------------ CAMEO


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0841", ("RETREAT", "release", "legal")),
        ("195", ("ASSAULT", "heavy-weapons", "military")),
        ("1952", ("ASSAULT", "drone", "military")),
        ("20", ("ASSAULT", "unconventional", None)),
        ("036", ("AGREE", None, "diplomatic")),
        ("044", ("CONSULT", "third-party", None)),
        ("046", ("CONSULT", None, "diplomatic")),
        ("1312", ("THREATEN", "restrict", "economic")),
        ("112", ("ACCUSE", "disapprove", None)),
        ("1123", ("ACCUSE", "allege", "military")),
        ("083", ("CONCEDE", None, "political_institutions")),
        ("087", ("RETREAT", "disarm", "military")),
    ],
)
def test_cameo_to_plover_known_code_matches_crosswalk(code, expected):
    assert taxonomy.cameo_to_plover(code) == expected


@pytest.mark.parametrize("code", ["01", "02", "010", "0231"])
def test_cameo_to_plover_dropped_roots_return_none(code):
    assert taxonomy.cameo_to_plover(code) is None


def test_cameo_to_plover_unlisted_sub_code_uses_longest_prefix():
    assert taxonomy.cameo_to_plover("19599") == ("ASSAULT", "heavy-weapons", "military")


def test_cameo_to_plover_surrounding_whitespace_ignored():
    assert taxonomy.cameo_to_plover(" 0841\n") == ("RETREAT", "release", "legal")


@pytest.mark.parametrize("code", ["", "abc", "08a1", "-14", "\u0661\u0664"])
def test_cameo_to_plover_non_numeric_raises_valueerror(code):
    with pytest.raises(ValueError, match="CAMEO code must be digits"):
        taxonomy.cameo_to_plover(code)


@pytest.mark.parametrize("code", ["841", "21", "7"])
def test_cameo_to_plover_code_without_root_raises_keyerror_with_hint(code):
    with pytest.raises(KeyError, match="leading zeros"):
        taxonomy.cameo_to_plover(code)


def test_cameo_to_plover_every_root_mapped():
    for root in (f"{n:02d}" for n in range(1, 21)):
        result = taxonomy.cameo_to_plover(root)
        assert (result is None) == (root in {"01", "02"}), root


def test_cameo_to_plover_yield_split_concede_then_retreat():
    concede = [taxonomy.cameo_to_plover(c)[0] for c in ("081", "082", "083")]
    retreat = [taxonomy.cameo_to_plover(c)[0] for c in ("084", "085", "086", "087")]
    assert concede == ["CONCEDE"] * 3
    assert retreat == ["RETREAT"] * 4


def test_cameo_to_plover_every_row_uses_valid_names():
    contexts = set(taxonomy.contexts())
    for code in taxonomy._cameo_table():
        result = taxonomy.cameo_to_plover(code)
        if result is None:
            continue
        event_type, mode, context = result
        assert event_type in taxonomy.event_types(), code
        assert taxonomy.is_valid_mode(event_type, mode), code
        assert context is None or context in contexts, code


# ----------------------------------------------------------------------- legacy


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("DEMAND", ("REQUEST", None)),
        ("DISAPPROVE", ("ACCUSE", "disapprove")),
        ("INVESTIGATE", ("ACCUSE", "investigate")),
        ("FIGHT", ("ASSAULT", None)),
        ("consult", ("CONSULT", None)),
        ("ASSAULT", ("ASSAULT", None)),
    ],
)
def test_legacy_to_plover_category_maps_to_two_point_oh(category, expected):
    assert taxonomy.legacy_to_plover(category) == expected


def test_legacy_to_plover_renamed_mode_translated():
    assert taxonomy.legacy_to_plover("PROTEST", "strike-hun") == ("PROTEST", "hunger")
    assert taxonomy.legacy_to_plover("FIGHT", "heavy-weapons") == (
        "ASSAULT",
        "heavy-weapons",
    )
    assert taxonomy.legacy_to_plover("COERCE", "destroy") == ("ASSAULT", "destroy")


def test_legacy_to_plover_crime_raises_valueerror_pointing_to_context():
    with pytest.raises(ValueError, match="CRIME has no 2.0 equivalent.*context crime"):
        taxonomy.legacy_to_plover("CRIME")


def test_legacy_to_plover_unknown_mode_raises_valueerror():
    with pytest.raises(ValueError, match="mode 'sideab' of ASSAULT"):
        taxonomy.legacy_to_plover("ASSAULT", "sideAB")


def test_legacy_to_plover_unknown_category_raises_keyerror():
    with pytest.raises(KeyError, match="unknown PLOVER event type 'YIELD'"):
        taxonomy.legacy_to_plover("YIELD")


@pytest.mark.skipif(
    not GSR_FILE.exists(), reason="shared/real_data PLOVER file not present"
)
def test_legacy_to_plover_every_gold_standard_record_maps_to_valid_event():
    records = json.loads(GSR_FILE.read_text(encoding="utf-8"))
    events = [r for r in records if r["event"] != "DOCUMENT"]
    assert len(events) == 322
    for record in events:
        event_type, mode = taxonomy.legacy_to_plover(
            record["event"], record.get("mode")
        )
        assert taxonomy.is_valid_mode(event_type, mode), record["id"]


@pytest.mark.parametrize(
    ("code", "root", "name"),
    [("010", "01", "make public statement"), ("0231", "02", "appeal")],
)
def test_cameo_event_refuses_roots_01_and_02_saying_why(code, root, name):
    with pytest.raises(ValueError) as caught:
        taxonomy.cameo_event(code)
    assert str(caught.value) == (
        f"CAMEO root {root} ({name}) has no PLOVER 2.0 event type: "
        "statements and appeals are not events to import"
    )


def test_cameo_event_maps_other_codes_as_the_crosswalk_does():
    assert taxonomy.cameo_event("0841") == ("RETREAT", "release", "legal")
    with pytest.raises(KeyError, match="leading zeros"):
        taxonomy.cameo_event("841")
