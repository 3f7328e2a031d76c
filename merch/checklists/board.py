"""The area board's pure parts: window freshness and which shops need a look first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from merch.checklists.schedule import ChecklistState

NEEDS_LOOK = frozenset({ChecklistState.OVERDUE, ChecklistState.MISSED})


@dataclass(frozen=True)
class WindowStatus:
    last_changed: date | None
    days_since: int | None
    overdue: bool


def window_status(day: date, last_changed: date | None, opened_on: date, max_days: int | None) -> WindowStatus:
    """Days since the window last changed; overdue once that reaches the rule's ``max_days``.

    A shop with no change on record counts from the day it opened.
    """
    if last_changed is None:
        since_open = (day - opened_on).days
        return WindowStatus(None, None, max_days is not None and since_open >= max_days)
    days = (day - last_changed).days
    return WindowStatus(last_changed, days, max_days is not None and days >= max_days)


@dataclass(frozen=True)
class ShiftSummary:
    """What ordering needs of one checklist cell."""

    state: ChecklistState
    flagged: bool
    score: Decimal | None


def needs_look_key(code: str, shifts: list[ShiftSummary]) -> tuple[int, int, Decimal, str]:
    """Overdue or missed first, then flagged, then lowest score, then shop code."""
    slipped = any(shift.state in NEEDS_LOOK for shift in shifts)
    flagged = any(shift.flagged for shift in shifts)
    scores = [shift.score for shift in shifts if shift.score is not None]
    lowest = min(scores) if scores else Decimal(101)
    return (0 if slipped else 1, 0 if flagged else 1, lowest, code)
