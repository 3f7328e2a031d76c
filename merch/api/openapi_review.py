"""OpenAPI paths and schemas of the submission list and review (api.md, "Review …")."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import ID_PARAMETER, NULLABLE_STRING, errors, json_response, ref
from merch.api.openapi import SCHEMAS as CORE

SHIFT = {"type": "string", "enum": ["opening", "closing", "visit"]}
STATUS = {"type": "string", "enum": ["submitted", "reviewed", "sent_back"]}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
FLAGS = {
    "type": "array",
    "items": {
        "type": "string",
        "enum": ["reused_photo", "stale_photo", "window_unchanged", "late", "delayed_upload", "failed_items"],
    },
}

OVERRIDE = {
    "type": ["object", "null"],
    "required": ["passed", "comment", "by", "at"],
    "properties": {
        "passed": {"type": "boolean"},
        "comment": {"type": "string"},
        "by": {"type": "string"},
        "at": MOMENT,
    },
}


def _extended(name: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    """A core schema with review's fields added (the contract only ever adds fields)."""
    base = CORE[name]
    return {
        **base,
        "required": [*base["required"], *required],
        "properties": {**base["properties"], **properties},
    }


SCHEMAS: dict[str, Any] = {
    "SubmissionItem": _extended(
        "SubmissionItem",
        ["override"],
        {"override": OVERRIDE, "final_passed": {"type": "boolean"}, "final_credit": {"type": "number"}},
    ),
    "Submission": _extended(
        "Submission",
        ["original_score", "review", "actions", "flags", "history"],
        {
            "shift": SHIFT,
            "original_score": {"type": ["number", "null"]},
            "review": {
                "type": ["object", "null"],
                "required": ["by", "at", "comment", "action"],
                "properties": {
                    "by": NULLABLE_STRING,
                    "at": MOMENT,
                    "comment": NULLABLE_STRING,
                    "action": {"type": "string", "enum": ["reviewed", "sent_back"]},
                },
            },
            "flags": FLAGS,
            "actions": {"type": "array", "items": ref("Action")},
            "history": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "passed", "comment", "by", "at"],
                    "properties": {
                        "key": {"type": "string"},
                        "passed": {"type": "boolean"},
                        "comment": {"type": "string"},
                        "by": {"type": "string"},
                        "at": MOMENT,
                        "credit_before": {"type": "number"},
                    },
                },
            },
            "submitted_by_name": {"type": "string"},
        },
    ),
    "SubmissionRow": {
        "type": "object",
        "required": [
            "id",
            "store",
            "name",
            "shift",
            "business_date",
            "status",
            "score",
            "original_score",
            "late",
            "flags",
            "submitted_by",
            "completed_at",
        ],
        "properties": {
            "id": {"type": "integer"},
            "store": {"type": "string"},
            "name": {"type": "string"},
            "shift": SHIFT,
            "business_date": {"type": "string", "format": "date"},
            "status": STATUS,
            "score": {"type": ["number", "null"]},
            "original_score": {"type": ["number", "null"]},
            "late": {"type": "boolean"},
            "flags": FLAGS,
            "submitted_by": {"type": "string"},
            "submitted_by_name": {"type": "string"},
            "completed_at": MOMENT,
            "received_at": MOMENT,
        },
    },
    "SubmissionPage": {
        "type": "object",
        "required": ["submissions", "next_cursor"],
        "properties": {
            "submissions": {"type": "array", "items": ref("SubmissionRow")},
            "next_cursor": NULLABLE_STRING,
        },
    },
}


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


PATHS: dict[str, Any] = {
    "/api/v1/submissions": {
        "get": {
            "summary": "A page of submissions in the caller's scope, newest first, or what needs review first.",
            "parameters": [
                _query("from", {"type": "string", "format": "date"}),
                _query("to", {"type": "string", "format": "date"}),
                _query("store", {"type": "string"}),
                _query("shift", SHIFT),
                _query("status", STATUS),
                _query("needs_review", {"type": "string", "enum": ["true", "false"]}),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}),
                _query("cursor", {"type": "string"}),
            ],
            "responses": {"200": json_response(ref("SubmissionPage"), "One page"), **errors(400, 401)},
        }
    },
    "/api/v1/submissions/{id}/review": {
        "post": {
            "summary": "Override items, mark reviewed or send back, open corrective actions (supervisors, admins).",
            "parameters": [ID_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["action"],
                            "properties": {
                                "action": {"type": "string", "enum": ["reviewed", "sent_back"]},
                                "comment": {"type": "string"},
                                "items": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["key", "passed"],
                                        "properties": {
                                            "key": {"type": "string"},
                                            "passed": {"type": "boolean"},
                                            "comment": {"type": "string"},
                                        },
                                    },
                                },
                                "actions": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["key"],
                                        "properties": {"key": {"type": "string"}, "comment": {"type": "string"}},
                                    },
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(ref("Submission"), "The reviewed submission"),
                **errors(400, 401, 403, 404, 422),
            },
        }
    },
}
