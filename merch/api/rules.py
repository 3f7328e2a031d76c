"""GET /api/v1/rules and PUT /api/v1/rules/<key>: the rulebook, and the admin's changes to it."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import json_object
from merch.clock import utcnow
from merch.models import Role, RuleVersion, User
from merch.services.rules import rule_state, rulebook, save_rule_and_commit


def rule_json(version: RuleVersion) -> dict[str, Any]:
    """api.md's rule: its state at its newest version, titles as stored (templates)."""
    rule = version.rule
    return {
        "key": rule.key,
        "kind": rule.kind,
        **rule_state(version),
        "version": version.version,
        "updated_at": version.created_at.replace(microsecond=0).isoformat(),
        "updated_by": version.created_by.username if version.created_by else None,
    }


@bp.get("/rules")
@requires_user()
def list_rules(user: User) -> Any:
    """The rulebook in force, every rule at its newest version, in display order."""
    return jsonify({"rules": [rule_json(version) for version in rulebook()]})


@bp.put("/rules/<key>")
@requires_user(Role.ADMIN)
def put_rule(user: User, key: str) -> Any:
    """Change a rule (any subset of its fields) or create one (a new key, its kind and every field)."""
    change = json_object(request.get_data())
    version, _ = save_rule_and_commit(key, change, user, utcnow())
    return jsonify(rule_json(version))
