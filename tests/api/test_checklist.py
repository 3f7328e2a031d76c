"""GET /api/v1/checklist."""

from __future__ import annotations

from merch.rulebook import GUIDE_RULES
from tests import factories
from tests.conftest import api_login


def test_opening_checklist_lists_every_rule_in_guide_order(client, staff_headers):
    response = client.get("/api/v1/checklist?shift=opening", headers=staff_headers)

    assert response.status_code == 200
    body = response.get_json()
    assert [item["key"] for item in body["items"]] == [rule.key for rule in GUIDE_RULES if "opening" in rule.shifts]
    assert body["store"] == "ZZ001"
    assert body["name"] == "郑州二七店"
    assert body["business_date"] == "2026-11-24"
    assert body["opens_at"] == "2026-11-24T09:00:00+08:00"
    assert body["due_at"] == "2026-11-24T11:00:00+08:00"
    assert body["submission_id"] is None
    stack = body["items"][0]
    assert stack["params"] == {"thin": [4, 6], "thick": [3, 4]}
    assert stack["weight"] == 2 and stack["photo_required"] is True
    items = {item["key"]: item for item in body["items"]}
    assert items["focal_point"]["photo_required"] is False
    assert items["featured_style"]["photo_required"] is False and items["featured_style"]["allow_na"] is True
    assert items["folded_mannequin"]["allow_na"] is True and stack["allow_na"] is False
    assert "storefront" not in items and "pop_layout" not in items


def test_closing_checklist_has_its_five_rules(client, staff_headers):
    body = client.get("/api/v1/checklist?shift=closing", headers=staff_headers).get_json()

    assert [item["key"] for item in body["items"]] == [
        "stack_count",
        "hang_count",
        "hanging_tidy",
        "window_clean",
        "window_promo",
    ]
    assert body["due_at"] == "2026-11-24T22:30:00+08:00"


def test_titles_follow_accept_language(client, staff_headers):
    english = client.get(
        "/api/v1/checklist?shift=opening", headers={**staff_headers, "Accept-Language": "en-GB,en;q=0.8"}
    ).get_json()
    traditional = client.get(
        "/api/v1/checklist?shift=opening", headers={**staff_headers, "Accept-Language": "zh-TW"}
    ).get_json()
    shop_default = client.get("/api/v1/checklist?shift=opening", headers=staff_headers).get_json()

    assert english["items"][0]["title"].startswith("Unpack before folding: thin garments 4–6 pieces")
    assert "薄款每疊 4–6 件" in traditional["items"][0]["title"]
    assert "薄款每叠 4–6 件" in shop_default["items"][0]["title"]


def test_shift_must_be_opening_or_closing(client, staff_headers):
    response = client.get("/api/v1/checklist?shift=lunch", headers=staff_headers)

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_supervisor_has_no_checklist(client, shop):
    supervisor = factories.make_user("supervisor", area=shop.area)
    from merch.extensions import db

    db.session.commit()
    headers = api_login(client, supervisor.username)

    response = client.get("/api/v1/checklist?shift=opening", headers=headers)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_checklist_needs_a_token(client):
    response = client.get("/api/v1/checklist?shift=opening")

    assert response.status_code == 401


def test_yesterdays_checklist_can_be_read_but_not_older(client, staff_headers):
    yesterday = client.get("/api/v1/checklist?shift=closing&business_date=2026-11-23", headers=staff_headers)
    older = client.get("/api/v1/checklist?shift=closing&business_date=2026-11-20", headers=staff_headers)

    assert yesterday.status_code == 200
    assert yesterday.get_json()["business_date"] == "2026-11-23"
    assert older.status_code == 422
    assert older.get_json()["error"]["field"] == "business_date"
