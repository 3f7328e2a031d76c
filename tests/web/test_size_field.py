"""Reading the sizes typed or tapped into the checklist page's size field."""

from __future__ import annotations

import pytest

from merch.staff.forms import split_sizes


@pytest.mark.parametrize(
    ("typed", "sizes"),
    [
        ("XL, L, M, S", ["XL", "L", "M", "S"]),
        ("S M L", ["S", "M", "L"]),
        ("Free Size, Free Size", ["Free Size", "Free Size"]),
        ("ONE SIZE；均碼", ["ONE SIZE", "均碼"]),
        ("160/84 A, 165/88 A, 170/92 A", ["160/84 A", "165/88 A", "170/92 A"]),
        ("36 38、40", ["36", "38", "40"]),
        ("M\nL\r\nXL", ["M", "L", "XL"]),
        ("  ", []),
    ],
)
def test_sizes_are_split_on_separators_and_on_spaces_only_between_sizes(typed, sizes):
    assert split_sizes(typed) == sizes


def test_an_unknown_word_is_kept_for_the_validator_to_name():
    assert split_sizes("M banana L") == ["M", "banana", "L"]
