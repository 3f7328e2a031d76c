"""OpenAPI paths and schemas of corrective actions (api.md, "Review and corrective actions")."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import ID_PARAMETER, NULLABLE_STRING, errors, json_response, ref

NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Action": {
        "type": "object",
        "required": [
            "id",
            "store",
            "submission_id",
            "key",
            "title",
            "comment",
            "status",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
            "note",
            "photos",
            "verified_by",
            "verified_at",
            "verify_comment",
        ],
        "properties": {
            "id": {"type": "integer"},
            "store": {"type": "string"},
            "name": {"type": "string"},
            "submission_id": {"type": "integer"},
            "key": {"type": "string"},
            "title": {"type": "string"},
            "comment": {"type": "string"},
            "status": {"type": "string", "enum": ["open", "closed", "verified"]},
            "opened_by": {"type": "string"},
            "opened_at": {"type": "string", "format": "date-time"},
            "closed_by": NULLABLE_STRING,
            "closed_at": NULLABLE_MOMENT,
            "note": NULLABLE_STRING,
            "photos": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "url", "thumb_url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "url": {"type": "string"},
                        "thumb_url": {"type": "string"},
                    },
                },
            },
            "verified_by": NULLABLE_STRING,
            "verified_at": NULLABLE_MOMENT,
            "verify_comment": NULLABLE_STRING,
        },
    },
    "ActionList": {
        "type": "object",
        "required": ["actions"],
        "properties": {"actions": {"type": "array", "items": ref("Action")}},
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/actions": {
        "get": {
            "summary": "Corrective actions in the caller's scope.",
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["open", "closed", "verified", "all"]},
                }
            ],
            "responses": {"200": json_response(ref("ActionList"), "The actions"), **errors(400, 401)},
        }
    },
    "/api/v1/actions/{id}/close": {
        "post": {
            "summary": "Staff of the action's shop close it with a note and at least one new photo.",
            "parameters": [ID_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["payload", "photo"],
                            "properties": {
                                "payload": {"type": "string", "description": 'JSON: {"note"}'},
                                "photo": {"type": "string", "format": "binary"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(ref("Action"), "Closed"),
                **errors(400, 401, 403, 404, 413, 415, 422),
            },
        }
    },
    "/api/v1/actions/{id}/verify": {
        "post": {
            "summary": "Supervisors of the area and admins verify a closed action or reopen it.",
            "parameters": [ID_PARAMETER],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["action"],
                            "properties": {
                                "action": {"type": "string", "enum": ["verified", "reopened"]},
                                "comment": {"type": "string"},
                            },
                        }
                    }
                },
            },
            "responses": {
                "200": json_response(ref("Action"), "Verified or reopened"),
                **errors(400, 401, 403, 404, 422),
            },
        }
    },
}
