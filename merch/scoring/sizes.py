"""Garment sizes: letter, numeric, Chinese body sizes and free size, each its own system."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from merch.scoring.problems import InvalidAnswer

LETTER = "letter"
NUMERIC = "numeric"
BODY = "body"
FREE = "free"

_LETTERS = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"]
_LETTER_RANK = {name: rank for rank, name in enumerate(_LETTERS)}
# 2XL = XXL, 3XL = XXXL, then 4XL … 9XL continue the scale.
_LETTER_RANK.update({"2XL": _LETTER_RANK["XXL"], "3XL": _LETTER_RANK["XXXL"]})
_LETTER_RANK.update({f"{n}XL": _LETTER_RANK["XXXL"] + n - 3 for n in range(4, 10)})
_LETTER_RANK.update({"2XS": _LETTER_RANK["XXS"]})
_FREE = {"F", "FREE", "ONESIZE", "FREESIZE", "均碼", "均码"}
_NUMERIC = re.compile(r"^\d{1,3}(\.\d)?$")
# 160/84A: height / chest, with an optional body-type letter that does not order.
_BODY = re.compile(r"^(\d{2,3})/(\d{2,3})([YABC])?$")


@dataclass(frozen=True)
class SizeKey:
    """A parsed size: its system and a key that orders sizes within that system."""

    system: str
    order: tuple[Decimal, ...]


class UnknownSize(ValueError):
    """Text that is no size of any system we know."""


def parse_size(text: str) -> SizeKey:
    """Parse a size as staff type it; case and spaces do not matter."""
    compact = re.sub(r"\s+", "", str(text)).upper()
    if compact in _FREE:
        return SizeKey(FREE, ())
    if compact in _LETTER_RANK:
        return SizeKey(LETTER, (Decimal(_LETTER_RANK[compact]),))
    if _NUMERIC.match(compact):
        try:
            return SizeKey(NUMERIC, (Decimal(compact),))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise UnknownSize(text) from None
    body = _BODY.match(compact)
    if body:
        return SizeKey(BODY, (Decimal(body.group(1)), Decimal(body.group(2))))
    raise UnknownSize(text)


def check_sequence(sizes: list[str]) -> list[SizeKey]:
    """Parse a display's sizes; unknown sizes and mixed systems are invalid answers."""
    keys: list[SizeKey] = []
    for index, size in enumerate(sizes):
        try:
            keys.append(parse_size(size))
        except UnknownSize:
            raise InvalidAnswer("unknown_size", f"sizes[{index}]", size=size, index=index + 1) from None
    first = keys[0]
    for index, key in enumerate(keys):
        if key.system != first.system:
            raise InvalidAnswer(
                "mixed_size_systems", f"sizes[{index}]", size=sizes[index], other=sizes[0], index=index + 1
            )
    return keys
