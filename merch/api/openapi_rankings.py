"""OpenAPI paths and schemas of the rankings, trend and export calls."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import errors, json_response, ref

_DAYS = {"name": "days", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 366}}
_FROM = {"name": "from", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
_TO = {"name": "to", "in": "query", "required": False, "schema": {"type": "string", "format": "date"}}
_AREA = {"name": "area", "in": "query", "required": False, "schema": {"type": "string"}}
_NULLABLE_NUMBER = {"type": ["number", "null"]}

SCHEMAS: dict[str, Any] = {
    "RankedStore": {
        "type": "object",
        "required": ["rank", "store", "name", "area", "score", "due", "submitted", "late", "missed", "previous_rank"],
        "properties": {
            "rank": {"type": "integer", "minimum": 1},
            "store": {"type": "string"},
            "name": {"type": "string"},
            "area": {"type": "string"},
            "score": _NULLABLE_NUMBER,
            "due": {"type": "integer", "minimum": 0},
            "submitted": {"type": "integer", "minimum": 0},
            "late": {"type": "integer", "minimum": 0},
            "missed": {"type": "integer", "minimum": 0},
            "previous_rank": {"type": ["integer", "null"]},
        },
    },
    "Rankings": {
        "type": "object",
        "required": ["period", "area", "stores"],
        "properties": {
            "period": {
                "type": "object",
                "required": ["from", "to", "days"],
                "properties": {
                    "from": {"type": "string", "format": "date"},
                    "to": {"type": "string", "format": "date"},
                    "days": {"type": "integer"},
                },
            },
            "area": {"type": ["string", "null"]},
            "stores": {"type": "array", "items": ref("RankedStore")},
        },
    },
    "ChecklistDay": {
        "type": "object",
        "required": ["state", "score", "submission_id"],
        "properties": {
            "state": {"type": "string"},
            "score": _NULLABLE_NUMBER,
            "submission_id": {"type": ["integer", "null"]},
        },
    },
    "Trend": {
        "type": "object",
        "required": ["store", "name", "days", "rules"],
        "properties": {
            "store": {"type": "string"},
            "name": {"type": "string"},
            "days": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["date", "opening", "closing"],
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "opening": ref("ChecklistDay"),
                        "closing": ref("ChecklistDay"),
                    },
                },
            },
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "title", "due", "failed", "fail_rate"],
                    "properties": {
                        "key": {"type": "string"},
                        "title": {"type": "string"},
                        "due": {"type": "integer"},
                        "failed": {"type": "integer"},
                        "fail_rate": {"type": "number"},
                    },
                },
            },
        },
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/rankings": {
        "get": {
            "summary": "Shops ranked by average final score over a period (missed checklists count 0).",
            "parameters": [_DAYS, _FROM, _TO, _AREA],
            "responses": {"200": json_response(ref("Rankings"), "The ranking"), **errors(400, 401, 404)},
        }
    },
    "/api/v1/stores/{code}/trend": {
        "get": {
            "summary": "One shop's checklists day by day and the rules it failed most.",
            "parameters": [
                {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                {**_DAYS, "description": "1–366, default 30"},
            ],
            "responses": {"200": json_response(ref("Trend"), "The trend"), **errors(400, 401, 404)},
        }
    },
    "/api/v1/export": {
        "get": {
            "summary": "Item results of the caller's shops over a period, as CSV (UTF-8 with BOM).",
            "parameters": [{**_FROM, "required": True}, {**_TO, "required": True}, _AREA],
            "responses": {
                "200": {
                    "description": "CSV: store,name,area,business_date,shift,submission_id,status,submitted_by,"
                    "completed_at,late,score,original_score,key,title,passed,credit,reason,override_comment",
                    "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **errors(400, 401, 404),
            },
        }
    },
}
