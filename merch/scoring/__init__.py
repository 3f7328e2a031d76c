"""Scoring against the display rules: pure functions, no Flask, reused by pages, API and CLI."""

from merch.scoring.colours import lightness
from merch.scoring.kinds import (
    KINDS,
    ItemOutcome,
    ScoringContext,
    score_item,
    submission_score,
    validate_answer,
)
from merch.scoring.problems import InvalidAnswer, Problem
from merch.scoring.sizes import SizeKey, UnknownSize, check_sequence, parse_size

__all__ = [
    "KINDS",
    "InvalidAnswer",
    "ItemOutcome",
    "Problem",
    "ScoringContext",
    "SizeKey",
    "UnknownSize",
    "check_sequence",
    "lightness",
    "parse_size",
    "score_item",
    "submission_score",
    "validate_answer",
]
