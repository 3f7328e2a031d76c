"""What scoring takes besides the answer, and what it gives back for one item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from merch.scoring.problems import Problem


@dataclass(frozen=True)
class ScoringContext:
    """What scoring needs beyond the answer: the business date and the shop's window history.

    ``last_window_change`` is the latest earlier business date on which the shop changed its
    window; the caller looks it up, so scoring stays free of the database.
    """

    business_date: date
    last_window_change: date | None = None


@dataclass(frozen=True)
class ItemOutcome:
    """An item's exact credit (0…1) and every problem that cost it credit."""

    credit: Fraction
    problems: tuple[Problem, ...]

    @property
    def passed(self) -> bool:
        """True when nothing is wrong with the item."""
        return not self.problems
