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
    window; the caller looks it up, so scoring stays free of the database. ``area`` is the
    rule's display area, which names the groups in reasons (folded: stacks, hanging: rails).
    ``size_set`` is the shop's sizes, smallest first: a display of sizes all in it is
    ordered by it (merch.scoring.sizes).
    """

    business_date: date
    last_window_change: date | None = None
    area: str = ""
    size_set: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemOutcome:
    """An item's exact credit (0…1) and every problem that cost it credit.

    ``not_applicable``: answered N/A on a rule that allows it; the item leaves the score.
    """

    credit: Fraction
    problems: tuple[Problem, ...]
    not_applicable: bool = False

    @property
    def score_credit(self) -> Fraction | None:
        """The credit the submission's score counts: None for N/A (its weight leaves the sum)."""
        return None if self.not_applicable else self.credit

    @property
    def passed(self) -> bool:
        """True when nothing is wrong with the item."""
        return not self.problems
