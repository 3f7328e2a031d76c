"""A request refused by the contract: HTTP status, contract code, field at fault, message params.

No Flask here: services raise it, the API answers it as api.md's error body and the pages
show its message next to the field.
"""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A refusal; ``params`` fill the message in the reader's language."""

    def __init__(self, status: int, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.field = field
        self.params = params
