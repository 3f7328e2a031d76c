"""Sizes: parsing each system, and the size-order rule along a display."""

from __future__ import annotations

from datetime import date

import pytest

from merch.scoring import (
    InvalidAnswer,
    ItemOutcome,
    Problem,
    ScoringContext,
    check_sequence,
    parse_size,
    score_item,
    validate_answer,
)
from merch.scoring.sizes import UnknownSize

CONTEXT = ScoringContext(business_date=date(2026, 11, 24))


def ordered(direction: str, *sizes: str) -> ItemOutcome:
    answer = validate_answer("size_order", {"sizes": list(sizes)})
    return score_item(
        "size_order", {"direction": direction}, answer, photo_required=False, has_photo=False, context=CONTEXT
    )


def test_letter_sizes_large_to_small_pass_descending() -> None:
    assert ordered("descending", "9XL", "4XL", "3XL", "XXL", "XL", "L", "M", "S", "XS", "XXS").passed


def test_letter_sizes_small_to_large_pass_ascending() -> None:
    assert ordered("ascending", "XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL", "4XL").passed


def test_medium_above_large_fails_descending_naming_both_as_entered() -> None:
    outcome = ordered("descending", "XL", "m", "L")

    assert outcome.credit == 0
    assert outcome.problems == (Problem("size_order_descending", {"index": 2, "first": "m", "second": "L"}),)


def test_large_before_medium_fails_ascending() -> None:
    outcome = ordered("ascending", "S", "L", "M")

    assert outcome.problems == (Problem("size_order_ascending", {"index": 2, "first": "L", "second": "M"}),)


def test_one_problem_per_neighbouring_pair_out_of_order() -> None:
    outcome = ordered("ascending", "L", "M", "S")

    assert [(p.params["first"], p.params["second"]) for p in outcome.problems] == [("L", "M"), ("M", "S")]
    assert outcome.credit == 0


def test_equal_neighbours_pass_either_way() -> None:
    assert ordered("descending", "XL", "XL", "L").passed
    assert ordered("ascending", "S", "S", "M").passed


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [("2XL", "XXL"), ("3XL", "XXXL"), ("4XL", "XXXXL"), ("xl", "XL"), (" x l ", "XL"), ("Ｘ Ｌ", "XL"), ("2xs", "XXS")],
)
def test_spellings_of_one_letter_size_are_equal(spelling: str, same_as: str) -> None:
    assert parse_size(spelling) == parse_size(same_as)


def test_two_xl_and_xxl_are_equal_neighbours() -> None:
    assert ordered("ascending", "XL", "2XL", "XXL", "3XL").passed
    assert ordered("descending", "XXL", "2XL", "XL").passed


def test_four_xl_is_larger_than_three_xl() -> None:
    assert parse_size("4XL").order > parse_size("3XL").order
    assert parse_size("9XL").order > parse_size("8XL").order
    assert not ordered("ascending", "4XL", "3XL").passed


def test_numeric_sizes_order_by_number_including_halves() -> None:
    assert ordered("ascending", "36", "36.5", "38", "40", "100").passed
    assert not ordered("ascending", "38", "36.5").passed


def test_numeric_sizes_sent_as_json_numbers_are_read_as_strings() -> None:
    assert validate_answer("size_order", {"sizes": [36, 36.5, "38"]}) == {"sizes": ["36", "36.5", "38"]}
    assert ordered("descending", "40", "38", "36.5").passed


def test_chinese_body_sizes_order_by_height_then_chest() -> None:
    assert ordered("ascending", "160/80A", "165/84", "170/88Y", "170/92B").passed
    assert not ordered("ascending", "170/92A", "170/88A").passed
    assert not ordered("ascending", "170/84A", "165/88A").passed


def test_body_type_letter_does_not_order() -> None:
    assert parse_size("160/84A") == parse_size("160/84Y") == parse_size("160/84")
    assert ordered("ascending", "160/84Y", "160/84C", "160/84A").passed


@pytest.mark.parametrize("free", [["F", "FREE"], ["ONE SIZE", "均碼"], ["onesize", "均码", "f"]])
def test_free_size_always_passes(free: list[str]) -> None:
    assert ordered("descending", *free).passed
    assert ordered("ascending", *free).passed


def test_systems_are_told_apart() -> None:
    assert [parse_size(text).system for text in ("M", "38", "160/84A", "F")] == ["letter", "numeric", "body", "free"]


@pytest.mark.parametrize("text", ["XLL", "XXXS", "10XL", "", "38.555", "160/84Z", "big"])
def test_unknown_text_is_no_size(text: str) -> None:
    with pytest.raises(UnknownSize):
        parse_size(text)


def test_unknown_size_is_invalid_naming_the_size_and_field() -> None:
    with pytest.raises(InvalidAnswer) as raised:
        check_sequence(["M", "L", "XLL"])

    assert raised.value.code == "unknown_size"
    assert raised.value.field == "sizes[2]"
    assert raised.value.params["size"] == "XLL"


def test_mixed_systems_are_invalid_at_the_first_size_of_another_system() -> None:
    with pytest.raises(InvalidAnswer) as raised:
        check_sequence(["M", "L", "40", "42"])

    assert raised.value.code == "mixed_size_systems"
    assert raised.value.field == "sizes[2]"
    assert raised.value.params["size"] == "40"
    assert raised.value.params["other"] == "M"


def test_free_size_mixed_with_letters_is_invalid_not_a_pass() -> None:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer("size_order", {"sizes": ["F", "M"]})

    assert (raised.value.code, raised.value.field) == ("mixed_size_systems", "sizes[1]")


def test_the_first_fault_along_the_display_is_reported() -> None:
    with pytest.raises(InvalidAnswer) as raised:
        check_sequence(["M", "38", "XLL"])

    assert (raised.value.code, raised.value.field) == ("mixed_size_systems", "sizes[1]")


def test_check_sequence_returns_one_key_per_size() -> None:
    keys = check_sequence(["S", "M"])

    assert [key.system for key in keys] == ["letter", "letter"]
    assert keys[0].order < keys[1].order
