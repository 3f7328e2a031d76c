"""The guide in full: sizes and colours per stack or rail, N/A answers, and warm before cold.

Reasons are checked in English and through the real zh-Hant and zh-Hans catalogs.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from babel.support import Translations

from merch.i18n import raw_translators
from merch.messages.reasons import render_invalid, render_problem
from merch.scoring import InvalidAnswer, ScoringContext, score_item, submission_score, validate_answer
from merch.scoring.colours import lch, temperature

CATALOGS = Path(__file__).resolve().parents[2] / "merch" / "translations"
DAY = date(2026, 11, 24)
FOLDED = ScoringContext(business_date=DAY, area="folded")
HANGING = ScoringContext(business_date=DAY, area="hanging")
LIGHT_TO_DARK = {"direction": "light_to_dark", "tolerance": 5, "warm_to_cold": False}
WARM_TO_COLD = {**LIGHT_TO_DARK, "warm_to_cold": True}
ORANGE, BLUE, GREY = "#D9822B", "#2B6CD9", "#808080"


def english(message: str) -> str:
    return message


def english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def translators(locale: str) -> tuple[Any, Any]:
    if locale == "en":
        return english, english_plural
    return raw_translators(Translations.load(str(CATALOGS), [locale]))


def reasons(outcome: Any, locale: str = "en") -> list[str]:
    gettext, ngettext = translators(locale)
    return [render_problem(problem, gettext, ngettext) for problem in outcome.problems]


def scored(kind: str, params: dict[str, Any], answer: Any, context: ScoringContext = FOLDED, allow_na: bool = False):
    valid = validate_answer(kind, answer, allow_na)
    return score_item(kind, params, valid, photo_required=False, has_photo=True, context=context)


def refused(kind: str, answer: Any, allow_na: bool = False) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer(kind, answer, allow_na)
    return raised.value


# Sizes per stack and per rail


def test_one_stack_out_of_two_upside_down_earns_half_and_names_the_stack() -> None:
    outcome = scored("size_order", {"direction": "descending"}, {"groups": [["XL", "L"], ["L", "M", "L", "S"]]})

    assert outcome.credit == Fraction(1, 2)
    assert reasons(outcome) == ["stack 2: M above L: sizes must get smaller going down"]


def test_rails_are_named_rails_on_the_hanging_area() -> None:
    outcome = scored(
        "size_order", {"direction": "ascending"}, {"groups": [["S", "M"], ["M", "S"], ["L", "M"]]}, HANGING
    )

    assert outcome.credit == Fraction(1, 3)
    assert reasons(outcome) == [
        "rail 2: M before S: sizes must get larger going back",
        "rail 3: L before M: sizes must get larger going back",
    ]


def test_every_group_in_order_passes_and_a_single_size_group_is_in_order() -> None:
    outcome = scored("size_order", {"direction": "descending"}, {"groups": [["XXL", "2XL", "L"], ["M"], ["40", "38"]]})

    assert outcome.passed and outcome.credit == 1


def test_a_single_list_is_one_group_without_a_group_name() -> None:
    outcome = scored("size_order", {"direction": "descending"}, {"sizes": ["M", "L"]})

    assert outcome.credit == 0
    assert reasons(outcome) == ["M above L: sizes must get smaller going down"]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "stack 2: M above L: sizes must get smaller going down"),
        ("zh_Hant", "第 2 疊：M 疊在 L 上面：尺碼應自上而下由大到小"),
        ("zh_Hans", "第 2 叠：M 叠在 L 上面：尺码应自上而下由大到小"),
    ],
)
def test_group_reasons_in_three_languages(locale: str, expected: str) -> None:
    outcome = scored("size_order", {"direction": "descending"}, {"groups": [["L", "M"], ["M", "L"]]})

    assert reasons(outcome, locale) == [expected]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "rail 1: colour 2 (#FFFFFF) is lighter than colour 1 (#111111)"),
        ("zh_Hant", "第 1 條掛通：第 2 個顏色（#FFFFFF）比第 1 個顏色（#111111）淺"),
        ("zh_Hans", "第 1 条挂通：第 2 个颜色（#FFFFFF）比第 1 个颜色（#111111）浅"),
    ],
)
def test_colour_groups_are_rails_on_the_hanging_area(locale: str, expected: str) -> None:
    answer = {"groups": [["#111111", "#FFFFFF"], ["#FFFFFF", "#111111"]]}

    outcome = scored("colour_order", LIGHT_TO_DARK, answer, HANGING)

    assert outcome.credit == Fraction(1, 2)
    assert reasons(outcome, locale) == [expected]


def test_each_rail_is_ordered_on_its_own() -> None:
    # The front-facing rail ends dark; the side rail starts light again: both in order.
    outcome = scored("colour_order", LIGHT_TO_DARK, {"groups": [["#FFFFFF", "#111111"], ["#F5F0E6", "#3B2F2F"]]})

    assert outcome.passed and outcome.credit == 1


def test_sizes_of_one_system_per_group() -> None:
    answer = validate_answer("size_order", {"groups": [["S", "M"], [30, 32]]})

    assert answer == {"groups": [["S", "M"], ["30", "32"]]}


@pytest.mark.parametrize(
    ("answer", "field", "code"),
    [
        ({"groups": []}, "groups", "too_few"),
        ({"groups": [["S"]] * 51}, "groups", "too_many"),
        ({"groups": [["S"], []]}, "groups[1]", "too_few"),
        ({"groups": [["S"] * 31]}, "groups[0]", "too_many"),
        ({"groups": ["S M"]}, "groups[0]", "wrong_type"),
        ({"groups": [["S", "M"], ["M", "38"]]}, "groups[1][1]", "mixed_size_systems"),
        ({"groups": [["S", "HUGE"]]}, "groups[0][1]", "unknown_size"),
        ({"groups": [["S", True]]}, "groups[0][1]", "wrong_type"),
        ({"groups": [["S"]], "sizes": ["S", "M"]}, "groups", "both_forms"),
    ],
)
def test_size_groups_outside_their_bounds_are_refused_naming_the_field(answer: Any, field: str, code: str) -> None:
    error = refused("size_order", answer)

    assert (error.field, error.code) == (field, code)


@pytest.mark.parametrize(
    ("answer", "field", "code"),
    [
        ({"groups": [["#FFFFFF"], ["#FFF"]]}, "groups[1][0]", "bad_colour"),
        ({"groups": [[]]}, "groups[0]", "too_few"),
        ({"groups": "#FFFFFF"}, "groups", "wrong_type"),
    ],
)
def test_colour_groups_outside_their_bounds_are_refused(answer: Any, field: str, code: str) -> None:
    error = refused("colour_order", answer)

    assert (error.field, error.code) == (field, code)


def test_refused_groups_read_as_sentences() -> None:
    assert render_invalid(refused("size_order", {"groups": []}), english, english_plural) == (
        "send at least 1 stack or rail"
    )
    assert render_invalid(refused("size_order", {"groups": [["S"], []]}), english, english_plural) == (
        "group 2: list at least 1 size"
    )
    both = refused("colour_order", {"groups": [["#FFFFFF"]], "colours": []})
    assert render_invalid(both, english, english_plural) == "send one list or groups, not both"


# Warm before cold


def test_the_guides_warm_and_cold_examples() -> None:
    assert temperature(ORANGE) == "warm"
    assert temperature(BLUE) == "cold"
    assert temperature(GREY) is None  # neutral: chroma below 15
    lightness, chroma, hue = lch("#FF0000")
    assert (round(lightness, 1), round(chroma, 1), round(hue, 1)) == (53.2, 104.6, 40.0)


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ("#00FF00", None),  # hue 136°: between warm and cold
        ("#FF00FF", None),  # hue 328°: just below the warm range that starts at 330°
        ("#00FFFF", "cold"),  # hue 196°
        ("#C8A27A", "warm"),  # camel, hue 72°
        ("#F5F0E6", None),  # off-white, chroma 5
    ],
)
def test_hue_ranges_and_neutrals(colour: str, expected: str | None) -> None:
    assert temperature(colour) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "colour 4 (#D9822B, warm) after colour 2 (#2B6CD9, cold)"),
        ("zh_Hant", "第 4 個顏色（#D9822B，暖色）排在第 2 個顏色（#2B6CD9，冷色）之後"),
        ("zh_Hans", "第 4 个颜色（#D9822B，暖色）排在第 2 个颜色（#2B6CD9，冷色）之后"),
    ],
)
def test_a_warm_colour_after_a_cold_one_names_both(locale: str, expected: str) -> None:
    # Tolerance wide enough that lightness alone passes: only the warmth fails.
    params = {**WARM_TO_COLD, "tolerance": 100}

    outcome = scored("colour_order", params, {"colours": [GREY, BLUE, GREY, ORANGE]})

    assert outcome.credit == 0
    assert reasons(outcome, locale) == [expected]


def test_warm_then_cold_with_neutrals_between_passes() -> None:
    outcome = scored("colour_order", {**WARM_TO_COLD, "tolerance": 100}, {"colours": [ORANGE, GREY, BLUE, GREY]})

    assert outcome.passed


def test_warmth_is_not_checked_unless_the_rule_asks() -> None:
    outcome = scored("colour_order", {**LIGHT_TO_DARK, "tolerance": 100}, {"colours": [BLUE, ORANGE]})

    assert outcome.passed


def test_warmth_and_lightness_fail_together_per_group() -> None:
    outcome = scored("colour_order", WARM_TO_COLD, {"groups": [[ORANGE, BLUE], [BLUE, "#FFB060"]]}, context=HANGING)

    assert outcome.credit == Fraction(1, 2)
    assert reasons(outcome) == [
        "rail 2: colour 2 (#FFB060) is lighter than colour 1 (#2B6CD9)",
        "rail 2: colour 2 (#FFB060, warm) after colour 1 (#2B6CD9, cold)",
    ]


# N/A


def test_na_is_accepted_where_the_rule_allows_it_and_leaves_the_score() -> None:
    outcome = scored("yes_no", {}, {"na": True}, allow_na=True)

    assert outcome.not_applicable and outcome.passed and outcome.score_credit is None
    # Two items of weight 1 and 2: the N/A one leaves the sum, so a pass scores 100.
    assert submission_score([(2, Fraction(1)), (1, outcome.score_credit)]) == 100
    assert submission_score([(2, Fraction(1, 2)), (1, outcome.score_credit)]) == 50


def test_na_needs_no_photo_of_its_own() -> None:
    answer = validate_answer("yes_no", {"na": True}, allow_na=True)

    outcome = score_item("yes_no", {}, answer, photo_required=True, has_photo=False, context=FOLDED)

    assert outcome.not_applicable and outcome.problems == ()


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "this rule cannot be answered N/A"),
        ("zh_Hant", "這一項不能答「不適用」"),
        ("zh_Hans", "这一项不能答“不适用”"),
    ],
)
def test_na_on_a_rule_without_allow_na_is_refused(locale: str, expected: str) -> None:
    error = refused("yes_no", {"na": True})

    assert (error.code, error.field) == ("na_not_allowed", "na")
    gettext, ngettext = translators(locale)
    assert render_invalid(error, gettext, ngettext) == expected


def test_na_false_is_an_ordinary_answer_and_na_must_be_a_boolean() -> None:
    assert validate_answer("yes_no", {"na": False, "ok": True}, allow_na=True) == {"ok": True}
    assert refused("yes_no", {"na": "yes"}, allow_na=True).field == "na"
    assert refused("yes_no", {"na": False}, allow_na=True).code == "missing_field"


def test_every_item_na_leaves_nothing_to_score() -> None:
    assert submission_score([(1, None), (2, None)]) is None
