"""A shop's own size set: its sizes are known, and a display of them orders by the set."""

from __future__ import annotations

from datetime import date

import pytest

from merch.scoring import InvalidAnswer, ScoringContext, score_item, validate_answer
from merch.scoring.sizes import DEFAULT_SIZE_SET, check_size_set, split_size_set

KIDS = ("90", "100", "110", "XS/S", "M/L", "XL/XXL", "F")


def outcome(sizes: list[str], size_set: tuple[str, ...], direction: str = "ascending"):
    answer = validate_answer("size_order", {"sizes": sizes}, size_set=size_set)
    return score_item(
        "size_order",
        {"direction": direction},
        answer,
        photo_required=False,
        has_photo=False,
        context=ScoringContext(business_date=date(2026, 11, 24), area="hanging", size_set=size_set),
    )


def test_the_shops_own_sizes_are_known_and_order_by_the_set():
    assert outcome(["XS/S", "M/L", "XL/XXL"], KIDS).passed
    wrong = outcome(["M/L", "XS/S"], KIDS)
    assert not wrong.passed
    assert [(p.code, p.params["first"], p.params["second"]) for p in wrong.problems] == [
        ("size_order_ascending", "M/L", "XS/S")
    ]
    assert outcome(["XL/XXL", "M/L", "XS/S"], KIDS, "descending").passed


def test_without_the_set_the_same_sizes_are_refused_as_unknown():
    with pytest.raises(InvalidAnswer) as refused:
        validate_answer("size_order", {"sizes": ["XS/S", "M/L"]})
    assert refused.value.code == "unknown_size"


def test_sizes_outside_the_set_still_order_by_their_system():
    # 4XL is not on the default set: the display is ordered as letter sizes, as before.
    assert outcome(["M", "XL", "4XL"], DEFAULT_SIZE_SET).passed
    assert not outcome(["4XL", "M"], DEFAULT_SIZE_SET).passed


def test_a_set_does_not_mix_systems_in_one_display():
    with pytest.raises(InvalidAnswer) as letters_and_numbers:
        validate_answer("size_order", {"sizes": ["S", "38"]}, size_set=("S", "M", "38", "40"))
    assert letters_and_numbers.value.code == "mixed_size_systems"
    assert letters_and_numbers.value.field == "sizes[1]"
    with pytest.raises(InvalidAnswer) as free:
        validate_answer("size_order", {"sizes": ["M/L", "F"]}, size_set=KIDS)
    assert free.value.code == "mixed_size_systems"


def test_shop_only_sizes_go_with_a_system_in_one_display():
    assert outcome(["100", "110", "XS/S"], KIDS).passed
    assert not outcome(["XS/S", "110"], KIDS).passed


def test_free_size_of_the_set_always_passes():
    assert outcome(["F", "F"], KIDS, "descending").passed


def test_groups_are_ordered_by_the_set_each_on_its_own():
    answer = validate_answer("size_order", {"groups": [["XS/S", "M/L"], ["M/L", "XS/S"]]}, size_set=KIDS)
    result = score_item(
        "size_order",
        {"direction": "ascending"},
        answer,
        photo_required=False,
        has_photo=False,
        context=ScoringContext(business_date=date(2026, 11, 24), area="hanging", size_set=KIDS),
    )
    assert result.credit == 0.5


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "size_set_empty"),
        ("S, M, L, m", "size_set_duplicate"),
        ("M, XXL, 2XL", "size_set_duplicate"),
        ("S, L, M", "size_set_order"),
        ("38, 36", "size_set_order"),
        (", ".join(f"C{n}" for n in range(41)), "size_set_too_many"),
        ("S, " + "X" * 21, "size_set_too_long"),
    ],
)
def test_a_set_that_would_order_against_its_own_sizes_is_refused(text, code):
    problem = check_size_set(split_size_set(text))
    assert problem is not None and problem.code == code


def test_a_set_is_typed_with_commas_chinese_commas_or_lines():
    assert split_size_set("XS，S、M;L\nXL , ONE SIZE") == ["XS", "S", "M", "L", "XL", "ONE SIZE"]
    assert check_size_set(list(KIDS)) is None
    assert check_size_set(list(DEFAULT_SIZE_SET)) is None
