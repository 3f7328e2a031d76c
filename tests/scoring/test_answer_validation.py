"""Answers outside the contract are refused (422 invalid_answer) naming the field, never failed."""

from __future__ import annotations

from typing import Any

import pytest

from merch.scoring import InvalidAnswer, validate_answer


def refused(kind: str, answer: Any) -> InvalidAnswer:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer(kind, answer)
    return raised.value


def stack(thickness: Any = "thin", count: Any = 5) -> dict[str, Any]:
    return {"thickness": thickness, "count": count}


@pytest.mark.parametrize("kind", ["yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh"])
def test_null_answer_is_no_answer(kind: str) -> None:
    assert validate_answer(kind, None) is None


@pytest.mark.parametrize("count", [True, False, 201, -1, 5.0, 4.5, "5", None, [5]])
def test_a_stack_count_must_be_a_whole_number_from_0_to_200(count: Any) -> None:
    error = refused("stack_count", {"stacks": [stack(count=5), stack(count=5), stack(count=count)]})

    assert error.code == "count_out_of_bounds"
    assert error.field == "stacks[2].count"
    assert error.params == {"index": 3, "name": "stack", "minimum": 0, "maximum": 200}


@pytest.mark.parametrize("count", [0, 200])
def test_counts_0_and_200_are_accepted(count: int) -> None:
    assert validate_answer("stack_count", {"stacks": [stack(count=count)]}) == {"stacks": [stack(count=count)]}
    assert validate_answer("count_range", {"counts": [count]}) == {"counts": [count]}


@pytest.mark.parametrize("count", [True, 201, -1, 3.0])
def test_a_hanging_count_must_be_a_whole_number_from_0_to_200(count: Any) -> None:
    error = refused("count_range", {"counts": [3, count]})

    assert (error.code, error.field) == ("count_out_of_bounds", "counts[1]")
    assert error.params["name"] == "style" and error.params["index"] == 2


def test_fifty_stacks_are_accepted_and_fifty_one_refused() -> None:
    assert validate_answer("stack_count", {"stacks": [stack()] * 50}) is not None

    error = refused("stack_count", {"stacks": [stack()] * 51})

    assert (error.code, error.field, error.params) == ("too_many", "stacks", {"name": "stacks", "maximum": 50})


def test_no_stacks_are_refused() -> None:
    error = refused("stack_count", {"stacks": []})

    assert (error.code, error.field, error.params) == ("too_few", "stacks", {"name": "stacks", "minimum": 1})


def test_more_than_100_hanging_styles_are_refused() -> None:
    assert validate_answer("count_range", {"counts": [3] * 100}) is not None
    assert refused("count_range", {"counts": [3] * 101}).code == "too_many"
    assert refused("count_range", {"counts": []}).code == "too_few"


@pytest.mark.parametrize("thickness", ["medium", "Thin", "", 1, None])
def test_thickness_must_be_thin_or_thick(thickness: Any) -> None:
    error = refused("stack_count", {"stacks": [stack(), stack(thickness=thickness)]})

    assert (error.code, error.field, error.params) == ("bad_thickness", "stacks[1].thickness", {"index": 2})


def test_a_stack_without_thickness_or_count_names_the_missing_field() -> None:
    no_thickness = refused("stack_count", {"stacks": [{"count": 5}]})
    no_count = refused("stack_count", {"stacks": [{"thickness": "thin"}]})

    assert (no_thickness.code, no_thickness.field) == ("missing_field", "stacks[0].thickness")
    assert (no_count.code, no_count.field) == ("missing_field", "stacks[0].count")


def test_a_stack_that_is_not_an_object_is_the_wrong_type() -> None:
    error = refused("stack_count", {"stacks": [stack(), "5"]})

    assert (error.code, error.field) == ("wrong_type", "stacks[1]")


@pytest.mark.parametrize(
    ("kind", "answer", "field"),
    [
        ("yes_no", {"ok": "yes"}, "ok"),
        ("yes_no", {"ok": 1}, "ok"),
        ("yes_no", {"ok": None}, "ok"),
        ("refresh", {"changed_today": 1}, "changed_today"),
        ("count_range", {"counts": "3"}, "counts"),
        ("stack_count", {"stacks": {"thickness": "thin", "count": 5}}, "stacks"),
        ("size_order", {"sizes": "S,M"}, "sizes"),
        ("size_order", {"sizes": ["S", None]}, "sizes[1]"),
        ("size_order", {"sizes": ["S", True]}, "sizes[1]"),
        ("colour_order", {"colours": "#FFFFFF"}, "colours"),
        ("yes_no", [True], ""),
        ("refresh", True, ""),
        ("stack_count", "5", ""),
    ],
)
def test_values_of_the_wrong_json_type_are_refused(kind: str, answer: Any, field: str) -> None:
    error = refused(kind, answer)

    assert (error.code, error.field) == ("wrong_type", field)


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("yes_no", "ok"),
        ("refresh", "changed_today"),
        ("stack_count", "stacks"),
        ("count_range", "counts"),
        ("size_order", "sizes"),
        ("colour_order", "colours"),
    ],
)
def test_an_empty_object_names_the_missing_field(kind: str, field: str) -> None:
    error = refused(kind, {})

    assert (error.code, error.field, error.params) == ("missing_field", field, {"name": field})


@pytest.mark.parametrize("colour", ["#FFF", "red", "#GGGGGG", "FFFFFF", "#FFFFFFF", 16777215, None])
def test_a_colour_must_be_rrggbb(colour: Any) -> None:
    error = refused("colour_order", {"colours": ["#FFFFFF", colour]})

    assert (error.code, error.field) == ("bad_colour", "colours[1]")
    assert error.params["index"] == 2


def test_colours_are_normalised_to_upper_case() -> None:
    assert validate_answer("colour_order", {"colours": ["#f5f0e6", " #3b2f2f "]}) == {"colours": ["#F5F0E6", "#3B2F2F"]}


def test_colour_and_size_lists_hold_2_to_30_entries() -> None:
    assert refused("colour_order", {"colours": ["#FFFFFF"]}).params == {"name": "colours", "minimum": 2}
    assert refused("colour_order", {"colours": ["#FFFFFF"] * 31}).params == {"name": "colours", "maximum": 30}
    assert refused("size_order", {"sizes": ["M"]}).params == {"name": "sizes", "minimum": 2}
    assert refused("size_order", {"sizes": ["M"] * 31}).params == {"name": "sizes", "maximum": 30}
    assert validate_answer("size_order", {"sizes": ["M"] * 30}) is not None


def test_unknown_size_is_refused_naming_it() -> None:
    error = refused("size_order", {"sizes": ["M", "XLL"]})

    assert (error.code, error.field) == ("unknown_size", "sizes[1]")
    assert error.params["size"] == "XLL"


def test_mixed_size_systems_are_refused_naming_both() -> None:
    error = refused("size_order", {"sizes": ["M", 38]})

    assert (error.code, error.field) == ("mixed_size_systems", "sizes[1]")
    assert (error.params["size"], error.params["other"]) == ("38", "M")


def test_sizes_are_kept_as_entered_without_surrounding_spaces() -> None:
    assert validate_answer("size_order", {"sizes": [" xl ", "L"]}) == {"sizes": ["xl", "L"]}


def test_unknown_extra_keys_are_dropped() -> None:
    assert validate_answer("yes_no", {"ok": True, "note": "new shelf"}) == {"ok": True}
    assert validate_answer("stack_count", {"stacks": [{**stack(), "colour": "red"}], "x": 1}) == {"stacks": [stack()]}
    assert validate_answer("refresh", {"changed_today": False, "photo": 3}) == {"changed_today": False}


def test_invalid_answer_is_a_value_error_with_its_field() -> None:
    error = refused("count_range", {"counts": [300]})

    assert isinstance(error, ValueError)
    assert "counts[0]" in str(error)


def test_unknown_kind_is_a_programming_error_not_an_invalid_answer() -> None:
    with pytest.raises(ValueError) as raised:
        validate_answer("smell", {"ok": True})

    assert not isinstance(raised.value, InvalidAnswer)
