"""Reading untrusted request bodies without letting them raise anything but a 400."""

from __future__ import annotations

import json
from typing import Any

from merch.error_responses import ApiError

# Database ids are 64-bit; a larger number in a URL is simply not found.
MAX_ID = 2**63 - 1


def json_object(text: str | bytes | None, field: str | None = None) -> dict[str, Any]:
    """A JSON object from ``text``, or ApiError 400 for anything else.

    Deeply nested input makes the json module raise RecursionError, not ValueError.
    """
    if text is None:
        raise ApiError(400, "bad_request", field)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_request", field) from None
    if not isinstance(value, dict):
        raise ApiError(400, "bad_request", field)
    return value
