"""GET /api/v1/openapi.json: the contract as an OpenAPI 3 document.

The schemas are written by hand as JSON Schema, because the contract's exact bodies
(error envelope, field names, nullability) are what clients and the contract tests check.
Each topic documents its own calls in a module of its own (``openapi_<topic>.py`` beside
this one, defining ``PATHS`` and ``SCHEMAS``) listed in ``TOPIC_MODULES``; this module
holds the shared pieces and the calls of the core loop.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from flask import jsonify

from merch.api import bp

# Modules (under merch.api) that add their calls to the document.
TOPIC_MODULES: tuple[str, ...] = (
    "openapi_rankings",
    "openapi_review",
    "openapi_actions",
    "openapi_board",
    "openapi_rules",
    "openapi_phone",
)

ERROR = {"$ref": "#/components/responses/Error"}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def errors(*statuses: int) -> dict[str, Any]:
    return {str(status): ERROR for status in statuses}


NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": "string"},
                },
            }
        },
    },
    "User": {
        "type": "object",
        "required": ["username", "name", "role", "store", "area", "language"],
        "properties": {
            "username": {"type": "string"},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": ["staff", "supervisor", "admin"]},
            "store": NULLABLE_STRING,
            "area": NULLABLE_STRING,
            "language": NULLABLE_STRING,
        },
    },
    "Login": {
        "type": "object",
        "required": ["token", "expires_at", "user"],
        "properties": {
            "token": {"type": "string"},
            "expires_at": {"type": "string", "format": "date-time"},
            "user": ref("User"),
        },
    },
    "ChecklistItem": {
        "type": "object",
        "required": ["key", "kind", "area", "title", "params", "weight", "photo_required", "allow_na"],
        "properties": {
            "key": {"type": "string"},
            "kind": {
                "type": "string",
                "enum": ["yes_no", "stack_count", "count_range", "size_order", "colour_order", "refresh"],
            },
            "area": {"type": "string", "enum": ["folded", "hanging", "window", "focal", "storefront"]},
            "title": {"type": "string"},
            "params": {"type": "object"},
            "weight": {"type": "integer"},
            "photo_required": {"type": "boolean"},
            "allow_na": {"type": "boolean"},
        },
    },
    "Checklist": {
        "type": "object",
        "required": [
            "store",
            "name",
            "shift",
            "business_date",
            "opens_at",
            "due_at",
            "submission_id",
            "submission_status",
            "items",
        ],
        "properties": {
            "store": {"type": "string"},
            "name": {"type": "string"},
            "shift": {"type": "string", "enum": ["opening", "closing"]},
            "business_date": {"type": "string", "format": "date"},
            "opens_at": {"type": "string", "format": "date-time"},
            "due_at": {"type": "string", "format": "date-time"},
            "state": {"type": "string"},
            "sizes": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The shop's size set, smallest first (its size_order items are ordered by it)",
            },
            "submission_id": {"type": ["integer", "null"]},
            "submission_status": NULLABLE_STRING,
            "items": {"type": "array", "items": ref("ChecklistItem")},
        },
    },
    "PhotoRef": {
        "type": "object",
        "required": ["id", "url", "thumb_url"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "thumb_url": {"type": "string"},
            "area": {"type": "string"},
            "sha256": {"type": "string"},
            "captured_at": {"type": ["string", "null"], "format": "date-time"},
            "duplicate_of": {"type": ["integer", "null"]},
            "taken_before_window": {"type": ["boolean", "null"]},
            "evidence": ref("Evidence"),
        },
    },
    "Evidence": {
        "type": "object",
        "required": ["taken_at", "taken_before_window", "reused", "window_unchanged"],
        "properties": {
            "taken_at": {"type": ["string", "null"], "format": "date-time"},
            "taken_before_window": {"type": ["boolean", "null"]},
            "stale": {"type": ["boolean", "null"]},
            "reused": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["photo_id", "store", "business_date", "exact"],
                        "properties": {
                            "photo_id": {"type": ["integer", "null"]},
                            "store": NULLABLE_STRING,
                            "business_date": {"type": "string", "format": "date"},
                            "exact": {"type": "boolean"},
                        },
                    },
                ]
            },
            "window_unchanged": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "required": ["photo_id", "business_date", "similarity"],
                        "properties": {
                            "photo_id": {"type": ["integer", "null"]},
                            "business_date": {"type": "string", "format": "date"},
                            "similarity": {"type": "number", "minimum": 0, "maximum": 1},
                        },
                    },
                ]
            },
        },
    },
    "SubmissionItem": {
        "type": "object",
        "required": [
            "key",
            "kind",
            "area",
            "title",
            "params",
            "weight",
            "rule_version",
            "photo_required",
            "answer",
            "passed",
            "credit",
            "reason",
            "problems",
            "photos",
        ],
        "properties": {
            "key": {"type": "string"},
            "kind": {"type": "string"},
            "area": {"type": "string"},
            "title": {"type": "string"},
            "params": {"type": "object"},
            "weight": {"type": "integer"},
            "rule_version": {"type": "integer"},
            "photo_required": {"type": "boolean"},
            "answer": {"type": ["object", "null"]},
            "passed": {"type": "boolean"},
            "not_applicable": {"type": "boolean"},
            "credit": {"type": "number", "minimum": 0, "maximum": 1},
            "reason": NULLABLE_STRING,
            "problems": {"type": "array", "items": {"type": "string"}},
            "photos": {"type": "array", "items": ref("PhotoRef")},
        },
    },
    "Submission": {
        "type": "object",
        "required": [
            "id",
            "store",
            "shift",
            "business_date",
            "status",
            "late",
            "submitted_by",
            "completed_at",
            "received_at",
            "due_at",
            "score",
            "items",
            "photos",
        ],
        "properties": {
            "id": {"type": "integer"},
            "store": {"type": "string"},
            "shift": {"type": "string", "enum": ["opening", "closing"]},
            "business_date": {"type": "string", "format": "date"},
            "status": {"type": "string", "enum": ["submitted", "reviewed", "sent_back"]},
            "late": {"type": "boolean"},
            "submitted_by": {"type": "string"},
            "completed_at": {"type": "string", "format": "date-time"},
            "received_at": {"type": "string", "format": "date-time"},
            "due_at": {"type": "string", "format": "date-time"},
            "score": {"type": ["number", "null"]},
            "items": {"type": "array", "items": ref("SubmissionItem")},
            "photos": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": ref("PhotoRef")},
            },
        },
    },
}

ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}

PATHS: dict[str, Any] = {
    "/api/v1/login": {
        "post": {
            "summary": "Exchange a username and password for a bearer token (valid 30 days).",
            "security": [],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["username", "password"],
                            "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                        }
                    }
                },
            },
            "responses": {"200": json_response(ref("Login"), "Signed in"), **errors(400, 401, 429)},
        }
    },
    "/api/v1/logout": {
        "post": {
            "summary": "Revoke the token used for this call.",
            "responses": {"204": {"description": "Signed out"}, **errors(401)},
        }
    },
    "/api/v1/checklist": {
        "get": {
            "summary": "The caller's shop checklist for a shift (staff only).",
            "parameters": [
                {
                    "name": "shift",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": ["opening", "closing"]},
                },
                {
                    "name": "business_date",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "format": "date"},
                },
            ],
            "responses": {"200": json_response(ref("Checklist"), "The checklist"), **errors(400, 401, 403, 422)},
        }
    },
    "/api/v1/submissions": {
        "post": {
            "summary": "Submit a checklist with its photos (staff only).",
            "parameters": [
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["payload"],
                            "properties": {
                                "payload": {
                                    "type": "string",
                                    "description": "JSON: {shift, business_date?, completed_at?, answers}",
                                },
                            },
                            "additionalProperties": {
                                "type": "string",
                                "format": "binary",
                                "description": "photo.<area> or photo.<item key>",
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": json_response(ref("Submission"), "Scored and stored"),
                "200": json_response(ref("Submission"), "A replay of the same Idempotency-Key"),
                **errors(401, 403, 409, 413, 415),
                # The contract's error object plus `errors`, every problem found (openapi_phone).
                "400": json_response(ref("SubmissionError"), "Refused: not in the expected form"),
                "422": json_response(ref("SubmissionError"), "Refused: every problem found, first one as `error`"),
            },
        }
    },
    "/api/v1/submissions/{id}": {
        "get": {
            "summary": "One submission within the caller's shops.",
            "parameters": [ID_PARAMETER],
            "responses": {"200": json_response(ref("Submission"), "The submission"), **errors(401, 404)},
        }
    },
    "/api/v1/photos/{id}": {
        "get": {
            "summary": "A stored photo's display copy, or its thumbnail with size=thumb.",
            "parameters": [
                ID_PARAMETER,
                {
                    "name": "size",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["thumb", "display"]},
                },
            ],
            "responses": {
                "200": {
                    "description": "JPEG",
                    "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
                },
                **errors(400, 401, 404),
            },
        }
    },
}


def build_document() -> dict[str, Any]:
    """The whole document: the core loop's calls plus every topic module's."""
    paths: dict[str, Any] = {path: dict(operations) for path, operations in PATHS.items()}
    schemas: dict[str, Any] = dict(SCHEMAS)
    for name in TOPIC_MODULES:
        module = import_module(f"merch.api.{name}")
        for path, operations in module.PATHS.items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(module.SCHEMAS)
    return {
        "openapi": "3.1.0",
        "info": {"title": "merch API", "version": "1"},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {"Error": json_response(ref("Error"), "An error (api.md)")},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@bp.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI 3 document of this API."""
    return jsonify(build_document())
