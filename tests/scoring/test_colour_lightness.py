"""Colours: CIE L* from sRGB, and the light-to-dark rule with its tolerance."""

from __future__ import annotations

import math
from datetime import date

import pytest

from merch.scoring import ItemOutcome, Problem, ScoringContext, lightness, score_item, validate_answer

CONTEXT = ScoringContext(business_date=date(2026, 11, 24))


def ordered(direction: str, *colours: str, tolerance: float = 5) -> ItemOutcome:
    params = {"direction": direction, "tolerance": tolerance}
    answer = validate_answer("colour_order", {"colours": list(colours)})
    return score_item("colour_order", params, answer, photo_required=False, has_photo=False, context=CONTEXT)


def test_white_is_100_and_black_is_0() -> None:
    assert lightness("#FFFFFF") == pytest.approx(100, abs=0.001)
    assert lightness("#000000") == 0


def test_mid_grey_is_about_half_way() -> None:
    # sRGB 119 is the grey with L* ≈ 50 (not 128: the sRGB curve is not linear).
    assert lightness("#777777") == pytest.approx(50.0, abs=0.1)
    assert lightness("#808080") == pytest.approx(53.6, abs=0.1)


def test_green_looks_lighter_than_blue_of_the_same_value() -> None:
    assert lightness("#00FF00") == pytest.approx(87.7, abs=0.1)
    assert lightness("#0000FF") == pytest.approx(32.3, abs=0.1)


def test_very_dark_colours_use_the_linear_part_of_l_star() -> None:
    assert lightness("#010101") == pytest.approx(0.27, abs=0.01)


def test_lower_case_hex_has_the_same_lightness() -> None:
    assert lightness("#8a6e52") == lightness("#8A6E52")


@pytest.mark.parametrize("text", ["#FFF", "FFFFFF", "#GGGGGG", "#FFFFFF\n", "red"])
def test_lightness_refuses_anything_but_rrggbb(text: str) -> None:
    with pytest.raises(ValueError):
        lightness(text)


def test_light_to_dark_passes() -> None:
    assert ordered("light_to_dark", "#F5F0E6", "#C8A27A", "#3B2F2F").passed


def test_lighter_colour_after_a_darker_one_fails_naming_both() -> None:
    outcome = ordered("light_to_dark", "#F5F0E6", "#8A6E52", "#EEE6D8")

    assert outcome.credit == 0
    difference = round(lightness("#EEE6D8") - lightness("#8A6E52"), 1)
    assert outcome.problems == (
        Problem(
            "colour_lighter",
            {"index": 3, "colour": "#EEE6D8", "other_index": 2, "other_colour": "#8A6E52", "difference": difference},
        ),
    )


def test_a_colour_is_reported_against_the_darkest_colour_before_it() -> None:
    # #CCCCCC is darker than #EEEEEE just before it, but lighter than #111111 at the start.
    outcome = ordered("light_to_dark", "#111111", "#EEEEEE", "#CCCCCC")

    assert [(p.params["index"], p.params["other_index"]) for p in outcome.problems] == [(2, 1), (3, 1)]


def test_difference_exactly_at_the_tolerance_passes() -> None:
    step = lightness("#7F7F7F") - lightness("#777777")

    assert ordered("light_to_dark", "#FFFFFF", "#777777", "#7F7F7F", tolerance=step).passed


def test_difference_just_over_the_tolerance_fails() -> None:
    step = lightness("#7F7F7F") - lightness("#777777")

    outcome = ordered("light_to_dark", "#FFFFFF", "#777777", "#7F7F7F", tolerance=math.nextafter(step, 0))

    assert [problem.code for problem in outcome.problems] == ["colour_lighter"]


def test_guide_tolerance_of_five_allows_small_steps_back() -> None:
    # #777777 → #7F7F7F is about 3.6 lighter; → #878787 about 6.9.
    assert ordered("light_to_dark", "#FFFFFF", "#777777", "#7F7F7F").passed
    assert not ordered("light_to_dark", "#FFFFFF", "#777777", "#878787").passed


def test_dark_to_light_is_the_mirror() -> None:
    assert ordered("dark_to_light", "#111111", "#777777", "#EEEEEE").passed

    outcome = ordered("dark_to_light", "#111111", "#EEEEEE", "#111111")

    assert outcome.problems == (
        Problem(
            "colour_darker",
            {
                "index": 3,
                "colour": "#111111",
                "other_index": 2,
                "other_colour": "#EEEEEE",
                "difference": round(lightness("#EEEEEE") - lightness("#111111"), 1),
            },
        ),
    )


def test_equal_colours_pass_in_both_directions() -> None:
    assert ordered("light_to_dark", "#8A6E52", "#8A6E52", tolerance=0).passed
    assert ordered("dark_to_light", "#8A6E52", "#8A6E52", tolerance=0).passed


def test_unknown_direction_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        ordered("left_to_right", "#FFFFFF", "#000000")
