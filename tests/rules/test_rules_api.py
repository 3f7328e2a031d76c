"""GET /api/v1/rules and PUT /api/v1/rules/<key>: roles, validation, versions, the audit log."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from merch.extensions import db
from merch.models import AuditEntry, Role, RuleVersion
from merch.rulebook import GUIDE_RULES
from tests import factories
from tests.conftest import api_login

NEW_RULE = {
    "kind": "yes_no",
    "area": "window",
    "shifts": ["opening", "visit"],
    "titles": {"zh-Hant": "櫥窗燈光全亮", "zh-Hans": "橱窗灯光全亮", "en": "Every window light is on"},
    "params": {},
    "weight": 1,
    "photo_required": True,
    "allow_na": False,
}


@pytest.fixture
def admin_headers(client) -> dict[str, str]:
    factories.make_user(Role.ADMIN, username="admin")
    db.session.commit()
    return api_login(client, "admin")


def put(client, headers: dict[str, str], key: str, body: Any, language: str = "en"):
    return client.put(f"/api/v1/rules/{key}", json=body, headers={**headers, "Accept-Language": language})


def schema(client, name: str) -> Draft202012Validator:
    document = client.get("/api/v1/openapi.json").get_json()
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{name}"})


def test_the_rulebook_lists_all_eighteen_rules_in_order_matching_its_schema(client, staff_headers):
    body = client.get("/api/v1/rules", headers=staff_headers).get_json()

    assert [rule["key"] for rule in body["rules"]] == [seed.key for seed in GUIDE_RULES]
    stack = body["rules"][0]
    assert stack["params"] == {"thin": [4, 6], "thick": [3, 4]} and stack["version"] == 1
    assert stack["shifts"] == ["opening", "closing", "visit"] and stack["active"] is True
    assert set(stack["titles"]) == {"zh-Hant", "zh-Hans", "en"}
    assert list(schema(client, "Rulebook").iter_errors(body)) == []


def test_the_rulebook_needs_a_signed_in_caller(client):
    assert client.get("/api/v1/rules").status_code == 401


@pytest.mark.parametrize("role", [Role.STAFF, Role.SUPERVISOR])
def test_only_admins_may_change_a_rule(client, role):
    user = factories.make_user(role)
    db.session.commit()
    headers = api_login(client, user.username)

    response = put(client, headers, "stack_count", {"weight": 3})

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert db.session.scalar(select(RuleVersion).where(RuleVersion.version == 2)) is None


def test_an_admin_changes_the_thin_range_as_a_new_version_with_who_and_when(client, admin_headers, clock):
    response = put(client, admin_headers, "stack_count", {"params": {"thin": [3, 5]}})

    assert response.status_code == 200, response.get_json()
    rule = response.get_json()
    assert rule["version"] == 2
    assert rule["params"] == {"thin": [3, 5], "thick": [3, 4]}
    assert rule["updated_by"] == "admin"
    assert rule["updated_at"] == "2026-11-24T02:30:00+00:00"
    assert list(schema(client, "Rule").iter_errors(rule)) == []
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.actor_name, entry.action, entry.target) == ("admin", "rule.update", "stack_count")
    assert entry.before["params"]["thin"] == [4, 6] and entry.after["params"]["thin"] == [3, 5]
    assert entry.after["version"] == 2
    listed = client.get("/api/v1/rules", headers=admin_headers).get_json()["rules"][0]
    assert listed["version"] == 2 and listed["params"]["thin"] == [3, 5]


def test_a_change_that_changes_nothing_adds_no_version(client, admin_headers):
    response = put(client, admin_headers, "stack_count", {"weight": 2, "params": {"thin": [4, 6]}})

    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    assert db.session.scalar(select(AuditEntry)) is None


def test_a_client_may_put_back_what_it_read(client, admin_headers):
    rule = client.get("/api/v1/rules", headers=admin_headers).get_json()["rules"][0]
    rule["weight"] = 3

    response = put(client, admin_headers, "stack_count", rule)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["weight"] == 3 and response.get_json()["version"] == 2


@pytest.mark.parametrize(
    ("key", "body", "field", "message"),
    [
        ("stack_count", {"params": {"thin": [6, 4]}}, "params.thin", None),
        ("stack_count", {"params": {"thin": [3, 500]}}, "params.thin[1]", None),
        ("stack_count", {"params": {"thin": "3-5"}}, "params.thin", None),
        (
            "stack_count",
            {"params": {"medium": [2, 3]}},
            "params.medium",
            "“params.medium” is not a setting of this rule",
        ),
        ("hang_count", {"params": {"min": 5, "max": 4}}, "params.min", "the minimum cannot be above the maximum"),
        ("hang_count", {"params": {"max": 2.5}}, "params.max", None),
        ("folded_size_order", {"params": {"direction": "sideways"}}, "params.direction", None),
        ("folded_colour_order", {"params": {"tolerance": -1}}, "params.tolerance", None),
        ("folded_colour_order", {"params": {"warm_to_cold": "yes"}}, "params.warm_to_cold", None),
        ("window_refresh", {"params": {"max_days": 0}}, "params.max_days", None),
        ("stack_count", {"weight": 0}, "weight", "“weight” must be a whole number from 1 to 100"),
        ("stack_count", {"weight": True}, "weight", None),
        ("stack_count", {"photo_required": "no"}, "photo_required", "“photo_required” must be true or false"),
        ("stack_count", {"allow_na": 1}, "allow_na", None),
        ("stack_count", {"active": None}, "active", None),
        ("stack_count", {"shifts": []}, "shifts", None),
        ("stack_count", {"shifts": ["opening", "lunch"]}, "shifts[1]", None),
        ("stack_count", {"shifts": ["opening", "opening"]}, "shifts[1]", None),
        ("stack_count", {"titles": {"en": ""}}, "titles.en", None),
        ("stack_count", {"titles": {"fr": "Piles"}}, "titles.fr", None),
        ("stack_count", {"area": "cellar"}, "area", None),
        ("stack_count", {"kind": "yes_no"}, "kind", "the kind of a rule cannot change (it is stack_count)"),
        ("stack_count", {"colour": "red"}, "colour", None),
        ("brand_new", {**NEW_RULE, "kind": "haiku"}, "kind", None),
        ("brand_new", {key: value for key, value in NEW_RULE.items() if key != "kind"}, "kind", None),
        ("brand_new", {key: value for key, value in NEW_RULE.items() if key != "weight"}, "weight", None),
        ("brand_new", {**NEW_RULE, "titles": {"en": "Lights on"}}, "titles.zh-Hant", "“titles.zh-Hant” is required"),
        ("Bad-Key", NEW_RULE, "key", None),
    ],
)
def test_bad_changes_are_422_naming_the_field_and_save_nothing(client, admin_headers, key, body, field, message):
    response = put(client, admin_headers, key, body)

    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answer"
    assert error["field"] == field
    if message is not None:
        assert error["message"] == message
    assert db.session.scalar(select(AuditEntry)) is None
    assert len(client.get("/api/v1/rules", headers=admin_headers).get_json()["rules"]) == 18


def test_refusals_follow_the_admins_language(client, admin_headers):
    traditional = put(client, admin_headers, "stack_count", {"weight": 0}, language="zh-TW").get_json()
    simplified = put(client, admin_headers, "stack_count", {"weight": 0}, language="zh-CN").get_json()

    assert traditional["error"]["message"] == "「weight」必須是 1 到 100 的整數"
    assert simplified["error"]["message"] == "“weight”必须是 1 到 100 的整数"


def test_a_body_that_is_not_a_json_object_is_400(client, admin_headers):
    response = client.put("/api/v1/rules/stack_count", data="[1]", headers=admin_headers)

    assert response.status_code == 400


def test_a_new_key_with_its_kind_and_every_field_creates_a_rule_after_its_area(client, admin_headers, staff_headers):
    response = put(client, admin_headers, "window_lights", NEW_RULE)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 1 and response.get_json()["active"] is True
    keys = [rule["key"] for rule in client.get("/api/v1/rules", headers=admin_headers).get_json()["rules"]]
    assert keys.index("window_lights") == keys.index("window_seasonal") + 1
    assert keys.index("focal_point") == keys.index("window_lights") + 1
    checklist = client.get("/api/v1/checklist?shift=opening", headers=staff_headers).get_json()
    assert "window_lights" in [item["key"] for item in checklist["items"]]
    assert db.session.scalar(select(AuditEntry)).action == "rule.create"


def test_a_switched_off_rule_leaves_the_checklist_and_can_come_back(client, admin_headers, staff_headers):
    put(client, admin_headers, "same_hanger", {"active": False})

    keys = [
        item["key"] for item in client.get("/api/v1/checklist?shift=opening", headers=staff_headers).get_json()["items"]
    ]
    assert "same_hanger" not in keys
    listed = {rule["key"]: rule for rule in client.get("/api/v1/rules", headers=admin_headers).get_json()["rules"]}
    assert listed["same_hanger"]["active"] is False and listed["same_hanger"]["version"] == 2

    put(client, admin_headers, "same_hanger", {"active": True})
    keys = [
        item["key"] for item in client.get("/api/v1/checklist?shift=opening", headers=staff_headers).get_json()["items"]
    ]
    assert "same_hanger" in keys


def test_titles_merge_per_language_and_shifts_keep_their_order(client, admin_headers):
    rule = put(
        client, admin_headers, "window_seasonal", {"titles": {"en": "In-season only"}, "shifts": ["visit", "opening"]}
    ).get_json()

    assert rule["titles"]["en"] == "In-season only"
    assert rule["titles"]["zh-Hant"] == "櫥窗只陳列當季貨品，不放過季或過時的款式"
    assert rule["shifts"] == ["opening", "visit"]
