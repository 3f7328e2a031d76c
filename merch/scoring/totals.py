"""A submission's score from its items' weights and credits."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction


def _exact(value: int | float | Fraction | Decimal) -> Fraction:
    if isinstance(value, float):
        # A weight saved as 1.1 means eleven tenths, not the binary float next to it.
        return Fraction(repr(value))
    return Fraction(value)


def _round_half_up_to_tenths(value: Fraction) -> Decimal:
    # Rounded in integers: a Decimal division would first round to 28 digits and could
    # turn …x.x4999… into x.x5 before the half-up step.
    tenths, remainder = divmod(abs(value.numerator) * 10, value.denominator)
    if 2 * remainder >= value.denominator:
        tenths += 1
    return Decimal(-tenths if value < 0 else tenths).scaleb(-1)


def submission_score(items: Iterable[tuple[int | float, Fraction | None]]) -> Decimal | None:
    """100 × Σ(weight × credit) ÷ Σ weight, from exact credits, rounded half up to one decimal.

    An item whose credit is None was answered N/A: its weight leaves the sum. None when
    the weights add up to 0 (nothing to score).
    """
    weighted = Fraction(0)
    total = Fraction(0)
    for weight, credit in items:
        if credit is None:
            continue
        exact_weight = _exact(weight)
        weighted += exact_weight * _exact(credit)
        total += exact_weight
    if total == 0:
        return None
    return _round_half_up_to_tenths(100 * weighted / total)
