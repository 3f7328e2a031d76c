"""What the scoring layer reports: problems with an item, and answers it cannot read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason an item lost credit: a machine code plus the values its sentence needs.

    Problems are stored with the submitted item (as JSON) and turned into a sentence only
    when someone reads them, so each reader gets them in their own language.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict: ``{"code": ..., "params": {...}}``."""
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Problem:
        """Read back what :meth:`to_json` stored; missing parts become empty, never an error."""
        # Stored rows outlive code versions; a damaged or older row must still be shown.
        params = data.get("params")
        return cls(code=str(data.get("code", "")), params=dict(params) if isinstance(params, dict) else {})


class InvalidAnswer(ValueError):
    """An answer of the wrong shape or out of bounds: the request is refused (422), not scored.

    ``field`` is the zero-based path inside the answer (``stacks[2].count``), empty when the
    whole answer is at fault; ``params`` hold what the message needs, with one-based indexes.
    """

    code: str
    field: str
    params: dict[str, Any]

    def __init__(self, code: str, field: str = "", **params: Any) -> None:
        super().__init__(f"{code} at {field or 'answer'}")
        self.code = code
        self.field = field
        self.params = params
