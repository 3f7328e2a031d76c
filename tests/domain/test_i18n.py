"""Language choice (api.md: RFC 4647 lookup with q-values, then user, shop, zh-Hant)."""

from __future__ import annotations

import pytest

from merch.i18n import choose_language, match_accept_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-TW", "zh-Hant"),
        ("zh-HK,en;q=0.5", "zh-Hant"),
        ("zh-MO", "zh-Hant"),
        ("zh-Hant-TW", "zh-Hant"),
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("en-US", "en"),
        ("EN", "en"),
        ("fr, en;q=0.4", "en"),
        ("en;q=0.3, zh-CN;q=0.9", "zh-Hans"),
        ("zh", None),
        ("zh, fr", None),
        ("*", None),
        ("en;q=0", None),
        ("", None),
        ("garbage;;;q=x", None),
    ],
)
def test_accept_language_lookup(header, language):
    assert match_accept_language(header) == language


def test_header_beats_user_setting_which_beats_shop():
    assert choose_language("en", "zh-Hans", "zh-Hant") == "en"
    assert choose_language("zh", "en", "zh-Hans") == "en"
    assert choose_language(None, None, "zh-Hans") == "zh-Hans"


def test_traditional_chinese_is_the_last_resort():
    assert choose_language("de", None, None) == "zh-Hant"
