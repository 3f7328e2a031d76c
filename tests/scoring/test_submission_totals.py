"""The submission score: weighted, exact, rounded half up to one decimal."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from merch.scoring import submission_score


def test_all_items_passing_score_100() -> None:
    assert submission_score([(2, Fraction(1)), (1, Fraction(1)), (2, Fraction(1))]) == Decimal("100.0")


def test_all_items_failing_score_0() -> None:
    assert submission_score([(2, Fraction(0)), (1, Fraction(0))]) == Decimal("0.0")


def test_score_is_weighted() -> None:
    # 700 / 8 = 87.5
    assert submission_score([(7, Fraction(1)), (1, Fraction(0))]) == Decimal("87.5")


def test_partial_credit_counts_with_its_weight() -> None:
    # stack_count (weight 2) with half its stacks right, and one passing yes/no: (1 + 1) / 3
    assert submission_score([(2, Fraction(1, 2)), (1, Fraction(1))]) == Decimal("66.7")


def test_a_score_of_exactly_x_x5_rounds_up() -> None:
    # 100 × 49 / 400 = 12.25 exactly; banker's rounding would give 12.2
    assert submission_score([(49, Fraction(1)), (351, Fraction(0))]) == Decimal("12.3")
    # 100 × 1749 / 2000 = 87.45 exactly; a float would print 87.45 but round to 87.4
    assert submission_score([(1749, Fraction(1)), (251, Fraction(0))]) == Decimal("87.5")


def test_credits_are_used_unrounded() -> None:
    # (189/200 + 1) / 2 = 97.25 exactly → 97.3
    assert submission_score([(1, Fraction(189, 200)), (1, Fraction(1))]) == Decimal("97.3")
    # three thirds of a stack item: 100 × (1/3 + 1/3 + 1/3) / 3 is 33.3…, never 33.2
    assert submission_score([(1, Fraction(1, 3))] * 3) == Decimal("33.3")


def test_just_below_a_half_rounds_down() -> None:
    # 100 × 2449 / 20000 = 12.245 → 12.2
    assert submission_score([(2449, Fraction(1)), (17551, Fraction(0))]) == Decimal("12.2")


def test_a_hair_below_a_half_is_not_rounded_twice() -> None:
    # 12.2499…9 with 30 nines: a 28-digit Decimal division would make it 12.25 and then 12.3
    big = 10**30
    assert submission_score([(49 * big - 1, Fraction(1)), (351 * big + 1, Fraction(0))]) == Decimal("12.2")


def test_decimal_weights_are_read_as_written() -> None:
    # 0.03 / (0.03 + 0.45) = 6.25% exactly; the binary floats come to 6.2499… and would give 6.2
    assert submission_score([(0.03, Fraction(1)), (0.45, Fraction(0))]) == Decimal("6.3")


def test_no_weight_gives_no_score() -> None:
    assert submission_score([]) is None
    assert submission_score([(0, Fraction(1))]) is None


def test_the_score_is_a_one_decimal_decimal() -> None:
    score = submission_score([(1, Fraction(1)), (2, Fraction(0))])

    assert isinstance(score, Decimal)
    assert score == Decimal("33.3")
    assert score.as_tuple().exponent == -1
