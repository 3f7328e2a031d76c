"""The checklist form: its fixed fields, and reading its per-rule fields into answers.

The phone page itself sends JSON to /api/v1/submissions (static/js/checklist.js); a plain
form post (no JavaScript, older clients) names its per-rule fields ``<key>``, ``<key>.count``,
``<key>.sizes`` …, read here into the same answer shapes the API takes; the answers are then
validated by the scoring layer, one set of rules for every client.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField
from wtforms.validators import UUID

from merch.models import RuleVersion
from merch.scoring import UnknownSize, parse_size

# Commas, semicolons and line breaks always separate sizes; a space separates only where
# the words are not one size together ("Free Size", "160/84 A", "ONE SIZE").
_SIZE_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
_WHOLE_NUMBER = re.compile(r"^\s*-?\d+\s*$")


class ChecklistForm(FlaskForm):
    """CSRF plus the client-made key that makes a double tap submit once."""

    idempotency_key = HiddenField(validators=[UUID()])


def _number_or_text(value: str) -> int | str:
    # Keep what is not a whole number as text so the validator names it precisely.
    return int(value) if _WHOLE_NUMBER.match(value) else value.strip()


def split_sizes(text: str) -> list[str]:
    """The sizes typed or tapped into one field, in order.

    A piece between separators that is one known size stays whole; any other piece is
    split on spaces, so "XL L M" is three sizes and an unknown word is kept for the
    validator to name.
    """
    sizes: list[str] = []
    for piece in _SIZE_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        try:
            parse_size(piece)
        except UnknownSize:
            sizes.extend(piece.split())
        else:
            sizes.append(piece)
    return sizes


def _filled(values: list[str]) -> list[str]:
    return [value for value in values if value.strip()]


def answers_from_form(form: MultiDict[str, str], versions: list[RuleVersion]) -> dict[str, Any]:
    """The API answer object for a submitted checklist page; unanswered rules are left out."""
    answers: dict[str, Any] = {}
    for version in versions:
        key, kind = version.rule.key, version.rule.kind
        answer: dict[str, Any] | None = None
        if kind in ("yes_no", "refresh"):
            choice = form.get(key)
            if choice in ("yes", "no"):
                field = "ok" if kind == "yes_no" else "changed_today"
                answer = {field: choice == "yes"}
        elif kind == "stack_count":
            counts = form.getlist(f"{key}.count")
            thicknesses = form.getlist(f"{key}.thickness")
            stacks = [
                {"thickness": thickness, "count": _number_or_text(count)}
                # A tampered form may send lists of different lengths: pair what pairs.
                for thickness, count in zip(thicknesses, counts, strict=False)
                if count.strip()
            ]
            answer = {"stacks": stacks} if stacks else None
        elif kind == "count_range":
            hung = [_number_or_text(count) for count in _filled(form.getlist(f"{key}.count"))]
            answer = {"counts": hung} if hung else None
        elif kind == "size_order":
            sizes = split_sizes(form.get(f"{key}.sizes", ""))
            answer = {"sizes": sizes} if sizes else None
        elif kind == "colour_order":
            colours = [colour.strip() for colour in _filled(form.getlist(f"{key}.colour"))]
            answer = {"colours": colours} if colours else None
        if answer is not None:
            answers[key] = answer
    return answers
