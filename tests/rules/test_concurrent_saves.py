"""Two admins saving one rule at once: the second change lands on top of the first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

import merch.services.rules as rules_service
from merch.extensions import db
from merch.models import Role, Rule, RuleVersion
from tests import factories

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def test_a_version_taken_meanwhile_is_retried_as_the_next_one(app, monkeypatch):
    if db.engine.dialect.name == "sqlite":
        # SQLite writers queue at BEGIN IMMEDIATE, so two saves never interleave there.
        pytest.skip("the race needs concurrent writers (PostgreSQL)")
    admin = factories.make_user(Role.ADMIN, username="admin")
    db.session.commit()
    rule_id = db.session.scalar(select(Rule.id).where(Rule.key == "hang_count"))
    real_record = rules_service.record_change
    raced = []

    def other_admin_commits_first(**kwargs):
        # Between this save's read of version 1 and its insert, another server commits 2.
        if not raced:
            raced.append(True)
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO rule_versions (rule_id, version, params, weight, photo_required, shifts,"
                        " titles, allow_na, created_at) VALUES (:rule, 2, :params, 3, :yes, :shifts, :titles, :no,"
                        " :at)"
                    ),
                    {
                        "rule": rule_id,
                        "params": json.dumps({"min": 2, "max": 4}),
                        "yes": True,
                        "no": False,
                        "shifts": json.dumps(["opening", "closing", "visit"]),
                        "titles": json.dumps({"en": "x", "zh-Hant": "x", "zh-Hans": "x"}),
                        "at": NOW,
                    },
                )
        return real_record(**kwargs)

    monkeypatch.setattr(rules_service, "record_change", other_admin_commits_first)

    version, changed = rules_service.save_rule_and_commit("hang_count", {"params": {"max": 5}}, admin, NOW)

    assert changed and version.version == 3
    versions = db.session.scalars(select(RuleVersion).where(RuleVersion.rule_id == rule_id)).all()
    assert [(v.version, v.weight, v.params["max"]) for v in sorted(versions, key=lambda v: v.version)] == [
        (1, 2, 4),
        (2, 3, 4),
        (3, 3, 5),
    ]
