"""What an admin may set on a rule: each kind's params, weight, shifts, titles (pure).

``apply_change`` takes a rule's current state (None for a new rule) and the fields an
admin sent, and returns the complete new state, or raises ``InvalidRule`` naming the
first field at fault (``params.thin``, ``titles.en``, ``shifts[1]``). Params and titles
merge into the current ones (and the guide's defaults), so ``{"params": {"thin": [3, 5]}}``
changes only the thin range; every other field replaces its value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from merch.rulebook import ALL_SHIFTS, AREAS, KINDS, LANGUAGES
from merch.scoring.answers import MAX_COUNT, MIN_COUNT

MAX_WEIGHT = 100
MAX_TITLE = 300
MAX_TOLERANCE = 100
MAX_DAYS = 366
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,63}")
# Fields of a rule's state, as GET /api/v1/rules names them.
STATE_FIELDS = ("area", "shifts", "titles", "params", "weight", "photo_required", "allow_na", "active")
# Sent back by a client that PUTs what it read: accepted when they match, never changed.
READ_ONLY_FIELDS = ("key", "kind", "version", "updated_at", "updated_by")


class InvalidRule(ValueError):
    """A rule change that cannot be saved: ``code``, the ``field`` at fault, message params."""

    def __init__(self, code: str, field: str, **params: Any) -> None:
        super().__init__(f"{code} at {field}")
        self.code = code
        self.field = field
        self.params = {"field": field, **params}


@dataclass(frozen=True)
class _Param:
    """One setting of a kind: its type and bounds."""

    type: str  # "range", "integer", "number", "boolean" or "choice"
    minimum: int = 0
    maximum: int = 0
    choices: tuple[str, ...] = ()


_COUNT_RANGE = _Param("range", MIN_COUNT, MAX_COUNT)
_COUNT = _Param("integer", MIN_COUNT, MAX_COUNT)
PARAMS: dict[str, dict[str, _Param]] = {
    "yes_no": {},
    "stack_count": {"thin": _COUNT_RANGE, "thick": _COUNT_RANGE},
    "count_range": {"min": _COUNT, "max": _COUNT},
    "size_order": {"direction": _Param("choice", choices=("descending", "ascending"))},
    "colour_order": {
        "direction": _Param("choice", choices=("light_to_dark", "dark_to_light")),
        "tolerance": _Param("number", 0, MAX_TOLERANCE),
        "warm_to_cold": _Param("boolean"),
    },
    "refresh": {"max_days": _Param("integer", 1, MAX_DAYS)},
}

# A setting left out takes the guide's default (display-rules.md), so a rule saved before a
# setting existed, or a new rule that names only what differs, still has every one.
DEFAULTS: dict[str, dict[str, Any]] = {
    "yes_no": {},
    "stack_count": {"thin": [4, 6], "thick": [3, 4]},
    "count_range": {"min": 2, "max": 4},
    "size_order": {"direction": "descending"},
    "colour_order": {"direction": "light_to_dark", "tolerance": 5, "warm_to_cold": False},
    "refresh": {"max_days": 3},
}


def _integer(value: Any, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidRule("whole_number", field, minimum=minimum, maximum=maximum)
    return value


def _boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidRule("boolean", field)
    return value


def _param(spec: _Param, value: Any, field: str) -> Any:
    if spec.type == "range":
        if not isinstance(value, list) or len(value) != 2:
            raise InvalidRule("range", field, minimum=spec.minimum, maximum=spec.maximum)
        low = _integer(value[0], f"{field}[0]", spec.minimum, spec.maximum)
        high = _integer(value[1], f"{field}[1]", spec.minimum, spec.maximum)
        if low > high:
            raise InvalidRule("range", field, minimum=spec.minimum, maximum=spec.maximum)
        return [low, high]
    if spec.type == "integer":
        return _integer(value, field, spec.minimum, spec.maximum)
    if spec.type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or not spec.minimum <= value <= spec.maximum:
            raise InvalidRule("number", field, minimum=spec.minimum, maximum=spec.maximum)
        return value
    if spec.type == "boolean":
        return _boolean(value, field)
    if value not in spec.choices:
        raise InvalidRule("choice", field, choices=", ".join(spec.choices))
    return value


def validate_params(kind: str, params: Any, field: str = "params") -> dict[str, Any]:
    """A kind's complete params, checked: every setting present, in bounds, nothing unknown."""
    if not isinstance(params, dict):
        raise InvalidRule("object", field)
    specs = PARAMS[kind]
    for name in params:
        if name not in specs:
            raise InvalidRule("unknown_setting", f"{field}.{name}")
    checked = {}
    for name, spec in specs.items():
        if name not in params:
            raise InvalidRule("required", f"{field}.{name}")
        checked[name] = _param(spec, params[name], f"{field}.{name}")
    if kind == "count_range" and checked["min"] > checked["max"]:
        raise InvalidRule("min_above_max", f"{field}.min")
    return checked


def _titles(value: Any, current: dict[str, str] | None) -> dict[str, str]:
    if not isinstance(value, dict):
        raise InvalidRule("object", "titles")
    for language in value:
        if language not in LANGUAGES:
            raise InvalidRule("unknown_setting", f"titles.{language}")
    titles = dict(current or {})
    for language, text in value.items():
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TITLE:
            raise InvalidRule("title", f"titles.{language}", maximum=MAX_TITLE)
        titles[language] = text.strip()
    for language in LANGUAGES:
        if language not in titles:
            raise InvalidRule("required", f"titles.{language}")
    return {language: titles[language] for language in LANGUAGES}


def _shifts(value: Any) -> list[str]:
    if not isinstance(value, list) or not value:
        raise InvalidRule("shifts", "shifts")
    for index, shift in enumerate(value):
        if shift not in ALL_SHIFTS or value.index(shift) != index:
            raise InvalidRule("shifts", f"shifts[{index}]")
    return [shift for shift in ALL_SHIFTS if shift in value]


def check_key(key: str) -> None:
    """A new rule's key: 2–64 lower-case letters, digits or ``_``, starting with a letter."""
    if not KEY_PATTERN.fullmatch(key):
        raise InvalidRule("key", "key")


def apply_change(key: str, kind: str | None, current: dict[str, Any] | None, change: Any) -> tuple[str, dict[str, Any]]:
    """The rule's kind and complete new state after ``change`` (the PUT body), checked.

    ``kind`` is the existing rule's (None for a new key); ``current`` its state
    (STATE_FIELDS). A new rule needs ``kind`` and every field; ``active`` defaults to true.
    """
    if not isinstance(change, dict):
        raise InvalidRule("object", "")
    for name in change:
        if name not in STATE_FIELDS and name not in READ_ONLY_FIELDS:
            raise InvalidRule("unknown_setting", name)
    if "key" in change and change["key"] != key:
        raise InvalidRule("key_mismatch", "key", key=key)
    if kind is None:
        check_key(key)
        if "kind" not in change:
            raise InvalidRule("required", "kind")
        if change["kind"] not in KINDS:
            raise InvalidRule("choice", "kind", choices=", ".join(KINDS))
        kind = str(change["kind"])
        for name in STATE_FIELDS:
            if name not in change and name != "active":
                raise InvalidRule("required", name)
        current = {"active": True}
    elif "kind" in change and change["kind"] != kind:
        raise InvalidRule("kind_fixed", "kind", kind=kind)
    assert current is not None
    state = dict(current)
    if "area" in change:
        if change["area"] not in AREAS:
            raise InvalidRule("choice", "area", choices=", ".join(AREAS))
        state["area"] = change["area"]
    if "shifts" in change:
        state["shifts"] = _shifts(change["shifts"])
    if "titles" in change:
        state["titles"] = _titles(change["titles"], current.get("titles"))
    if "params" in change:
        if not isinstance(change["params"], dict):
            raise InvalidRule("object", "params")
        merged = {**DEFAULTS[kind], **current.get("params", {}), **change["params"]}
        state["params"] = validate_params(kind, merged)
    if "weight" in change:
        state["weight"] = _integer(change["weight"], "weight", 1, MAX_WEIGHT)
    for name in ("photo_required", "allow_na", "active"):
        if name in change:
            state[name] = _boolean(change[name], name)
    return kind, state
