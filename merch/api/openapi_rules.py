"""OpenAPI paths and schemas of the rulebook calls (GET /api/v1/rules, PUT /api/v1/rules/<key>)."""

from __future__ import annotations

from typing import Any

from merch.api.openapi import NULLABLE_STRING, errors, json_response, ref
from merch.rulebook import ALL_SHIFTS, AREAS, KINDS

_TITLES = {
    "type": "object",
    "properties": {language: {"type": "string"} for language in ("zh-Hant", "zh-Hans", "en")},
}
_STATE = {
    "area": {"type": "string", "enum": list(AREAS)},
    "shifts": {"type": "array", "items": {"type": "string", "enum": list(ALL_SHIFTS)}},
    "titles": _TITLES,
    "params": {"type": "object"},
    "weight": {"type": "integer", "minimum": 1},
    "photo_required": {"type": "boolean"},
    "allow_na": {"type": "boolean"},
    "active": {"type": "boolean"},
}

SCHEMAS: dict[str, Any] = {
    "Rule": {
        "type": "object",
        "required": ["key", "kind", *_STATE, "version"],
        "properties": {
            "key": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
            **_STATE,
            "titles": {**_TITLES, "required": ["zh-Hant", "zh-Hans", "en"]},
            "version": {"type": "integer", "minimum": 1},
            "updated_at": {"type": "string", "format": "date-time"},
            "updated_by": NULLABLE_STRING,
        },
    },
    "Rulebook": {
        "type": "object",
        "required": ["rules"],
        "properties": {"rules": {"type": "array", "items": ref("Rule")}},
    },
    "RuleChange": {
        "type": "object",
        "description": "Any subset of the fields; a new key needs kind and every field (active defaults to true).",
        "properties": {"kind": {"type": "string", "enum": list(KINDS)}, **_STATE},
    },
}

PATHS: dict[str, Any] = {
    "/api/v1/rules": {
        "get": {
            "summary": "The rulebook in force: every rule at its newest version, in display order.",
            "responses": {"200": json_response(ref("Rulebook"), "The rulebook"), **errors(401)},
        }
    },
    "/api/v1/rules/{key}": {
        "put": {
            "summary": "Change a rule as a new version, or create one (admins only).",
            "parameters": [{"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RuleChange")}}},
            "responses": {
                "200": json_response(ref("Rule"), "The rule at its new version"),
                **errors(400, 401, 403, 422),
            },
        }
    },
}
