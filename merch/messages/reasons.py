"""Problems and invalid answers as sentences a shop assistant understands.

The caller passes plain ``gettext(message)`` and ``ngettext(singular, plural, n)`` for the
reader's language. Messages are literal English with named placeholders, filled here after
translation, so ``pybabel extract`` finds them and translators may reorder the values.
Positions in sentences are one-based.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.scoring.answers import MAX_COUNT
from merch.scoring.problems import InvalidAnswer, Problem

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


def _range(params: dict[str, Any]) -> str:
    # Numbers and an en dash read the same in every language we serve.
    return f"{params['min']}–{params['max']}"


def _stack_out_of_range(p: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str:
    values = {"index": p["index"], "count": p["count"], "range": _range(p)}
    # Two messages, not a translated "thin"/"thick" word: Chinese puts it elsewhere.
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


def _hang_count_out_of_range(p: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str:
    text = ngettext(
        "style %(index)s: %(count)s piece, %(range)s allowed",
        "style %(index)s: %(count)s pieces, %(range)s allowed",
        p["count"],
    )
    return text % {"index": p["index"], "count": p["count"], "range": _range(p)}


def _colours(p: dict[str, Any]) -> dict[str, Any]:
    return {key: p[key] for key in ("index", "colour", "other_index", "other_colour")}


def _window_not_changed(p: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str:
    # Two numbers, each with its own plural, so two plural messages joined by a third.
    when = ngettext(
        "window last changed %(days)s day ago",
        "window last changed %(days)s days ago",
        p["days"],
    ) % {"days": p["days"]}
    rule = ngettext(
        "change it at least every %(max_days)s day",
        "change it at least every %(max_days)s days",
        p["max_days"],
    ) % {"max_days": p["max_days"]}
    return gettext("%(when)s: %(rule)s") % {"when": when, "rule": rule}


def _problem_sentence(code: str, p: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str | None:
    if code == "not_answered":
        return gettext("not answered")
    if code == "photo_required":
        return gettext("photo required")
    if code == "answered_no":
        return gettext("answered no")
    if code == "stack_out_of_range":
        return _stack_out_of_range(p, gettext, ngettext)
    if code == "hang_count_out_of_range":
        return _hang_count_out_of_range(p, gettext, ngettext)
    if code == "size_order_descending":
        text = gettext("%(first)s above %(second)s: sizes must get smaller going down")
        return text % {"first": p["first"], "second": p["second"]}
    if code == "size_order_ascending":
        text = gettext("%(first)s before %(second)s: sizes must get larger going back")
        return text % {"first": p["first"], "second": p["second"]}
    if code == "colour_lighter":
        return gettext(
            "colour %(index)s (%(colour)s) is lighter than colour %(other_index)s (%(other_colour)s)"
        ) % _colours(p)
    if code == "colour_darker":
        return gettext(
            "colour %(index)s (%(colour)s) is darker than colour %(other_index)s (%(other_colour)s)"
        ) % _colours(p)
    if code == "colour_warm_after_cold":
        return gettext(
            "colour %(index)s (%(colour)s, warm) after colour %(other_index)s (%(other_colour)s, cold)"
        ) % _colours(p)
    if code == "window_not_changed":
        return _window_not_changed(p, gettext, ngettext)
    if code == "window_never_changed":
        return gettext("no window change on record: change the window and photograph it")
    return None


def _in_group(sentence: str, p: dict[str, Any], gettext: Gettext) -> str:
    """A problem of one stack or rail of a ``groups`` answer, named first: "stack 2: …"."""
    if "group" not in p:
        return sentence
    values = {"group": p["group"], "problem": sentence}
    unit = p.get("unit")
    if unit == "stack":
        return gettext("stack %(group)s: %(problem)s") % values
    if unit == "rail":
        return gettext("rail %(group)s: %(problem)s") % values
    return gettext("group %(group)s: %(problem)s") % values


def render_problem(problem: Problem, gettext: Gettext, ngettext: Ngettext) -> str:
    """One problem as one line with its numbers; the bare code when it cannot be rendered."""
    try:
        params = dict(problem.params)
        sentence = _problem_sentence(problem.code, params, gettext, ngettext)
        if sentence is not None:
            sentence = _in_group(sentence, params, gettext)
    except (KeyError, TypeError, ValueError):
        sentence = None
    # A code from a newer version, or a damaged stored row, still shows something readable.
    return sentence if sentence is not None else problem.code


def _count_invalid(p: dict[str, Any], gettext: Gettext) -> str:
    values = {"index": p["index"], "maximum": p.get("maximum", MAX_COUNT)}
    if p.get("name") == "stack":
        return gettext("stack %(index)s: the count must be a whole number from 0 to %(maximum)s") % values
    return gettext("style %(index)s: the count must be a whole number from 0 to %(maximum)s") % values


def _list_length_invalid(p: dict[str, Any], at_least: bool, ngettext: Ngettext) -> str:
    name = p["name"]
    n = p["minimum"] if at_least else p["maximum"]
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
    elif name == "groups":
        text = (
            ngettext("send at least %(n)s stack or rail", "send at least %(n)s stacks or rails", n)
            if at_least
            else ngettext("send at most %(n)s stack or rail", "send at most %(n)s stacks or rails", n)
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


def _invalid_sentence(code: str, p: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str | None:
    # "bad_count" is the code's name before count_out_of_bounds; still read, never raised.
    if code in ("count_out_of_bounds", "bad_count"):
        return _count_invalid(p, gettext)
    if code == "bad_thickness" or (code == "missing_field" and p.get("name") == "thickness"):
        return gettext("stack %(index)s: choose thin or thick") % {"index": p["index"]}
    if code == "missing_field" and p.get("name") == "count" and "index" in p:
        return _count_invalid({**p, "name": "stack"}, gettext)
    if code == "unknown_size":
        return gettext("unknown size “%(size)s”") % {"size": p["size"]}
    if code == "mixed_size_systems":
        return gettext(
            "size “%(size)s” does not match the other sizes (“%(other)s”): use one size system per display"
        ) % {"size": p["size"], "other": p["other"]}
    if code == "bad_colour":
        return gettext("colour %(index)s must look like #RRGGBB") % {"index": p["index"]}
    if code in ("too_few", "too_many"):
        sentence = _list_length_invalid(p, code == "too_few", ngettext)
        if "group" in p:
            return gettext("group %(group)s: %(problem)s") % {"group": p["group"], "problem": sentence}
        return sentence
    if code == "na_not_allowed":
        return gettext("this rule cannot be answered N/A")
    if code == "both_forms":
        return gettext("send one list or groups, not both")
    return None


def render_invalid(error: InvalidAnswer, gettext: Gettext, ngettext: Ngettext) -> str:
    """Why an answer cannot be read, naming the position (one-based) and what to enter."""
    try:
        sentence = _invalid_sentence(error.code, dict(error.params), gettext, ngettext)
    except (KeyError, TypeError, ValueError):
        sentence = None
    # Wrong JSON types come from a faulty client, not from staff: the API's field says where.
    return sentence if sentence is not None else gettext("this answer is not in the expected form")
