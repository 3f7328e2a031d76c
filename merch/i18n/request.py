"""The current request's language, and translators for it (the Flask side of ``merch.i18n``)."""

from __future__ import annotations

from collections.abc import Callable

from flask import g, request, session
from flask_babel import get_translations
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from merch.i18n import BABEL_LOCALES, choose_language, raw_translators


def current_language() -> str:
    """The reader's language tag (zh-Hant, zh-Hans or en) for this request.

    The API follows api.md: Accept-Language, the user's setting, the shop's, zh-Hant.
    Pages put a choice made in the app first: a shared shop phone's browser language is
    the phone's, not the assistant's.
    """
    cached = g.get("merch_language")
    if cached:
        return str(cached)
    header = request.headers.get("Accept-Language")
    try:
        user = g.get("api_user")
        if user is None and current_user and current_user.is_authenticated:
            user = current_user
        chosen = getattr(user, "language", None)
        shop_language = getattr(getattr(user, "shop", None), "language", None)
    except SQLAlchemyError:
        # Explaining that the database is unavailable must not need the database.
        chosen, shop_language = None, None
    if not request.path.startswith("/api/"):
        chosen = chosen or session.get("language")
        if chosen:
            header = None
    language = choose_language(header, chosen, shop_language)
    g.merch_language = language
    return language


def select_locale() -> str:
    """Flask-Babel's locale selector: the Babel identifier of ``current_language()``."""
    return BABEL_LOCALES[current_language()]


def translators() -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """Plain gettext/ngettext for this request's language."""
    return raw_translators(get_translations())
