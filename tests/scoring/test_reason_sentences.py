"""Problems and refusals as English sentences, with plurals and one-based positions."""

from __future__ import annotations

from typing import Any

import pytest

from merch.messages.reasons import render_invalid, render_problem
from merch.scoring import InvalidAnswer, Problem, validate_answer


def english(message: str) -> str:
    return message


def english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def say(code: str, **params: Any) -> str:
    return render_problem(Problem(code, params), english, english_plural)


def refusal(kind: str, answer: Any) -> str:
    with pytest.raises(InvalidAnswer) as raised:
        validate_answer(kind, answer)
    return render_invalid(raised.value, english, english_plural)


def test_seven_thin_pieces_read_with_an_en_dash_range() -> None:
    assert say("stack_out_of_range", index=1, count=7, thickness="thin", min=4, max=6) == (
        "stack 1: 7 thin pieces, 4–6 allowed"
    )


def test_one_thick_piece_is_singular() -> None:
    assert say("stack_out_of_range", index=2, count=1, thickness="thick", min=3, max=4) == (
        "stack 2: 1 thick piece, 3–4 allowed"
    )


def test_zero_pieces_are_plural() -> None:
    assert say("stack_out_of_range", index=1, count=0, thickness="thin", min=4, max=6) == (
        "stack 1: 0 thin pieces, 4–6 allowed"
    )


def test_hanging_counts_read_per_style_with_plurals() -> None:
    assert say("hang_count_out_of_range", index=2, count=5, min=2, max=4) == "style 2: 5 pieces, 2–4 allowed"
    assert say("hang_count_out_of_range", index=1, count=1, min=2, max=4) == "style 1: 1 piece, 2–4 allowed"


def test_size_order_reasons_name_both_sizes() -> None:
    assert say("size_order_descending", index=1, first="M", second="L") == (
        "M above L: sizes must get smaller going down"
    )
    assert say("size_order_ascending", index=1, first="L", second="M") == (
        "L before M: sizes must get larger going back"
    )


def test_colour_reasons_name_both_colours_and_positions() -> None:
    lighter = {"index": 3, "colour": "#EEE6D8", "other_index": 2, "other_colour": "#8A6E52", "difference": 40.2}
    darker = {"index": 3, "colour": "#111111", "other_index": 2, "other_colour": "#EEEEEE", "difference": 87.4}

    assert say("colour_lighter", **lighter) == "colour 3 (#EEE6D8) is lighter than colour 2 (#8A6E52)"
    assert say("colour_darker", **darker) == "colour 3 (#111111) is darker than colour 2 (#EEEEEE)"


def test_missing_answer_photo_and_no_read_plainly() -> None:
    assert say("not_answered") == "not answered"
    assert say("photo_required") == "photo required"
    assert say("answered_no") == "answered no"


def test_window_not_changed_has_plurals_for_both_numbers() -> None:
    assert say("window_not_changed", days=3, max_days=3) == (
        "window last changed 3 days ago: change it at least every 3 days"
    )
    assert say("window_not_changed", days=1, max_days=1) == (
        "window last changed 1 day ago: change it at least every 1 day"
    )


def test_window_never_changed_says_what_to_do() -> None:
    assert say("window_never_changed", max_days=3) == "no window change on record: change the window and photograph it"


def test_unknown_problem_code_falls_back_to_the_code() -> None:
    assert say("from_a_newer_version", x=1) == "from_a_newer_version"


def test_problem_with_damaged_params_falls_back_to_the_code() -> None:
    assert say("stack_out_of_range") == "stack_out_of_range"
    assert say("colour_lighter", index=3, colour="#EEE6D8") == "colour_lighter"
    assert say("size_order_ascending", first="L") == "size_order_ascending"


def test_translations_may_reorder_the_named_values() -> None:
    def reordering(message: str) -> str:
        return {"%(first)s above %(second)s: sizes must get smaller going down": "%(second)s / %(first)s"}.get(
            message, message
        )

    problem = Problem("size_order_descending", {"index": 1, "first": "M", "second": "L"})

    assert render_problem(problem, reordering, english_plural) == "L / M"


def test_plural_form_is_chosen_by_the_count_in_the_sentence() -> None:
    seen: list[int] = []

    def counting(singular: str, plural: str, n: int) -> str:
        seen.append(n)
        return plural

    render_problem(
        Problem("stack_out_of_range", {"index": 4, "count": 7, "thickness": "thin", "min": 4, "max": 6}),
        english,
        counting,
    )

    assert seen == [7]


def test_invalid_count_names_the_stack_one_based() -> None:
    assert refusal(
        "stack_count", {"stacks": [{"thickness": "thin", "count": 5}] * 2 + [{"thickness": "thin", "count": 201}]}
    ) == ("stack 3: the count must be a whole number from 0 to 200")


def test_invalid_hanging_count_names_the_style() -> None:
    assert refusal("count_range", {"counts": [True]}) == "style 1: the count must be a whole number from 0 to 200"


def test_missing_count_reads_like_a_bad_count() -> None:
    assert refusal("stack_count", {"stacks": [{"thickness": "thin"}]}) == (
        "stack 1: the count must be a whole number from 0 to 200"
    )


def test_bad_or_missing_thickness_asks_for_thin_or_thick() -> None:
    assert refusal("stack_count", {"stacks": [{"thickness": "fat", "count": 5}]}) == "stack 1: choose thin or thick"
    assert refusal("stack_count", {"stacks": [{"count": 5}] * 2}) == "stack 1: choose thin or thick"


def test_unknown_size_is_quoted() -> None:
    assert refusal("size_order", {"sizes": ["M", "XLL"]}) == "unknown size “XLL”"


def test_mixed_sizes_name_both_and_say_what_to_do() -> None:
    assert refusal("size_order", {"sizes": ["M", "38"]}) == (
        "size “38” does not match the other sizes (“M”): use one size system per display"
    )


def test_bad_colour_names_its_position() -> None:
    assert refusal("colour_order", {"colours": ["#FFFFFF", "#FFF"]}) == "colour 2 must look like #RRGGBB"


@pytest.mark.parametrize(
    ("kind", "answer", "sentence"),
    [
        ("size_order", {"sizes": ["M"]}, "list at least 2 sizes"),
        ("size_order", {"sizes": ["M"] * 31}, "list at most 30 sizes"),
        ("colour_order", {"colours": ["#FFFFFF"]}, "list at least 2 colours"),
        ("colour_order", {"colours": ["#FFFFFF"] * 31}, "list at most 30 colours"),
        ("stack_count", {"stacks": []}, "count at least 1 stack"),
        ("stack_count", {"stacks": [{"thickness": "thin", "count": 5}] * 51}, "count at most 50 stacks"),
        ("count_range", {"counts": []}, "count at least 1 style"),
        ("count_range", {"counts": [3] * 101}, "count at most 100 styles"),
    ],
)
def test_list_length_refusals_use_plurals(kind: str, answer: Any, sentence: str) -> None:
    assert refusal(kind, answer) == sentence


def test_wrong_json_types_get_a_general_sentence() -> None:
    assert refusal("yes_no", {"ok": "yes"}) == "this answer is not in the expected form"
    assert refusal("yes_no", {}) == "this answer is not in the expected form"


def test_unknown_invalid_code_does_not_crash() -> None:
    error = InvalidAnswer("from_a_newer_version", "x", y=1)

    assert render_invalid(error, english, english_plural) == "this answer is not in the expected form"


def test_the_old_bad_count_code_still_reads() -> None:
    error = InvalidAnswer("bad_count", "stacks[2].count", index=3, name="stack", maximum=200)

    assert render_invalid(error, english, english_plural) == "stack 3: the count must be a whole number from 0 to 200"
