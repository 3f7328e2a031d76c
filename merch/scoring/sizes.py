"""Garment sizes as staff type them: letter, numeric, Chinese body sizes and free size.

Each is its own system; sizes order only within one system (display-rules.md, "Sizes").
A shop may also have its own size set (``Shop.size_set``): the sizes its phone offers,
smallest first. A display whose sizes all belong to the set is ordered by the set, so a
shop's own sizes ("XS/S", "童裝110") order too; any other display by the systems above.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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


def compact(text: str) -> str:
    """A size's comparable spelling: NFKC, no spaces, upper case ("x l" and "ＸＬ" are "XL")."""
    return _compact(str(text))


def _system_of(text: str) -> str | None:
    """The built-in system a size belongs to, or None for a size only a shop's set knows."""
    try:
        return parse_size(text).system
    except UnknownSize:
        return None


SHOP_SET = "shop_set"
# A shop's set: at most this many sizes, each at most this long (the phone shows them all).
MAX_SET_SIZES = 40
MAX_SET_SIZE_LENGTH = 20
# What a shop offers until an admin gives it its own set (the phone's chips before sets).
DEFAULT_SIZE_SET = ("XS", "S", "M", "L", "XL", "XXL", "3XL", "F")
_SET_SEPARATORS = re.compile(r"[,，、;；\n]+")


@dataclass(frozen=True)
class SetProblem:
    """Why a size set is refused: ``code`` names the message, ``params`` fill it."""

    code: str
    params: dict[str, Any]


def split_size_set(text: str) -> list[str]:
    """The sizes of a set as an admin types it: separated by commas (also ， 、 ;) or lines."""
    return [part.strip() for part in _SET_SEPARATORS.split(text) if part.strip()]


def check_size_set(sizes: list[str]) -> SetProblem | None:
    """None when ``sizes`` (smallest first) can be a shop's set, else the first problem.

    1–40 sizes of at most 20 characters, none twice (as compared: "xl" is "XL"), and sizes
    the built-in systems know run small to large within their system, so ordering by the
    set and ordering by the system never disagree about a display.
    """
    if not sizes:
        return SetProblem("size_set_empty", {})
    if len(sizes) > MAX_SET_SIZES:
        return SetProblem("size_set_too_many", {"max": MAX_SET_SIZES})
    seen: dict[str, str] = {}
    last_of_system: dict[str, tuple[str, SizeKey]] = {}
    for size in sizes:
        if len(size) > MAX_SET_SIZE_LENGTH:
            return SetProblem("size_set_too_long", {"size": shown(size), "max": MAX_SET_SIZE_LENGTH})
        key = _compact(size)
        if key in seen:
            return SetProblem("size_set_duplicate", {"size": size, "other": seen[key]})
        seen[key] = size
        try:
            parsed = parse_size(size)
        except UnknownSize:
            continue
        if parsed.system == FREE:
            continue
        same = seen.get(f"{parsed.system}:{parsed.order}")
        if same is not None:
            # 2XL and XXL are one size: two places for it in the set would order it twice.
            return SetProblem("size_set_duplicate", {"size": size, "other": same})
        seen[f"{parsed.system}:{parsed.order}"] = size
        earlier = last_of_system.get(parsed.system)
        if earlier is not None and parsed.order < earlier[1].order:
            return SetProblem("size_set_order", {"size": size, "other": earlier[0]})
        last_of_system[parsed.system] = (size, parsed)
    return None


def _by_set(sizes: list[str], field: str, positions: dict[str, int]) -> list[SizeKey] | None:
    """Keys by the shop's set order, when every size is in the set; else None.

    Sizes the built-in systems know still keep one system per display (M beside 38 is
    refused, free size beside M too); a size only the set knows goes with any of them.
    """
    compacts = [_compact(size) for size in sizes]
    if not positions or any(key not in positions for key in compacts):
        return None
    systems = [_system_of(size) for size in sizes]
    known = [(index, system) for index, system in enumerate(systems) if system is not None]
    if not known:
        return [SizeKey(SHOP_SET, (Decimal(positions[key]),)) for key in compacts]
    first_index, first_system = known[0]

    def mixed(index: int) -> InvalidAnswer:
        return InvalidAnswer(
            "mixed_size_systems",
            f"{field}[{index}]",
            size=shown(sizes[index]),
            other=shown(sizes[first_index]),
            index=index + 1,
        )

    for index, system in known[1:]:
        if system != first_system:
            raise mixed(index)
    if first_system == FREE:
        if len(known) != len(sizes):
            raise mixed(next(index for index, system in enumerate(systems) if system is None))
        return [SizeKey(FREE, ()) for _ in sizes]
    system = first_system if len(known) == len(sizes) else SHOP_SET
    return [SizeKey(system, (Decimal(positions[key]),)) for key in compacts]


def set_positions(size_set: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Each size of a shop's set (compared as :func:`compact`) to its place, smallest first."""
    return {_compact(size): index for index, size in reversed(list(enumerate(size_set)))}


def check_sequence(sizes: list[str], field: str = "sizes", size_set: tuple[str, ...] | list[str] = ()) -> list[SizeKey]:
    """Parse a display's sizes, all in one system.

    With a shop's ``size_set`` and every size in it, the keys order by the set; otherwise
    by the built-in systems. Raises InvalidAnswer at the first size in the list that is at fault: ``unknown_size``
    (params size, index) or ``mixed_size_systems`` (params size, other = the first size,
    index) when its system differs from the first size's. The error's field is
    ``<field>[i]`` (``sizes[i]``, or ``groups[g][i]`` for a group), zero-based; ``index``
    is one-based, for messages.
    """
    by_set = _by_set(sizes, field, set_positions(size_set)) if size_set else None
    if by_set is not None:
        return by_set
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
