"""Garment sizes as staff type them: letter, numeric, Chinese body sizes and free size.

Each is its own system; sizes order only within one system (display-rules.md, "Sizes").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from merch.scoring.problems import InvalidAnswer

LETTER = "letter"
NUMERIC = "numeric"
BODY = "body"
FREE = "free"

# Letter sizes rank around M = 0: S side negative, L side positive. XXS is the smallest the
# guide names; 9XL the largest. "2XL" and "XXL" are the same size, so both map to one rank.
_LETTER = re.compile(r"(?P<xs>X*)(?P<end>[SL])|(?P<n>[2-9])X(?P<nend>[SL])|M")
_MOST_X = {"S": 2, "L": 9}
_FREE = frozenset({"F", "FREE", "FREESIZE", "ONESIZE", "均碼", "均码"})
_NUMERIC = re.compile(r"\d{1,3}(\.\d{1,2})?")
# 160/84A: height / chest in cm, then an optional body-type letter that does not order.
_BODY = re.compile(r"(\d{2,3})/(\d{2,3})[YABC]?")
# Long junk is cut in messages; the field path already says where it is.
_SHOWN_MAX = 30


@dataclass(frozen=True)
class SizeKey:
    """A parsed size: its system, and a key that orders sizes within that system."""

    system: str
    order: tuple[Decimal, ...]


class UnknownSize(ValueError):
    """Text that is no size of any system we know."""

    def __init__(self, text: str) -> None:
        super().__init__(f"unknown size {text!r}")
        self.text = text


def _compact(text: str) -> str:
    # NFKC turns full-width input from Chinese keyboards (ＸＬ, １６０／８４Ａ) into ASCII;
    # spaces and case never change a size ("x l" is XL, "One Size" is free).
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def _letter_rank(compact: str) -> int | None:
    match = _LETTER.fullmatch(compact)
    if match is None:
        return None
    if compact == "M":
        return 0
    if match.group("n"):
        xs, end = int(match.group("n")), match.group("nend")
    else:
        xs, end = len(match.group("xs")), match.group("end")
    if xs > _MOST_X[end]:
        return None
    return xs + 1 if end == "L" else -(xs + 1)


def parse_size(text: str) -> SizeKey:
    """Parse one size (case and spaces ignored); raise UnknownSize when it is no known size."""
    compact = _compact(str(text))
    if compact in _FREE:
        return SizeKey(FREE, ())
    rank = _letter_rank(compact)
    if rank is not None:
        return SizeKey(LETTER, (Decimal(rank),))
    if _NUMERIC.fullmatch(compact):
        return SizeKey(NUMERIC, (Decimal(compact),))
    body = _BODY.fullmatch(compact)
    if body:
        return SizeKey(BODY, (Decimal(body.group(1)), Decimal(body.group(2))))
    raise UnknownSize(text)


def shown(size: str) -> str:
    """A size as quoted back in a message: as entered, cut if very long."""
    return size if len(size) <= _SHOWN_MAX else size[: _SHOWN_MAX - 1] + "…"


def check_sequence(sizes: list[str], field: str = "sizes") -> list[SizeKey]:
    """Parse a display's sizes, all in one system.

    Raises InvalidAnswer at the first size in the list that is at fault: ``unknown_size``
    (params size, index) or ``mixed_size_systems`` (params size, other = the first size,
    index) when its system differs from the first size's. The error's field is
    ``<field>[i]`` (``sizes[i]``, or ``groups[g][i]`` for a group), zero-based; ``index``
    is one-based, for messages.
    """
    keys: list[SizeKey] = []
    for index, size in enumerate(sizes):
        try:
            key = parse_size(size)
        except UnknownSize:
            raise InvalidAnswer("unknown_size", f"{field}[{index}]", size=shown(size), index=index + 1) from None
        # Comparing across systems (M against 38) has no answer, so it is refused, not guessed.
        if keys and key.system != keys[0].system:
            raise InvalidAnswer(
                "mixed_size_systems",
                f"{field}[{index}]",
                size=shown(size),
                other=shown(sizes[0]),
                index=index + 1,
            )
        keys.append(key)
    return keys
