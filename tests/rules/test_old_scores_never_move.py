"""An admin's change applies from then on: stored submissions keep their score and rule version."""

from __future__ import annotations

import pytest

from merch.extensions import db
from merch.models import Role
from tests import factories
from tests.api.test_submissions import post_submission
from tests.conftest import api_login
from tests.factories import passing_answers, submission_form

THREE_THIN = {"stacks": [{"thickness": "thin", "count": 3}, {"thickness": "thin", "count": 5}]}


@pytest.fixture
def admin_headers(client) -> dict[str, str]:
    factories.make_user(Role.ADMIN, username="admin")
    db.session.commit()
    return api_login(client, "admin")


def submit(client, headers, answers, **extra):
    response = post_submission(client, {**headers, "Accept-Language": "en"}, submission_form(answers, **extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def item(body: dict, key: str) -> dict:
    return next(entry for entry in body["items"] if entry["key"] == key)


def test_thin_stacks_from_4_6_to_3_5(client, clock, staff_headers, admin_headers):
    answers = {**passing_answers(), "stack_count": THREE_THIN}
    # Yesterday's opening checklist, scored with 4–6: a stack of 3 thin pieces fails.
    clock.set_local(2026, 11, 23, 10, 30)
    old = submit(client, staff_headers, answers)
    assert item(old, "stack_count")["problems"] == ["stack 1: 3 thin pieces, 4–6 allowed"]

    clock.set_local(2026, 11, 24, 9, 30)
    changed = client.put("/api/v1/rules/stack_count", json={"params": {"thin": [3, 5]}}, headers=admin_headers)
    assert changed.status_code == 200 and changed.get_json()["version"] == 2

    clock.set_local(2026, 11, 24, 10, 30)
    new = submit(client, staff_headers, answers)
    new_stack = item(new, "stack_count")
    assert new_stack["passed"] is True and new["score"] == 100.0
    assert new_stack["rule_version"] == 2 and new_stack["params"]["thin"] == [3, 5]
    assert "3–5" in new_stack["title"]

    again = client.get(f"/api/v1/submissions/{old['id']}", headers={**staff_headers, "Accept-Language": "en"})
    kept = again.get_json()
    assert kept["score"] == old["score"] < 100
    old_stack = item(kept, "stack_count")
    assert old_stack["rule_version"] == 1 and old_stack["params"]["thin"] == [4, 6]
    assert old_stack["problems"] == ["stack 1: 3 thin pieces, 4–6 allowed"]
    assert "4–6" in old_stack["title"]


# One answer per kind that its change below turns from pass to fail or back.
EVERY_KIND = {
    "stack_count": ({"stacks": [{"thickness": "thin", "count": 6}]}, {"params": {"thin": [3, 5]}, "weight": 5}),
    "hang_count": ({"counts": [4, 4]}, {"params": {"min": 1, "max": 3}}),
    "folded_size_order": ({"groups": [["XL", "L"], ["M", "L"]]}, {"params": {"direction": "ascending"}}),
    "folded_colour_order": (
        {"colours": ["#2B6CD9", "#D9822B"]},
        {"params": {"warm_to_cold": True, "tolerance": 100, "direction": "dark_to_light"}},
    ),
    "window_refresh": ({"changed_today": True}, {"params": {"max_days": 2}, "photo_required": False}),
    "window_clean": ({"ok": True}, {"weight": 7, "shifts": ["closing"]}),
    "folded_mannequin": ({"na": True}, {"allow_na": False, "titles": {"en": "Mannequin by the table"}}),
    "focal_point": ({"ok": False}, {"photo_required": True, "active": False}),
}


def test_old_submissions_never_change_across_every_kind(client, clock, staff_headers, admin_headers):
    answers = passing_answers()
    answers.update({key: answer for key, (answer, _) in EVERY_KIND.items()})
    clock.set_local(2026, 11, 23, 10, 30)
    stored = submit(client, staff_headers, answers)
    before = {
        language: client.get(
            f"/api/v1/submissions/{stored['id']}", headers={**staff_headers, "Accept-Language": language}
        ).get_json()
        for language in ("en", "zh-Hant", "zh-Hans")
    }

    clock.set_local(2026, 11, 24, 9, 30)
    for key, (_, change) in EVERY_KIND.items():
        response = client.put(f"/api/v1/rules/{key}", json=change, headers=admin_headers)
        assert response.status_code == 200, (key, response.get_json())
        assert response.get_json()["version"] == 2
    # A new rule of an existing kind does not join old submissions either.
    created = client.put(
        "/api/v1/rules/till_tidy",
        json={
            "kind": "yes_no",
            "area": "focal",
            "shifts": ["opening"],
            "titles": {"en": "Till tidy", "zh-Hant": "收銀台整齊", "zh-Hans": "收银台整齐"},
            "params": {},
            "weight": 3,
            "photo_required": False,
            "allow_na": False,
        },
        headers=admin_headers,
    )
    assert created.status_code == 200

    for language, body in before.items():
        after = client.get(
            f"/api/v1/submissions/{stored['id']}", headers={**staff_headers, "Accept-Language": language}
        ).get_json()
        assert after == body, language
    assert {entry["rule_version"] for entry in before["en"]["items"]} == {1}

    # The same answers today are scored by the new versions.
    clock.set_local(2026, 11, 24, 10, 30)
    gone = ("folded_mannequin", "window_clean", "focal_point")  # N/A no longer allowed; off the opening list
    today_answers = {key: value for key, value in answers.items() if key not in gone}
    today = submit(client, staff_headers, today_answers)
    versions = {entry["key"]: entry["rule_version"] for entry in today["items"]}
    assert all(versions[key] == 2 for key in EVERY_KIND if key not in ("window_clean", "focal_point"))
    assert "window_clean" not in versions and "focal_point" not in versions  # off the opening checklist now
    assert versions["till_tidy"] == 1
    assert today["score"] != stored["score"]
