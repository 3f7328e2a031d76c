"""Sizes and colours: the two ordering rules (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from merch.scoring import (
    InvalidAnswer,
    Problem,
    ScoringContext,
    check_sequence,
    lightness,
    parse_size,
    score_item,
    validate_answer,
)

CONTEXT = ScoringContext(business_date=date(2026, 11, 24))


def order(kind, params, answer):
    return score_item(
        kind, params, validate_answer(kind, answer), photo_required=False, has_photo=False, context=CONTEXT
    )


def descending(*sizes):
    return order("size_order", {"direction": "descending"}, {"sizes": list(sizes)})


def ascending(*sizes):
    return order("size_order", {"direction": "ascending"}, {"sizes": list(sizes)})


def test_letter_sizes_large_to_small_pass_top_to_bottom():
    assert descending("XXXL", "XXL", "XL", "L", "M", "S", "XS", "XXS").passed


def test_equal_neighbours_are_fine():
    assert descending("XL", "XL", "L").passed
    assert ascending("S", "S", "M").passed


def test_medium_above_large_fails_with_the_guides_reason():
    outcome = descending("XL", "M", "L")

    assert outcome.credit == 0
    assert outcome.problems == (Problem("size_order_descending", {"index": 2, "first": "M", "second": "L"}),)


def test_one_problem_per_pair_out_of_order():
    outcome = ascending("L", "M", "S")

    assert [problem.params["first"] for problem in outcome.problems] == ["L", "M"]


@pytest.mark.parametrize(("a", "b"), [("2XL", "XXL"), ("3XL", "XXXL"), ("xl", "XL"), (" x l ", "XL")])
def test_letter_spellings_are_the_same_size(a, b):
    assert parse_size(a) == parse_size(b)


def test_four_xl_is_larger_than_three_xl():
    assert ascending("XL", "XXL", "3XL", "4XL", "9XL").passed
    assert not ascending("4XL", "3XL").passed


def test_numeric_sizes_order_by_number():
    assert ascending("36", "36.5", "38", "40").passed
    assert not ascending("40", "38").passed


def test_chinese_body_sizes_order_by_height_then_chest_ignoring_the_body_letter():
    assert ascending("160/80A", "165/84B", "170/88Y", "170/92").passed
    assert not ascending("170/92A", "170/88A").passed


@pytest.mark.parametrize("free", [["F", "FREE"], ["ONE SIZE", "均碼"], ["均码", "free"]])
def test_free_size_always_passes(free):
    assert descending(*free).passed


def test_unknown_size_is_named():
    with pytest.raises(InvalidAnswer) as raised:
        check_sequence(["M", "L", "XLL"])

    assert raised.value.params["size"] == "XLL"
    assert raised.value.field == "sizes[2]"


def test_mixed_systems_name_both_sizes():
    with pytest.raises(InvalidAnswer) as raised:
        check_sequence(["M", "L", "40"])

    assert raised.value.code == "mixed_size_systems"
    assert raised.value.params == {"size": "40", "other": "M", "index": 3}


def test_lightness_of_white_black_and_grey():
    assert lightness("#FFFFFF") == pytest.approx(100, abs=0.01)
    assert lightness("#000000") == pytest.approx(0, abs=0.01)
    assert lightness("#777777") == pytest.approx(50.0, abs=0.5)


def light_to_dark(*colours, tolerance=5):
    return order("colour_order", {"direction": "light_to_dark", "tolerance": tolerance}, {"colours": list(colours)})


def test_light_to_dark_passes():
    assert light_to_dark("#F5F0E6", "#C8A27A", "#3B2F2F").passed


def test_lighter_colour_after_a_dark_one_fails_with_both_named():
    outcome = light_to_dark("#F5F0E6", "#8A6E52", "#EEE6D8")

    assert outcome.credit == 0
    problem = outcome.problems[0]
    assert problem.code == "colour_lighter"
    assert (problem.params["index"], problem.params["colour"]) == (3, "#EEE6D8")
    assert (problem.params["other_index"], problem.params["other_colour"]) == (2, "#8A6E52")


def test_tolerance_allows_small_steps_back():
    # #777777 has L* ≈ 50.0; #7F7F7F ≈ 53.6 and #878787 ≈ 56.9
    assert light_to_dark("#FFFFFF", "#777777", "#7F7F7F", tolerance=5).passed
    assert not light_to_dark("#FFFFFF", "#777777", "#878787", tolerance=5).passed
    assert not light_to_dark("#FFFFFF", "#777777", "#7F7F7F", tolerance=3).passed


def test_compared_with_the_darkest_colour_before_it():
    # the third is darker than the second but lighter than the first dark one
    outcome = light_to_dark("#111111", "#EEEEEE", "#CCCCCC")

    assert [problem.params["index"] for problem in outcome.problems] == [2, 3]
    assert all(problem.params["other_index"] == 1 for problem in outcome.problems)


def test_dark_to_light_is_the_mirror():
    params = {"direction": "dark_to_light", "tolerance": 5}
    assert order("colour_order", params, {"colours": ["#111111", "#777777", "#EEEEEE"]}).passed
    outcome = order("colour_order", params, {"colours": ["#EEEEEE", "#111111"]})
    assert outcome.problems[0].code == "colour_darker"
