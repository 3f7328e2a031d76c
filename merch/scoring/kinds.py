"""The six rule kinds: reading an answer of each kind, and scoring one item.

The per-kind details live in ``answers`` (shape and bounds) and ``rules`` (when it passes);
this module is the entry point the app calls, and re-exports the types that go with it.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from merch.scoring.answers import is_not_applicable, validate
from merch.scoring.outcome import ItemOutcome, ScoringContext
from merch.scoring.problems import Problem
from merch.scoring.rules import SCORERS
from merch.scoring.totals import submission_score

KINDS = ("yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh")

__all__ = ["KINDS", "ItemOutcome", "ScoringContext", "score_item", "submission_score", "validate_answer"]


def validate_answer(
    kind: str, answer: Any, allow_na: bool = False, size_set: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """An answer of ``kind`` in normal form; None for no answer (None / JSON null).

    ``{"na": true}`` is accepted only with ``allow_na``. Raises InvalidAnswer (code,
    zero-based field, params) when the answer breaks the shape or bounds of
    display-rules.md, and ValueError for a kind that does not exist. ``size_set`` is the
    shop's sizes, smallest first: sizes in it are known and ordered by it.
    """
    return validate(kind, answer, allow_na, size_set)


def score_item(
    kind: str,
    params: dict[str, Any],
    answer: dict[str, Any] | None,
    *,
    photo_required: bool,
    has_photo: bool,
    context: ScoringContext,
) -> ItemOutcome:
    """Credit and problems of one item: a validated answer under one rule version's params.

    No answer, or no photo when one is required, scores 0 with "not_answered" and/or
    "photo_required" (in that order); otherwise the kind's own rule decides. An N/A answer
    (validated, so the rule allows it) is not scored: it needs no photo of its own and
    leaves the submission's score.
    """
    if kind not in SCORERS:
        raise ValueError(f"unknown rule kind {kind!r}")
    if is_not_applicable(answer):
        return ItemOutcome(Fraction(1), (), not_applicable=True)
    missing: list[Problem] = []
    if answer is None:
        missing.append(Problem("not_answered", {}))
    if photo_required and not has_photo:
        missing.append(Problem("photo_required", {}))
    if answer is None or missing:
        return ItemOutcome(Fraction(0), tuple(missing))
    return SCORERS[kind](params, answer, context)
