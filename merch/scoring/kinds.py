"""Each rule kind: the answer it takes, and when that answer passes (display-rules.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from merch.scoring.colours import HEX_COLOUR, lightness
from merch.scoring.problems import InvalidAnswer, Problem
from merch.scoring.sizes import FREE, check_sequence

KINDS = ("yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh")
THICKNESSES = ("thin", "thick")
MAX_COUNT = 200
LIST_BOUNDS = {"stacks": (1, 50), "counts": (1, 100), "sizes": (2, 30), "colours": (2, 30)}


@dataclass(frozen=True)
class ScoringContext:
    """What scoring needs beyond the answer: the date, and the shop's window history."""

    business_date: date
    last_window_change: date | None = None


@dataclass(frozen=True)
class ItemOutcome:
    """An item's exact credit (0…1) and every problem that cost it credit."""

    credit: Fraction
    problems: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        return not self.problems


# --- validation -------------------------------------------------------------------------


def _require_object(answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise InvalidAnswer("wrong_type", "", expected="object")
    return answer


def _require_bool(answer: dict[str, Any], name: str) -> bool:
    value = answer.get(name)
    if name not in answer:
        raise InvalidAnswer("missing_field", name, name=name)
    if not isinstance(value, bool):
        raise InvalidAnswer("not_boolean", name, name=name)
    return value


def _require_list(answer: dict[str, Any], name: str) -> list[Any]:
    if name not in answer:
        raise InvalidAnswer("missing_field", name, name=name)
    value = answer[name]
    if not isinstance(value, list):
        raise InvalidAnswer("not_list", name, name=name)
    low, high = LIST_BOUNDS[name]
    if len(value) < low:
        raise InvalidAnswer("too_few", name, name=name, minimum=low)
    if len(value) > high:
        raise InvalidAnswer("too_many", name, name=name, maximum=high)
    return value


def _count(value: Any, field: str, index: int, name: str) -> int:
    # JSON true/false are ints to Python; they are not counts.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise InvalidAnswer("bad_count", field, index=index, name=name, maximum=MAX_COUNT)
    return value


def _validate_yes_no(answer: dict[str, Any]) -> dict[str, Any]:
    return {"ok": _require_bool(answer, "ok")}


def _validate_refresh(answer: dict[str, Any]) -> dict[str, Any]:
    return {"changed_today": _require_bool(answer, "changed_today")}


def _validate_stack_count(answer: dict[str, Any]) -> dict[str, Any]:
    stacks = []
    for index, stack in enumerate(_require_list(answer, "stacks")):
        field = f"stacks[{index}]"
        if not isinstance(stack, dict):
            raise InvalidAnswer("wrong_type", field, expected="object", index=index + 1)
        thickness = stack.get("thickness")
        if thickness not in THICKNESSES:
            raise InvalidAnswer("bad_thickness", f"{field}.thickness", index=index + 1)
        count = _count(stack.get("count"), f"{field}.count", index + 1, "stack")
        stacks.append({"thickness": thickness, "count": count})
    return {"stacks": stacks}


def _validate_count_range(answer: dict[str, Any]) -> dict[str, Any]:
    counts = _require_list(answer, "counts")
    return {"counts": [_count(value, f"counts[{i}]", i + 1, "style") for i, value in enumerate(counts)]}


def _validate_size_order(answer: dict[str, Any]) -> dict[str, Any]:
    sizes = []
    for index, value in enumerate(_require_list(answer, "sizes")):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise InvalidAnswer("unknown_size", f"sizes[{index}]", size=str(value), index=index + 1)
        text = str(value).strip()
        if not text:
            raise InvalidAnswer("unknown_size", f"sizes[{index}]", size="", index=index + 1)
        sizes.append(text)
    check_sequence(sizes)
    return {"sizes": sizes}


def _validate_colour_order(answer: dict[str, Any]) -> dict[str, Any]:
    colours = []
    for index, value in enumerate(_require_list(answer, "colours")):
        if not isinstance(value, str) or not HEX_COLOUR.match(value.strip()):
            raise InvalidAnswer("bad_colour", f"colours[{index}]", index=index + 1, colour=str(value)[:20])
        colours.append(value.strip().upper())
    return {"colours": colours}


_VALIDATORS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "yes_no": _validate_yes_no,
    "stack_count": _validate_stack_count,
    "count_range": _validate_count_range,
    "size_order": _validate_size_order,
    "colour_order": _validate_colour_order,
    "refresh": _validate_refresh,
}


def validate_answer(kind: str, answer: Any) -> dict[str, Any] | None:
    """The answer in normal form, None for no answer (JSON null), or InvalidAnswer."""
    if answer is None:
        return None
    if kind not in _VALIDATORS:
        raise ValueError(f"unknown rule kind {kind!r}")
    return _VALIDATORS[kind](_require_object(answer))


# --- scoring ----------------------------------------------------------------------------


def _stack_count(params: dict[str, Any], answer: dict[str, Any], _: ScoringContext) -> ItemOutcome:
    problems = []
    for index, stack in enumerate(answer["stacks"], start=1):
        low, high = params[stack["thickness"]]
        if not low <= stack["count"] <= high:
            problems.append(
                Problem(
                    "stack_out_of_range",
                    {
                        "index": index,
                        "count": stack["count"],
                        "thickness": stack["thickness"],
                        "min": low,
                        "max": high,
                    },
                )
            )
    total = len(answer["stacks"])
    return ItemOutcome(Fraction(total - len(problems), total), tuple(problems))


def _count_range(params: dict[str, Any], answer: dict[str, Any], _: ScoringContext) -> ItemOutcome:
    low, high = params["min"], params["max"]
    problems = [
        Problem("hang_count_out_of_range", {"index": index, "count": count, "min": low, "max": high})
        for index, count in enumerate(answer["counts"], start=1)
        if not low <= count <= high
    ]
    total = len(answer["counts"])
    return ItemOutcome(Fraction(total - len(problems), total), tuple(problems))


def _all_or_nothing(problems: list[Problem]) -> ItemOutcome:
    return ItemOutcome(Fraction(0 if problems else 1), tuple(problems))


def _size_order(params: dict[str, Any], answer: dict[str, Any], _: ScoringContext) -> ItemOutcome:
    sizes = answer["sizes"]
    keys = check_sequence(sizes)
    if keys[0].system == FREE:
        return _all_or_nothing([])
    descending = params.get("direction", "ascending") == "descending"
    code = "size_order_descending" if descending else "size_order_ascending"
    problems = []
    for index in range(len(keys) - 1):
        before, after = keys[index].order, keys[index + 1].order
        wrong = after > before if descending else after < before
        if wrong:
            problems.append(Problem(code, {"index": index + 1, "first": sizes[index], "second": sizes[index + 1]}))
    return _all_or_nothing(problems)


def _colour_order(params: dict[str, Any], answer: dict[str, Any], _: ScoringContext) -> ItemOutcome:
    colours = answer["colours"]
    tolerance = float(params.get("tolerance", 0))
    light_to_dark = params.get("direction", "light_to_dark") == "light_to_dark"
    values = [lightness(colour) for colour in colours]
    problems = []
    for index in range(1, len(colours)):
        earlier = range(index)
        # Compare with the darkest (light_to_dark) or lightest earlier colour: breaking the
        # order against any earlier colour means breaking it against that one.
        reference = min(earlier, key=values.__getitem__) if light_to_dark else max(earlier, key=values.__getitem__)
        difference = values[index] - values[reference] if light_to_dark else values[reference] - values[index]
        if difference > tolerance:
            problems.append(
                Problem(
                    "colour_lighter" if light_to_dark else "colour_darker",
                    {
                        "index": index + 1,
                        "colour": colours[index],
                        "other_index": reference + 1,
                        "other_colour": colours[reference],
                        "difference": round(difference, 1),
                    },
                )
            )
    return _all_or_nothing(problems)


def _yes_no(params: dict[str, Any], answer: dict[str, Any], _: ScoringContext) -> ItemOutcome:
    return _all_or_nothing([] if answer["ok"] else [Problem("answered_no")])


def _refresh(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    max_days = int(params.get("max_days", 3))
    if answer["changed_today"]:
        return _all_or_nothing([])
    last = context.last_window_change
    if last is None:
        return _all_or_nothing([Problem("window_never_changed", {"max_days": max_days})])
    days = (context.business_date - last).days
    if days < max_days:
        return _all_or_nothing([])
    return _all_or_nothing([Problem("window_not_changed", {"days": days, "max_days": max_days})])


_SCORERS: dict[str, Callable[[dict[str, Any], dict[str, Any], ScoringContext], ItemOutcome]] = {
    "yes_no": _yes_no,
    "stack_count": _stack_count,
    "count_range": _count_range,
    "size_order": _size_order,
    "colour_order": _colour_order,
    "refresh": _refresh,
}


def score_item(
    kind: str,
    params: dict[str, Any],
    answer: dict[str, Any] | None,
    *,
    photo_required: bool,
    has_photo: bool,
    context: ScoringContext,
) -> ItemOutcome:
    """Credit and problems of one validated answer under one rule version."""
    missing: list[Problem] = []
    if answer is None:
        missing.append(Problem("not_answered"))
    if photo_required and not has_photo:
        missing.append(Problem("photo_required"))
    if missing:
        return ItemOutcome(Fraction(0), tuple(missing))
    assert answer is not None
    return _SCORERS[kind](params, answer, context)


def submission_score(items: Iterable[tuple[int | float, Fraction]]) -> Decimal | None:
    """100 × Σ(weight × credit) ÷ Σ weight, exact, rounded half up to one decimal."""
    weighted = Fraction(0)
    total = Fraction(0)
    for weight, credit in items:
        weight_fraction = Fraction(weight)
        weighted += weight_fraction * credit
        total += weight_fraction
    if total == 0:
        return None
    exact = 100 * weighted / total
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
