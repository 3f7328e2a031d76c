"""One value at a time: codes, names, time zones, hours, dates, languages, passwords.

Each ``check_*`` returns None when the value is acceptable, else a ``FieldProblem``
(a code and the values its message needs). ``parse_*`` return the typed value or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from merch.i18n import LANGUAGES
from merch.scoring.sizes import check_size_set, split_size_set

# Shop and area codes appear in URLs, CSV files and the API: letters, digits, - and _.
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
MAX_CODE = 32
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*\Z")
MAX_USERNAME = 64
MAX_NAME = 120
MIN_PASSWORD = 8
MAX_PASSWORD = 256
CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\Z")
# ISO dates, and the slashed form Excel writes when it has reformatted the column.
DAY = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})\Z")


@dataclass(frozen=True)
class FieldProblem:
    """Why one value is refused: ``code`` names the message, ``params`` fill it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


@cache
def timezone_names() -> frozenset[str]:
    """The IANA time zone names this system knows (e.g. Asia/Shanghai)."""
    return frozenset(name for name in available_timezones() if "/" in name or name == "UTC")


def _length(value: str, maximum: int) -> FieldProblem | None:
    if not value:
        return FieldProblem("required")
    if len(value) > maximum:
        return FieldProblem("too_long", {"max": maximum})
    return None


def check_code(value: str) -> FieldProblem | None:
    problem = _length(value, MAX_CODE)
    if problem is None and not CODE.match(value):
        problem = FieldProblem("bad_code", {"value": value})
    return problem


def check_username(value: str) -> FieldProblem | None:
    problem = _length(value, MAX_USERNAME)
    if problem is None and not USERNAME.match(value):
        problem = FieldProblem("bad_username", {"value": value})
    return problem


def check_name(value: str) -> FieldProblem | None:
    return _length(value, MAX_NAME)


def check_timezone(value: str) -> FieldProblem | None:
    if not value:
        return FieldProblem("required")
    if value not in timezone_names():
        return FieldProblem("unknown_timezone", {"value": value})
    return None


def check_language(value: str, *, required: bool) -> FieldProblem | None:
    if not value:
        return FieldProblem("required") if required else None
    if value not in LANGUAGES:
        return FieldProblem("bad_language", {"value": value})
    return None


def parse_size_set(value: str) -> tuple[tuple[str, ...] | None, FieldProblem | None]:
    """A shop's size set as typed ("XS, S, M" or one a line), smallest first, or its problem."""
    sizes = split_size_set(value)
    problem = check_size_set(sizes)
    if problem is not None:
        return None, FieldProblem(problem.code, problem.params)
    return tuple(sizes), None


def check_password(value: str) -> FieldProblem | None:
    if len(value) < MIN_PASSWORD:
        return FieldProblem("password_too_short", {"min": MIN_PASSWORD})
    if len(value) > MAX_PASSWORD:
        return FieldProblem("too_long", {"max": MAX_PASSWORD})
    return None


def parse_clock(value: str) -> time | None:
    """``10:00``, ``9:30`` or ``10:00:00`` (as Excel may save it) to a time, else None."""
    match = CLOCK.match(value.strip())
    if match is None:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def parse_day(value: str) -> date | None:
    """``2026-03-01`` (or Excel's ``2026/3/1``) to a date, else None."""
    match = DAY.match(value.strip())
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
