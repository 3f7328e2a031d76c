"""When each kind's answer passes, and how much credit it earns (display-rules.md, "Kinds").

Each scorer takes the rule's params, an answer already validated, and the context. Params
missing a key fall back to the guide's default, so a rule saved without one still scores.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from merch.scoring.colours import COLD, WARM, lightness, temperature
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


# What one group of a ``groups`` answer is called in reasons, by the rule's area.
GROUP_UNITS = {"folded": "stack", "hanging": "rail"}
GENERIC_UNIT = "group"


def _groups_of(answer: dict[str, Any], name: str) -> tuple[list[list[str]], bool]:
    """The answer's groups, and whether it was sent as groups (reasons then name them)."""
    if "groups" in answer:
        return answer["groups"], True
    return [answer[name]], False


def _per_group(
    groups: list[list[str]], grouped: bool, context: ScoringContext, check: Callable[[list[str]], list[Problem]]
) -> ItemOutcome:
    """Credit = groups in order ÷ groups; each problem of a group names it when groups were sent."""
    unit = GROUP_UNITS.get(context.area, GENERIC_UNIT)
    problems: list[Problem] = []
    in_order = 0
    for number, group in enumerate(groups, start=1):
        found = check(group)
        if not found:
            in_order += 1
        for problem in found:
            params = {**problem.params, "group": number, "unit": unit} if grouped else problem.params
            problems.append(Problem(problem.code, params))
    return ItemOutcome(Fraction(in_order, len(groups)), tuple(problems))


def score_size_order(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Per stack or rail: one problem per neighbouring pair in the wrong order; equal sizes are fine.

    Credit is the share of groups in order (a one-list answer is one group: all or nothing).
    """
    descending = _direction(params, ("ascending", "descending")) == "descending"
    code = "size_order_descending" if descending else "size_order_ascending"

    def check(sizes: list[str]) -> list[Problem]:
        keys = check_sequence(sizes, size_set=context.size_set)
        if keys[0].system == FREE:
            # Free size has no order to break (and the group holds one system only).
            return []
        problems = []
        for index in range(len(keys) - 1):
            before, after = keys[index].order, keys[index + 1].order
            if (after > before) if descending else (after < before):
                problems.append(Problem(code, {"index": index + 1, "first": sizes[index], "second": sizes[index + 1]}))
        return problems

    groups, grouped = _groups_of(answer, "sizes")
    return _per_group(groups, grouped, context, check)


def _lightness_problems(colours: list[str], light_to_dark: bool, tolerance: float) -> list[Problem]:
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
    return problems


def _warmth_problems(colours: list[str]) -> list[Problem]:
    """A warm colour after a cold one, naming the first cold colour before it (neutral ones are skipped)."""
    first_cold: int | None = None
    problems = []
    for index, colour in enumerate(colours):
        warmth = temperature(colour)
        if warmth == COLD and first_cold is None:
            first_cold = index
        elif warmth == WARM and first_cold is not None:
            problems.append(
                Problem(
                    "colour_warm_after_cold",
                    {
                        "index": index + 1,
                        "colour": colour,
                        "other_index": first_cold + 1,
                        "other_colour": colours[first_cold],
                    },
                )
            )
    return problems


def score_colour_order(params: dict[str, Any], answer: dict[str, Any], context: ScoringContext) -> ItemOutcome:
    """Per rail or stack: a colour fails when it breaks the order against any earlier colour.

    light_to_dark: lighter (CIE L*) than an earlier colour by more than ``tolerance``;
    dark_to_light: darker. A difference exactly at the tolerance passes. With
    ``warm_to_cold``, a warm colour after a cold one fails too (CIE LCh, display-rules.md).
    Credit is the share of groups in order.
    """
    light_to_dark = _direction(params, ("light_to_dark", "dark_to_light")) == "light_to_dark"
    tolerance = float(params.get("tolerance", GUIDE_COLOUR_TOLERANCE))
    warm_to_cold = params.get("warm_to_cold", False) is True

    def check(colours: list[str]) -> list[Problem]:
        problems = _lightness_problems(colours, light_to_dark, tolerance)
        if warm_to_cold:
            problems += _warmth_problems(colours)
        return problems

    groups, grouped = _groups_of(answer, "colours")
    return _per_group(groups, grouped, context, check)


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
