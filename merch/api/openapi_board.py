"""OpenAPI paths and schemas of the area board (api.md, "The board")."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import NULLABLE_STRING, errors, json_response, ref

NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "BoardShift": {
        "type": "object",
        "required": ["state", "due_at", "submission_id", "score", "late", "flags", "reviewed"],
        "properties": {
            "state": {"type": "string", "enum": ["not_open_yet", "due", "overdue", "missed", "done", "late", "none"]},
            "due_at": {"type": "string", "format": "date-time"},
            "submission_id": {"type": ["integer", "null"]},
            "score": {"type": ["number", "null"]},
            "late": {"type": "boolean"},
            "flags": {"type": "array", "items": {"type": "string"}},
            "reviewed": {"type": "boolean"},
            "sent_back": {"type": "boolean"},
            "submitted_by": NULLABLE_STRING,
            "submitted_by_name": NULLABLE_STRING,
            "completed_at": NULLABLE_MOMENT,
            "received_at": NULLABLE_MOMENT,
        },
    },
    "Board": {
        "type": "object",
        "required": ["date", "area", "stores"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "area": {"type": "string"},
            "stores": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["store", "name", "opening", "closing", "window", "open_actions", "last_visit"],
                    "properties": {
                        "store": {"type": "string"},
                        "name": {"type": "string"},
                        "opening": ref("BoardShift"),
                        "closing": ref("BoardShift"),
                        "window": {
                            "type": "object",
                            "required": ["last_changed", "days_since", "overdue"],
                            "properties": {
                                "last_changed": {"type": ["string", "null"], "format": "date"},
                                "days_since": {"type": ["integer", "null"]},
                                "overdue": {"type": "boolean"},
                            },
                        },
                        "open_actions": {"type": "integer"},
                        "oldest_open_action_at": NULLABLE_MOMENT,
                        "last_visit": {
                            "type": ["object", "null"],
                            "required": ["date", "score"],
                            "properties": {
                                "date": {"type": "string", "format": "date"},
                                "score": {"type": ["number", "null"]},
                            },
                        },
                    },
                },
            },
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/board": {
        "get": {
            "summary": "Supervisors: their area's day; admins: area= (required when there are several).",
            "parameters": [
                {"name": "date", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}},
                {"name": "area", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {"200": json_response(ref("Board"), "The board"), **errors(400, 401, 403, 404)},
        }
    },
}
