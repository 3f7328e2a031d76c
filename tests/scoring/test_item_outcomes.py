"""One item: missing answers and photos, yes/no rules, and problems stored as JSON."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from merch.scoring import KINDS, ItemOutcome, Problem, ScoringContext, score_item
from merch.scoring.answers import VALIDATORS
from merch.scoring.rules import SCORERS

CONTEXT = ScoringContext(business_date=date(2026, 11, 24))


def test_the_six_kinds_of_the_guide() -> None:
    assert KINDS == ("yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh")


def test_every_kind_can_be_read_and_scored() -> None:
    assert set(VALIDATORS) == set(SCORERS) == set(KINDS)


def test_no_answer_scores_zero_as_not_answered() -> None:
    outcome = score_item("yes_no", {}, None, photo_required=False, has_photo=False, context=CONTEXT)

    assert outcome.credit == 0
    assert outcome.problems == (Problem("not_answered", {}),)


def test_not_answered_and_photo_missing_lists_both_in_that_order() -> None:
    outcome = score_item("stack_count", {}, None, photo_required=True, has_photo=False, context=CONTEXT)

    assert [problem.code for problem in outcome.problems] == ["not_answered", "photo_required"]
    assert outcome.credit == 0


def test_missing_required_photo_scores_zero_even_with_a_good_answer() -> None:
    answer = {"stacks": [{"thickness": "thin", "count": 5}]}

    outcome = score_item(
        "stack_count", {"thin": [4, 6], "thick": [3, 4]}, answer, photo_required=True, has_photo=False, context=CONTEXT
    )

    assert outcome.credit == 0
    assert outcome.problems == (Problem("photo_required", {}),)


def test_missing_photo_hides_the_kinds_own_problems() -> None:
    outcome = score_item("yes_no", {}, {"ok": False}, photo_required=True, has_photo=False, context=CONTEXT)

    assert [problem.code for problem in outcome.problems] == ["photo_required"]


def test_rule_without_photo_requirement_passes_without_a_photo() -> None:
    outcome = score_item("yes_no", {}, {"ok": True}, photo_required=False, has_photo=False, context=CONTEXT)

    assert outcome.passed and outcome.credit == 1


def test_yes_passes_with_full_credit() -> None:
    outcome = score_item("yes_no", {}, {"ok": True}, photo_required=True, has_photo=True, context=CONTEXT)

    assert outcome == ItemOutcome(Fraction(1), ())
    assert outcome.passed


def test_no_fails_as_answered_no() -> None:
    outcome = score_item("yes_no", {}, {"ok": False}, photo_required=True, has_photo=True, context=CONTEXT)

    assert outcome.credit == 0
    assert outcome.problems == (Problem("answered_no", {}),)
    assert not outcome.passed


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        score_item("smell", {}, {"ok": True}, photo_required=False, has_photo=False, context=CONTEXT)


def test_problem_survives_a_json_round_trip() -> None:
    problem = Problem("stack_out_of_range", {"index": 1, "count": 7, "thickness": "thin", "min": 4, "max": 6})

    stored = json.dumps(problem.to_json())

    assert json.loads(stored) == {"code": "stack_out_of_range", "params": problem.params}
    assert Problem.from_json(json.loads(stored)) == problem


def test_problem_without_params_stores_an_empty_object() -> None:
    assert Problem("not_answered").to_json() == {"code": "not_answered", "params": {}}


def test_damaged_stored_problem_still_reads() -> None:
    assert Problem.from_json({"code": "answered_no"}) == Problem("answered_no", {})
    assert Problem.from_json({"params": None}) == Problem("", {})
