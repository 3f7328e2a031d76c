"""Reasons and refusals in the current request's language, for pages and API alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import get_translations

from merch.i18n import raw_translators
from merch.messages import refusal_message
from merch.models import ItemResult
from merch.scoring import Problem, render_problem


def translators() -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """Plain gettext/ngettext for this request's language."""
    return raw_translators(get_translations())


def problem_lines(item: ItemResult) -> list[str]:
    """An item's problems as sentences, one per line."""
    gettext, ngettext = translators()
    return [render_problem(Problem.from_json(raw), gettext, ngettext) for raw in item.problems]


def refusal(code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for a refused request."""
    gettext, ngettext = translators()
    return refusal_message(code, params or {}, gettext, ngettext)
