"""Reasons and refusals in the current request's language, for pages and API alike."""

from __future__ import annotations

from typing import Any

from merch.i18n.request import translators
from merch.messages.reasons import render_problem
from merch.messages.refusals import refusal_message
from merch.models import ItemResult
from merch.scoring import Problem


def problem_lines(item: ItemResult) -> list[str]:
    """An item's problems as sentences, one per line."""
    gettext, ngettext = translators()
    return [render_problem(Problem.from_json(raw), gettext, ngettext) for raw in item.problems]


def refusal(code: str, params: dict[str, Any] | None = None) -> str:
    """The sentence for a refused request."""
    gettext, ngettext = translators()
    return refusal_message(code, params or {}, gettext, ngettext)
