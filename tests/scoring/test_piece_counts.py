"""Folded stacks (thin 4–6, thick 3–4) and hanging styles (2–4 pieces): pass, fail, partial credit."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from merch.scoring import ItemOutcome, Problem, ScoringContext, score_item, validate_answer

CONTEXT = ScoringContext(business_date=date(2026, 11, 24))
GUIDE_STACKS = {"thin": [4, 6], "thick": [3, 4]}
GUIDE_HANGING = {"min": 2, "max": 4}


def score(kind: str, params: dict[str, Any], answer: dict[str, Any]) -> ItemOutcome:
    return score_item(kind, params, validate_answer(kind, answer), photo_required=True, has_photo=True, context=CONTEXT)


def stacks(*pairs: tuple[str, int]) -> dict[str, Any]:
    return {"stacks": [{"thickness": thickness, "count": count} for thickness, count in pairs]}


@pytest.mark.parametrize("count", [4, 5, 6])
def test_four_to_six_thin_pieces_pass(count: int) -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", count)))

    assert outcome.passed
    assert outcome.credit == 1
    assert outcome.problems == ()


@pytest.mark.parametrize("count", [3, 7])
def test_three_or_seven_thin_pieces_fail(count: int) -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", count)))

    assert not outcome.passed
    assert outcome.credit == 0


def test_seven_thin_pieces_fail_with_reason() -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", 7)))

    assert outcome.problems == (
        Problem("stack_out_of_range", {"index": 1, "count": 7, "thickness": "thin", "min": 4, "max": 6}),
    )


@pytest.mark.parametrize(("count", "passes"), [(2, False), (3, True), (4, True), (5, False)])
def test_thick_stacks_hold_three_or_four_pieces(count: int, passes: bool) -> None:
    assert score("stack_count", GUIDE_STACKS, stacks(("thick", count))).passed is passes


def test_five_pieces_pass_thin_but_fail_thick() -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", 5), ("thick", 5)))

    assert outcome.problems == (
        Problem("stack_out_of_range", {"index": 2, "count": 5, "thickness": "thick", "min": 3, "max": 4}),
    )


def test_one_stack_of_two_in_range_earns_half_credit() -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", 5), ("thick", 6)))

    assert outcome.credit == Fraction(1, 2)
    assert not outcome.passed
    assert [problem.params["index"] for problem in outcome.problems] == [2]


def test_credit_is_exact_for_two_of_three_stacks() -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", 4), ("thin", 9), ("thick", 3)))

    assert outcome.credit == Fraction(2, 3)
    assert isinstance(outcome.credit, Fraction)


def test_one_problem_per_stack_out_of_range_numbered_from_one() -> None:
    outcome = score("stack_count", GUIDE_STACKS, stacks(("thin", 0), ("thin", 5), ("thick", 2)))

    assert [(p.params["index"], p.params["count"]) for p in outcome.problems] == [(1, 0), (3, 2)]
    assert outcome.credit == Fraction(1, 3)


def test_ranges_an_admin_changed_are_used() -> None:
    params = {"thin": [5, 8], "thick": [2, 2]}

    assert score("stack_count", params, stacks(("thin", 8), ("thick", 2))).passed
    assert not score("stack_count", params, stacks(("thin", 4))).passed


@pytest.mark.parametrize("count", [2, 3, 4])
def test_two_to_four_hanging_pieces_pass(count: int) -> None:
    assert score("count_range", GUIDE_HANGING, {"counts": [count]}).passed


@pytest.mark.parametrize("count", [0, 1, 5])
def test_fewer_than_two_or_more_than_four_hanging_pieces_fail(count: int) -> None:
    outcome = score("count_range", GUIDE_HANGING, {"counts": [count]})

    assert outcome.credit == 0
    assert outcome.problems == (Problem("hang_count_out_of_range", {"index": 1, "count": count, "min": 2, "max": 4}),)


def test_hanging_credit_is_the_share_of_styles_in_range() -> None:
    outcome = score("count_range", GUIDE_HANGING, {"counts": [1, 3, 5]})

    assert outcome.credit == Fraction(1, 3)
    assert [problem.params["index"] for problem in outcome.problems] == [1, 3]
