"""Why a rule change cannot be saved, as a sentence for the admin (pure).

Field names (``params.thin``, ``titles.en``) are quoted as sent: they are the API's and the
editor's own names, the same in every language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.scoring.params import InvalidRule

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _sentence(code: str, p: dict[str, Any], gettext: Gettext) -> str | None:
    if code == "required":
        return gettext("“%(field)s” is required") % p
    if code == "whole_number":
        return gettext("“%(field)s” must be a whole number from %(minimum)s to %(maximum)s") % p
    if code == "number":
        return gettext("“%(field)s” must be a number from %(minimum)s to %(maximum)s") % p
    if code == "boolean":
        return gettext("“%(field)s” must be true or false") % p
    if code == "choice":
        return gettext("“%(field)s” must be one of: %(choices)s") % p
    if code == "range":
        return gettext("“%(field)s” must be two whole numbers [low, high] from %(minimum)s to %(maximum)s") % p
    if code == "min_above_max":
        return gettext("the minimum cannot be above the maximum")
    if code == "unknown_setting":
        return gettext("“%(field)s” is not a setting of this rule") % p
    if code == "title":
        return gettext("“%(field)s” must be a text of 1 to %(maximum)s characters") % p
    if code == "shifts":
        return gettext("choose at least one shift, each once: opening, closing, visit")
    if code == "kind_fixed":
        return gettext("the kind of a rule cannot change (it is %(kind)s)") % p
    if code == "key":
        return gettext("a rule key is 2 to 64 lower-case letters, digits or _, starting with a letter")
    if code == "key_mismatch":
        return gettext("the key in the body must be %(key)s, as in the address") % p
    if code == "object":
        return gettext("“%(field)s” must be an object") % {"field": p.get("field") or "body"}
    return None


def render_rule_error(error: InvalidRule, gettext: Gettext, ngettext: Ngettext) -> str:
    """The sentence for a refused rule change; a generic one when it cannot be rendered."""
    try:
        sentence = _sentence(error.code, dict(error.params), gettext)
    except (KeyError, TypeError, ValueError):
        sentence = None
    return sentence if sentence is not None else gettext("this rule change is not in the expected form")
