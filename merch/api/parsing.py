"""Reading untrusted request bodies without letting them raise anything but a 400."""

from __future__ import annotations

import json
from typing import Any

from merch.error_responses import ApiError

# Ids are INTEGER columns: 32-bit on PostgreSQL (64-bit on SQLite). A larger number in a
# URL is simply not found; sent to PostgreSQL it would fail the query (a 500, found by
# schemathesis on POST /api/v1/actions/<id>/verify).
MAX_ID = 2**31 - 1


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
