"""Language choice: Accept-Language, then the user's setting, then the shop's, then zh-Hant.

Pure functions; the Flask-Babel locale selector in ``merch/web.py`` feeds them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DEFAULT_LANGUAGE = "zh-Hant"
LANGUAGES = ("zh-Hant", "zh-Hans", "en")
LANGUAGE_NAMES = {"zh-Hant": "繁體中文", "zh-Hans": "简体中文", "en": "English"}
# Our tags to Babel's locale identifiers (catalog folder names).
BABEL_LOCALES = {"zh-Hant": "zh_Hant", "zh-Hans": "zh_Hans", "en": "en"}

# api.md: which language ranges match which language. Bare "zh" matches nothing: it does
# not say which script the reader can read.
_RANGE_TO_LANGUAGE = {
    "zh-hant": "zh-Hant",
    "zh-tw": "zh-Hant",
    "zh-hk": "zh-Hant",
    "zh-mo": "zh-Hant",
    "zh-hans": "zh-Hans",
    "zh-cn": "zh-Hans",
    "zh-sg": "zh-Hans",
    "en": "en",
}


def _parse_accept_language(header: str) -> list[tuple[str, float]]:
    ranges: list[tuple[str, float]] = []
    for part in header.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, rest = piece.partition(";")
        quality = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if 0 < quality <= 1:
            ranges.append((tag.strip().lower(), quality))
    # Stable sort: equal q-values keep the client's order.
    ranges.sort(key=lambda item: -item[1])
    return ranges


def match_accept_language(header: str | None) -> str | None:
    """RFC 4647 lookup of an Accept-Language header against our languages."""
    if not header:
        return None
    for tag, _quality in _parse_accept_language(header):
        subtags = tag.split("-")
        while subtags:
            found = _RANGE_TO_LANGUAGE.get("-".join(subtags))
            if found:
                return found
            subtags.pop()
            # RFC 4647 §3.4: a single-letter subtag is dropped with the one after it.
            if subtags and len(subtags[-1]) == 1:
                subtags.pop()
    return None


def normalise_language(value: str | None) -> str | None:
    """Our tag for a stored or submitted language value, or None if it is not one of ours."""
    if not value:
        return None
    return _RANGE_TO_LANGUAGE.get(value.strip().lower().replace("_", "-"))


def choose_language(accept_language: str | None, user_language: str | None, shop_language: str | None) -> str:
    """The reader's language by api.md's order of precedence."""
    return (
        match_accept_language(accept_language)
        or normalise_language(user_language)
        or normalise_language(shop_language)
        or DEFAULT_LANGUAGE
    )


Translator = Callable[..., str]


def raw_translators(translations: Any) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """Plain gettext/ngettext over a Babel catalog, leaving placeholders to the caller.

    The scoring messages fill their own named placeholders; Flask-Babel's ngettext would
    apply ``%`` itself and break on them.
    """

    def gettext(message: str) -> str:
        return str(translations.ugettext(message))

    def ngettext(singular: str, plural: str, num: int) -> str:
        return str(translations.ungettext(singular, plural, num))

    return gettext, ngettext
