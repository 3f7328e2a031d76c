"""What the scoring layer reports: problems with an item, and answers it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason an item lost credit: a code plus the numbers its sentence needs."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        return cls(code=str(data.get("code", "")), params=dict(data.get("params") or {}))


class InvalidAnswer(ValueError):
    """An answer of the wrong shape or out of bounds: the request is refused, not scored.

    ``field`` is the zero-based path inside the answer (``stacks[2].count``), empty when
    the whole answer is at fault.
    """

    def __init__(self, code: str, field: str = "", **params: Any) -> None:
        super().__init__(f"{code} at {field or 'answer'}")
        self.code = code
        self.field = field
        self.params = params
