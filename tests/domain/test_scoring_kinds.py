"""Every rule kind at the guide's edges (pure: no app, no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from merch.scoring import (
    InvalidAnswer,
    Problem,
    ScoringContext,
    score_item,
    submission_score,
    validate_answer,
)

TODAY = ScoringContext(business_date=date(2026, 11, 24))
STACKS = {"thin": [4, 6], "thick": [3, 4]}


def score(kind, params, answer, *, has_photo=True, photo_required=True, context=TODAY):
    return score_item(
        kind,
        params,
        validate_answer(kind, answer),
        photo_required=photo_required,
        has_photo=has_photo,
        context=context,
    )


def stacks(*pairs):
    return {"stacks": [{"thickness": thickness, "count": count} for thickness, count in pairs]}


@pytest.mark.parametrize("count", [4, 5, 6])
def test_four_to_six_thin_pieces_pass(count):
    outcome = score("stack_count", STACKS, stacks(("thin", count)))

    assert outcome.passed and outcome.credit == 1


@pytest.mark.parametrize("count", [3, 7])
def test_three_or_seven_thin_pieces_fail(count):
    outcome = score("stack_count", STACKS, stacks(("thin", count)))

    assert not outcome.passed and outcome.credit == 0


def test_seven_thin_pieces_fail_with_reason():
    outcome = score("stack_count", STACKS, stacks(("thin", 7)))

    assert outcome.problems == (
        Problem("stack_out_of_range", {"index": 1, "count": 7, "thickness": "thin", "min": 4, "max": 6}),
    )


@pytest.mark.parametrize(("count", "passes"), [(2, False), (3, True), (4, True), (5, False)])
def test_thick_stacks_hold_three_or_four(count, passes):
    assert score("stack_count", STACKS, stacks(("thick", count))).passed is passes


def test_one_stack_of_two_out_of_range_gets_half_credit():
    outcome = score("stack_count", STACKS, stacks(("thin", 5), ("thick", 6)))

    assert outcome.credit == Fraction(1, 2)
    assert [problem.params["index"] for problem in outcome.problems] == [2]


@pytest.mark.parametrize(("counts", "credit"), [([2, 3, 4], 1), ([1, 3, 5], Fraction(1, 3)), ([0], 0)])
def test_hanging_counts_between_two_and_four(counts, credit):
    outcome = score("count_range", {"min": 2, "max": 4}, {"counts": counts})

    assert outcome.credit == credit


def test_missing_answer_and_photo_are_both_listed():
    outcome = score("yes_no", {}, None, has_photo=False)

    assert [problem.code for problem in outcome.problems] == ["not_answered", "photo_required"]
    assert outcome.credit == 0


def test_missing_required_photo_scores_zero_even_with_a_good_answer():
    outcome = score("stack_count", STACKS, stacks(("thin", 5)), has_photo=False)

    assert outcome.credit == 0 and [p.code for p in outcome.problems] == ["photo_required"]


def test_rule_without_photo_requirement_passes_without_photo():
    assert score("yes_no", {}, {"ok": True}, has_photo=False, photo_required=False).passed


def test_yes_no_no_fails():
    outcome = score("yes_no", {}, {"ok": False})

    assert outcome.credit == 0 and outcome.problems == (Problem("answered_no"),)


@pytest.mark.parametrize(
    ("last_change", "changed_today", "passes"),
    [
        (date(2026, 11, 22), False, True),  # two days ago, max 3
        (date(2026, 11, 21), False, False),  # three days ago
        (None, False, False),  # nothing on record
        (None, True, True),
        (date(2026, 11, 1), True, True),
    ],
)
def test_window_refresh_from_the_shops_history(last_change, changed_today, passes):
    context = ScoringContext(business_date=date(2026, 11, 24), last_window_change=last_change)

    outcome = score("refresh", {"max_days": 3}, {"changed_today": changed_today}, context=context)

    assert outcome.passed is passes


def test_window_not_changed_for_three_days_says_so():
    context = ScoringContext(business_date=date(2026, 11, 24), last_window_change=date(2026, 11, 21))

    outcome = score("refresh", {"max_days": 3}, {"changed_today": False}, context=context)

    assert outcome.problems == (Problem("window_not_changed", {"days": 3, "max_days": 3}),)


def test_score_is_weighted_and_rounded_half_up():
    assert submission_score([(7, Fraction(1)), (1, Fraction(0))]) == Decimal("87.5")  # 700 / 8
    assert submission_score([(1, Fraction(1)), (2, Fraction(0))]) == Decimal("33.3")  # 100 / 3
    # (0.945 + 1) / 2 = 97.25 exactly: half up gives 97.3 where banker's rounding gives 97.2
    assert submission_score([(1, Fraction(189, 200)), (1, Fraction(1))]) == Decimal("97.3")
    # 100 × 2/3 = 66.66…: computed exactly, never 66.6 from a float truncation
    assert submission_score([(1, Fraction(2, 3))]) == Decimal("66.7")


def test_all_passing_items_score_100():
    assert submission_score([(2, Fraction(1)), (1, Fraction(1))]) == Decimal("100.0")


def test_no_weight_gives_no_score():
    assert submission_score([]) is None


@pytest.mark.parametrize(
    ("kind", "answer", "field", "code"),
    [
        ("stack_count", {"stacks": [{"thickness": "thin", "count": 201}]}, "stacks[0].count", "count_out_of_bounds"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": -1}]}, "stacks[0].count", "count_out_of_bounds"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": True}]}, "stacks[0].count", "count_out_of_bounds"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": 4.5}]}, "stacks[0].count", "count_out_of_bounds"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": "5"}]}, "stacks[0].count", "count_out_of_bounds"),
        (
            "stack_count",
            {"stacks": [{"thickness": "medium", "count": 5}]},
            "stacks[0].thickness",
            "bad_thickness",
        ),
        ("stack_count", {"stacks": []}, "stacks", "too_few"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": 5}] * 51}, "stacks", "too_many"),
        ("stack_count", {"stacks": ["5"]}, "stacks[0]", "wrong_type"),
        ("stack_count", {}, "stacks", "missing_field"),
        ("count_range", {"counts": [3, 300]}, "counts[1]", "count_out_of_bounds"),
        ("count_range", {"counts": [3] * 101}, "counts", "too_many"),
        ("count_range", {"counts": "3"}, "counts", "wrong_type"),
        ("size_order", {"sizes": ["M"]}, "sizes", "too_few"),
        ("size_order", {"sizes": ["S"] * 31}, "sizes", "too_many"),
        ("size_order", {"sizes": ["M", "XLL"]}, "sizes[1]", "unknown_size"),
        ("size_order", {"sizes": ["M", "38"]}, "sizes[1]", "mixed_size_systems"),
        ("size_order", {"sizes": ["F", "M"]}, "sizes[1]", "mixed_size_systems"),
        ("colour_order", {"colours": ["#FFF", "#000000"]}, "colours[0]", "bad_colour"),
        ("colour_order", {"colours": ["#FFFFFF", "red"]}, "colours[1]", "bad_colour"),
        ("colour_order", {"colours": ["#FFFFFF"]}, "colours", "too_few"),
        ("yes_no", {"ok": "yes"}, "ok", "wrong_type"),
        ("yes_no", {}, "ok", "missing_field"),
        ("yes_no", [True], "", "wrong_type"),
        ("refresh", {"changed_today": 1}, "changed_today", "wrong_type"),
    ],
)
def test_answers_outside_the_contract_are_invalid_not_failed(kind, answer, field, code):
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer(kind, answer)

    assert raised.value.field == field
    assert raised.value.code == code


def test_null_answer_is_no_answer():
    assert validate_answer("stack_count", None) is None


def test_colours_are_normalised_to_upper_case_and_extra_keys_ignored():
    assert validate_answer("colour_order", {"colours": ["#f5f0e6", "#3b2f2f"], "note": "x"}) == {
        "colours": ["#F5F0E6", "#3B2F2F"]
    }


def test_numeric_sizes_sent_as_numbers_are_read_as_strings():
    assert validate_answer("size_order", {"sizes": [36, 38.5]}) == {"sizes": ["36", "38.5"]}
