"""OpenAPI for the phone checklist: the submission call's list of every error, and previews."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import errors

_ONE_ERROR = {
    "type": "object",
    "required": ["code", "message", "field"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "field": {"type": ["string", "null"]},
    },
}

SCHEMAS: dict[str, Any] = {
    # api.md's error object, plus (an addition, so clients that ignore it are unaffected)
    # ``errors``: every problem found in the request, the first being ``error``.
    "SubmissionError": {
        "type": "object",
        "required": ["error", "errors"],
        "properties": {
            "error": {"$ref": "#/components/schemas/Error/properties/error"},
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": _ONE_ERROR,
                "description": "Every unknown item, every invalid answer (one per item) and, with them, "
                "every photo refused by its header; the first is `error`.",
            },
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/photos/preview": {
        "post": {
            "summary": "A reduced JPEG of a photo the browser cannot decode (HEIC), to preview and send instead.",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["photo"],
                            "properties": {"photo": {"type": "string", "format": "binary"}},
                        }
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "JPEG, long side ≤ 1600 px, ≤ 400 KB, upright, sRGB, no metadata",
                    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
                },
                **errors(400, 401, 403, 413, 415, 422, 503),
            },
        }
    },
}
