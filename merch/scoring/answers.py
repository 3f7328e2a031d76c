"""Reading answers: the shape and bounds of each kind's answer (display-rules.md, "Kinds").

An answer that breaks them is refused as a whole request (422 ``invalid_answer``), never
scored as a fail: a wrong count typed by mistake must be corrected, not held against the
shop. Each validator returns the answer in normal form, keeping only the keys it knows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.scoring.colours import HEX_COLOUR
from merch.scoring.problems import InvalidAnswer
from merch.scoring.sizes import check_sequence

THICKNESSES = ("thin", "thick")
MIN_COUNT = 0
MAX_COUNT = 200
# (fewest, most) entries of each list answer.
LIST_BOUNDS = {"stacks": (1, 50), "counts": (1, 100), "sizes": (2, 30), "colours": (2, 30), "groups": (1, 50)}
# Each group (one stack or rail) of a ``groups`` answer: 1–30 sizes or colours.
GROUP_BOUNDS = (1, 30)
# A bad colour is quoted back; a long string would only bury the message.
_QUOTED_MAX = 20


def _object(value: Any, field: str, **params: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidAnswer("wrong_type", field, expected="object", **params)
    return value


def _boolean(answer: dict[str, Any], name: str) -> bool:
    if name not in answer:
        raise InvalidAnswer("missing_field", name, name=name)
    value = answer[name]
    if not isinstance(value, bool):
        raise InvalidAnswer("wrong_type", name, expected="boolean", name=name)
    return value


def _list(answer: dict[str, Any], name: str) -> list[Any]:
    if name not in answer:
        raise InvalidAnswer("missing_field", name, name=name)
    return _bounded(answer[name], name, name, LIST_BOUNDS[name])


def _bounded(value: Any, field: str, name: str, bounds: tuple[int, int], **params: Any) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidAnswer("wrong_type", field, expected="list", name=name, **params)
    fewest, most = bounds
    if len(value) < fewest:
        raise InvalidAnswer("too_few", field, name=name, minimum=fewest, **params)
    if len(value) > most:
        raise InvalidAnswer("too_many", field, name=name, maximum=most, **params)
    return value


def _groups(answer: dict[str, Any], name: str) -> list[list[Any]] | None:
    """The ``groups`` form (one list per stack or rail) when sent; None for the one-list form."""
    if "groups" not in answer:
        return None
    if name in answer:
        # Two answers to one question: which one the shop meant cannot be guessed.
        raise InvalidAnswer("both_forms", "groups", name=name)
    groups = _list(answer, "groups")
    return [
        _bounded(group, f"groups[{index}]", name, GROUP_BOUNDS, group=index + 1) for index, group in enumerate(groups)
    ]


def _count(value: Any, field: str, *, index: int, name: str) -> int:
    # JSON true/false arrive as Python bools, which are ints; 5.0 and "5" are not whole-number
    # counts either. Every such value gets the one message that says what a count must be.
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_COUNT <= value <= MAX_COUNT:
        raise InvalidAnswer("count_out_of_bounds", field, index=index, name=name, minimum=MIN_COUNT, maximum=MAX_COUNT)
    return value


def validate_yes_no(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"ok": bool}``."""
    return {"ok": _boolean(answer, "ok")}


def validate_refresh(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"changed_today": bool}``."""
    return {"changed_today": _boolean(answer, "changed_today")}


def validate_stack_count(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"stacks": [{"thickness": "thin"|"thick", "count": 0…200}, …]}``, 1–50 stacks."""
    stacks = []
    for index, raw in enumerate(_list(answer, "stacks")):
        field = f"stacks[{index}]"
        stack = _object(raw, field, index=index + 1)
        if "thickness" not in stack:
            raise InvalidAnswer("missing_field", f"{field}.thickness", name="thickness", index=index + 1)
        if stack["thickness"] not in THICKNESSES:
            raise InvalidAnswer("bad_thickness", f"{field}.thickness", index=index + 1)
        if "count" not in stack:
            raise InvalidAnswer("missing_field", f"{field}.count", name="count", index=index + 1)
        count = _count(stack["count"], f"{field}.count", index=index + 1, name="stack")
        stacks.append({"thickness": stack["thickness"], "count": count})
    return {"stacks": stacks}


def validate_count_range(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"counts": [0…200, …]}``, one count per style, 1–100 styles."""
    counts = _list(answer, "counts")
    return {"counts": [_count(value, f"counts[{i}]", index=i + 1, name="style") for i, value in enumerate(counts)]}


def _sizes(values: list[Any], field: str, size_set: tuple[str, ...] = ()) -> list[str]:
    sizes = []
    for index, value in enumerate(values):
        # Phones send 38 for a numeric size; it is the size "38", kept as text as entered.
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InvalidAnswer("wrong_type", f"{field}[{index}]", expected="size", index=index + 1)
        sizes.append(str(value).strip())
    # One system per stack or rail: a table may hold jeans (30, 32) beside tees (S, M).
    check_sequence(sizes, field, size_set)
    return sizes


def validate_size_order(answer: dict[str, Any], size_set: tuple[str, ...] = ()) -> dict[str, Any]:
    """``{"sizes": [str, …]}``, 2–30 sizes of one known system; numbers are read as strings.

    Or ``{"groups": [[str, …], …]}``: 1–50 stacks or rails of 1–30 sizes, one system each.
    A size of the shop's ``size_set`` is known even when no built-in system knows it.
    """
    groups = _groups(answer, "sizes")
    if groups is not None:
        return {"groups": [_sizes(group, f"groups[{index}]", size_set) for index, group in enumerate(groups)]}
    return {"sizes": _sizes(_list(answer, "sizes"), "sizes", size_set)}


def _colours(values: list[Any], field: str) -> list[str]:
    colours = []
    for index, value in enumerate(values):
        text = value.strip() if isinstance(value, str) else None
        if text is None or not HEX_COLOUR.fullmatch(text):
            quoted = (value if isinstance(value, str) else str(value))[:_QUOTED_MAX]
            raise InvalidAnswer("bad_colour", f"{field}[{index}]", index=index + 1, colour=quoted)
        # One spelling per colour, so stored answers and messages compare and read alike.
        colours.append(text.upper())
    return colours


def validate_colour_order(answer: dict[str, Any]) -> dict[str, Any]:
    """``{"colours": ["#RRGGBB", …]}``, 2–30 colours, returned in upper case.

    Or ``{"groups": [[…], …]}``: 1–50 rails or stacks of 1–30 colours each.
    """
    groups = _groups(answer, "colours")
    if groups is not None:
        return {"groups": [_colours(group, f"groups[{index}]") for index, group in enumerate(groups)]}
    return {"colours": _colours(_list(answer, "colours"), "colours")}


VALIDATORS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "yes_no": validate_yes_no,
    "stack_count": validate_stack_count,
    "count_range": validate_count_range,
    "size_order": validate_size_order,
    "colour_order": validate_colour_order,
    "refresh": validate_refresh,
}


NOT_APPLICABLE = {"na": True}


def is_not_applicable(answer: dict[str, Any] | None) -> bool:
    """Whether a validated answer is N/A."""
    return answer == NOT_APPLICABLE


def validate(kind: str, answer: Any, allow_na: bool = False, size_set: tuple[str, ...] = ()) -> dict[str, Any] | None:
    """The answer in normal form, or None for no answer (JSON null); InvalidAnswer otherwise.

    ``{"na": true}`` is N/A, accepted only where the rule allows it; ``"na": false`` is
    the same as leaving it out. ``size_set`` is the shop's sizes, smallest first.
    """
    if kind not in VALIDATORS:
        # A rule of a kind this code does not know is a programming error, not bad input.
        raise ValueError(f"unknown rule kind {kind!r}")
    if answer is None:
        return None
    answer = _object(answer, "")
    if "na" in answer:
        na = _boolean(answer, "na")
        if na:
            if not allow_na:
                raise InvalidAnswer("na_not_allowed", "na")
            return dict(NOT_APPLICABLE)
        answer = {name: value for name, value in answer.items() if name != "na"}
    if kind == "size_order":
        return validate_size_order(answer, size_set)
    return VALIDATORS[kind](answer)
