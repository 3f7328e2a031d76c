"""Problems and invalid answers as sentences a shop assistant understands.

The caller passes plain ``gettext(message)`` and ``ngettext(singular, plural, n)`` for
the reader's language; placeholders are named and filled here, after translation, so the
catalogs match (never format inside gettext).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.scoring.problems import InvalidAnswer, Problem

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _range(params: dict[str, Any]) -> str:
    return f"{params.get('min')}–{params.get('max')}"


def render_problem(problem: Problem, gettext: Gettext, ngettext: Ngettext) -> str:
    """One problem as one line, with its numbers."""
    p = dict(problem.params)
    code = problem.code
    try:
        if code == "not_answered":
            return gettext("not answered")
        if code == "photo_required":
            return gettext("photo required")
        if code == "answered_no":
            return gettext("answered no")
        if code == "stack_out_of_range":
            values = {"index": p["index"], "count": p["count"], "range": _range(p)}
            if p["thickness"] == "thick":
                text = ngettext(
                    "stack %(index)s: %(count)s thick piece, %(range)s allowed",
                    "stack %(index)s: %(count)s thick pieces, %(range)s allowed",
                    p["count"],
                )
            else:
                text = ngettext(
                    "stack %(index)s: %(count)s thin piece, %(range)s allowed",
                    "stack %(index)s: %(count)s thin pieces, %(range)s allowed",
                    p["count"],
                )
            return text % values
        if code == "hang_count_out_of_range":
            return ngettext(
                "style %(index)s: %(count)s piece, %(range)s allowed",
                "style %(index)s: %(count)s pieces, %(range)s allowed",
                p["count"],
            ) % {"index": p["index"], "count": p["count"], "range": _range(p)}
        if code == "size_order_descending":
            return gettext("%(first)s above %(second)s: sizes must get smaller going down") % p
        if code == "size_order_ascending":
            return gettext("%(first)s before %(second)s: sizes must get larger going back") % p
        if code == "colour_lighter":
            return (
                gettext("colour %(index)s (%(colour)s) is lighter than colour %(other_index)s (%(other_colour)s)") % p
            )
        if code == "colour_darker":
            return gettext("colour %(index)s (%(colour)s) is darker than colour %(other_index)s (%(other_colour)s)") % p
        if code == "window_not_changed":
            days = ngettext(
                "window last changed %(days)s day ago", "window last changed %(days)s days ago", p["days"]
            ) % {"days": p["days"]}
            every = ngettext(
                "change it at least every %(max_days)s day",
                "change it at least every %(max_days)s days",
                p["max_days"],
            ) % {"max_days": p["max_days"]}
            return gettext("%(when)s: %(rule)s") % {"when": days, "rule": every}
        if code == "window_never_changed":
            return gettext("no window change on record: change the window and photograph it")
    except (KeyError, TypeError, ValueError):
        pass
    # A code from a newer version, or a damaged record, still shows something readable.
    return code


def render_invalid(error: InvalidAnswer, gettext: Gettext, ngettext: Ngettext) -> str:
    """Why an answer cannot be read, naming the position (one-based) and what to enter."""
    p = dict(error.params)
    code = error.code
    try:
        if code == "bad_count":
            if p.get("name") == "stack":
                return gettext("stack %(index)s: the count must be a whole number from 0 to %(maximum)s") % p
            return gettext("style %(index)s: the count must be a whole number from 0 to %(maximum)s") % p
        if code == "bad_thickness":
            return gettext("stack %(index)s: choose thin or thick") % p
        if code == "unknown_size":
            return gettext("unknown size “%(size)s”") % p
        if code == "mixed_size_systems":
            return (
                gettext("size “%(size)s” does not match the other sizes (“%(other)s”): use one size system per display")
                % p
            )
        if code == "bad_colour":
            return gettext("colour %(index)s must look like #RRGGBB") % p
        if code == "too_few":
            return _count_message(p["name"], p["minimum"], True, gettext, ngettext)
        if code == "too_many":
            return _count_message(p["name"], p["maximum"], False, gettext, ngettext)
        if code in ("missing_field", "not_boolean", "not_list", "wrong_type"):
            return gettext("this answer is not in the expected form")
    except (KeyError, TypeError, ValueError):
        pass
    return gettext("this answer is not in the expected form")


def _count_message(name: str, n: int, at_least: bool, gettext: Gettext, ngettext: Ngettext) -> str:
    if name == "sizes":
        text = (
            ngettext("list at least %(n)s size", "list at least %(n)s sizes", n)
            if at_least
            else ngettext("list at most %(n)s size", "list at most %(n)s sizes", n)
        )
    elif name == "colours":
        text = (
            ngettext("list at least %(n)s colour", "list at least %(n)s colours", n)
            if at_least
            else ngettext("list at most %(n)s colour", "list at most %(n)s colours", n)
        )
    elif name == "stacks":
        text = (
            ngettext("count at least %(n)s stack", "count at least %(n)s stacks", n)
            if at_least
            else ngettext("count at most %(n)s stack", "count at most %(n)s stacks", n)
        )
    else:
        text = (
            ngettext("count at least %(n)s style", "count at least %(n)s styles", n)
            if at_least
            else ngettext("count at most %(n)s style", "count at most %(n)s styles", n)
        )
    return text % {"n": n}
