"""When each kind's answer passes, and how much credit it earns (display-rules.md, "Kinds").

Each scorer takes the rule's params, an answer already validated, and the context. Params
missing a key fall back to the guide's default, so a rule saved without one still scores.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from merch.scoring.colours import lightness
from merch.scoring.outcome import ItemOutcome, ScoringContext
from merch.scoring.problems import Problem
from merch.scoring.sizes import FREE, check_sequence

# The guide's numbers (display-rules.md, "What the guide asks of a shop").
GUIDE_STACKS = {"thin": (4, 6), "thick": (3, 4)}
GUIDE_HANG_COUNT = (2, 4)
GUIDE_COLOUR_TOLERANCE = 5
GUIDE_MAX_DAYS = 3

Scorer = Callable[[dict[str, Any], dict[str, Any], ScoringContext], ItemOutcome]


def _share(problems: list[Problem], total: int) -> ItemOutcome:
    # One problem per entry out of range, so the entries in range are total - problems.
    return ItemOutcome(Fraction(total - len(problems), total), tuple(problems))


def _all_or_nothing(problems: list[Problem]) -> ItemOutcome:
    return ItemOutcome(Fraction(0 if problems else 1), tuple(problems))


def _direction(params: dict[str, Any], choices: tuple[str, str]) -> str:
    direction = params.get("direction", choices[0])
    if direction not in choices:
        # A misconfigured rule must fail loudly, not pass every shop in the wrong order.
        raise ValueError(f"direction must be one of {choices}, not {direction!r}")
    return str(direction)


def score_yes_no(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Passes when the answer is yes."""
    return _all_or_nothing([] if answer["ok"] else [Problem("answered_no", {})])


def score_stack_count(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Credit is the share of stacks inside their thickness's range; one problem per other stack."""
    problems = []
    for index, stack in enumerate(answer["stacks"], start=1):
        thickness, count = stack["thickness"], stack["count"]
        low, high = params.get(thickness, GUIDE_STACKS[thickness])
        if not low <= count <= high:
            problems.append(
                Problem(
                    "stack_out_of_range",
                    {"index": index, "count": count, "thickness": thickness, "min": low, "max": high},
                )
            )
    return _share(problems, len(answer["stacks"]))


def score_count_range(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Credit is the share of styles hanging min…max pieces; one problem per other style."""
    low = params.get("min", GUIDE_HANG_COUNT[0])
    high = params.get("max", GUIDE_HANG_COUNT[1])
    problems = [
        Problem("hang_count_out_of_range", {"index": index, "count": count, "min": low, "max": high})
        for index, count in enumerate(answer["counts"], start=1)
        if not low <= count <= high
    ]
    return _share(problems, len(answer["counts"]))


def score_size_order(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """All or nothing: one problem per neighbouring pair in the wrong order; equal sizes are fine."""
    descending = _direction(params, ("ascending", "descending")) == "descending"
    sizes = answer["sizes"]
    keys = check_sequence(sizes)
    if keys[0].system == FREE:
        # Free size has no order to break (and the answer holds one system only).
        return _all_or_nothing([])
    code = "size_order_descending" if descending else "size_order_ascending"
    problems = []
    for index in range(len(keys) - 1):
        before, after = keys[index].order, keys[index + 1].order
        if (after > before) if descending else (after < before):
            problems.append(Problem(code, {"index": index + 1, "first": sizes[index], "second": sizes[index + 1]}))
    return _all_or_nothing(problems)


def score_colour_order(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """All or nothing: a colour fails when it breaks the order against any earlier colour.

    light_to_dark: lighter (CIE L*) than an earlier colour by more than ``tolerance``;
    dark_to_light: darker. A difference exactly at the tolerance passes.
    """
    light_to_dark = _direction(params, ("light_to_dark", "dark_to_light")) == "light_to_dark"
    tolerance = float(params.get("tolerance", GUIDE_COLOUR_TOLERANCE))
    colours = answer["colours"]
    values = [lightness(colour) for colour in colours]
    problems = []
    for index in range(1, len(colours)):
        # Breaking the order against any earlier colour means breaking it worst against the
        # darkest (light_to_dark) or lightest (dark_to_light) one, so that one is named.
        pick = min if light_to_dark else max
        other = pick(range(index), key=values.__getitem__)
        difference = values[index] - values[other] if light_to_dark else values[other] - values[index]
        if difference > tolerance:
            problems.append(
                Problem(
                    "colour_lighter" if light_to_dark else "colour_darker",
                    {
                        "index": index + 1,
                        "colour": colours[index],
                        "other_index": other + 1,
                        "other_colour": colours[other],
                        "difference": round(difference, 1),
                    },
                )
            )
    return _all_or_nothing(problems)


def score_refresh(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Passes when changed today, or when the last change was fewer than max_days business days ago."""
    max_days = int(params.get("max_days", GUIDE_MAX_DAYS))
    if answer["changed_today"]:
        return _all_or_nothing([])
    last = context.last_window_change
    if last is None:
        return _all_or_nothing([Problem("window_never_changed", {"max_days": max_days})])
    days = (context.business_date - last).days
    if days < max_days:
        return _all_or_nothing([])
    return _all_or_nothing([Problem("window_not_changed", {"days": days, "max_days": max_days})])


SCORERS: dict[str, Scorer] = {
    "yes_no": score_yes_no,
    "stack_count": score_stack_count,
    "count_range": score_count_range,
    "size_order": score_size_order,
    "colour_order": score_colour_order,
    "refresh": score_refresh,
}
