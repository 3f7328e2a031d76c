"""Reasons as sentences, in English and through the real catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.support import Translations

from merch.i18n import raw_translators
from merch.messages.reasons import render_invalid, render_problem
from merch.scoring import InvalidAnswer, Problem

CATALOGS = Path(__file__).resolve().parents[2] / "merch" / "translations"


def english(message: str) -> str:
    return message


def english_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def say(problem: Problem) -> str:
    return render_problem(problem, english, english_plural)


@pytest.mark.parametrize(
    ("problem", "sentence"),
    [
        (
            Problem("stack_out_of_range", {"index": 3, "count": 7, "thickness": "thin", "min": 4, "max": 6}),
            "stack 3: 7 thin pieces, 4–6 allowed",
        ),
        (
            Problem("stack_out_of_range", {"index": 2, "count": 1, "thickness": "thick", "min": 3, "max": 4}),
            "stack 2: 1 thick piece, 3–4 allowed",
        ),
        (
            Problem("hang_count_out_of_range", {"index": 1, "count": 1, "min": 2, "max": 4}),
            "style 1: 1 piece, 2–4 allowed",
        ),
        (
            Problem("hang_count_out_of_range", {"index": 2, "count": 5, "min": 2, "max": 4}),
            "style 2: 5 pieces, 2–4 allowed",
        ),
        (
            Problem("size_order_descending", {"index": 1, "first": "M", "second": "L"}),
            "M above L: sizes must get smaller going down",
        ),
        (
            Problem("size_order_ascending", {"index": 1, "first": "L", "second": "M"}),
            "L before M: sizes must get larger going back",
        ),
        (
            Problem(
                "colour_lighter",
                {"index": 3, "colour": "#EEE6D8", "other_index": 2, "other_colour": "#8A6E52"},
            ),
            "colour 3 (#EEE6D8) is lighter than colour 2 (#8A6E52)",
        ),
        (
            Problem("window_not_changed", {"days": 1, "max_days": 1}),
            "window last changed 1 day ago: change it at least every 1 day",
        ),
        (
            Problem("window_never_changed", {"max_days": 3}),
            "no window change on record: change the window and photograph it",
        ),
        (Problem("not_answered"), "not answered"),
        (Problem("photo_required"), "photo required"),
    ],
)
def test_english_reasons(problem, sentence):
    assert say(problem) == sentence


def test_unknown_problem_code_shows_the_code_instead_of_crashing():
    assert say(Problem("from_a_newer_version", {"x": 1})) == "from_a_newer_version"
    assert say(Problem("stack_out_of_range", {})) == "stack_out_of_range"


def test_invalid_answers_name_the_position_one_based():
    error = InvalidAnswer("bad_count", "stacks[2].count", index=3, name="stack", maximum=200)

    assert render_invalid(error, english, english_plural) == "stack 3: the count must be a whole number from 0 to 200"
    assert (
        render_invalid(InvalidAnswer("unknown_size", "sizes[1]", size="XLL"), english, english_plural)
        == "unknown size “XLL”"
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_Hant", "第 3 疊：薄款 7 件，應為 4–6 件"), ("zh_Hans", "第 3 叠：薄款 7 件，应为 4–6 件")],
)
def test_reasons_in_chinese_keep_the_numbers(locale, expected):
    gettext, ngettext = raw_translators(Translations.load(str(CATALOGS), [locale]))
    problem = Problem("stack_out_of_range", {"index": 3, "count": 7, "thickness": "thin", "min": 4, "max": 6})

    assert render_problem(problem, gettext, ngettext) == expected
