"""POST /api/v1/login and /logout."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import api_login
from tests.factories import PASSWORD


def test_login_returns_token_and_user(client, staff):
    response = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD})

    assert response.status_code == 200
    body = response.get_json()
    assert len(body["token"]) >= 32
    assert body["user"] == {
        "username": "staff1",
        "name": "Test user",
        "role": "staff",
        "store": "ZZ001",
        "area": staff.shop.area.code,
        "language": "zh-Hans",
    }
    assert body["expires_at"].startswith("2026-12-24T10:30:00+08:00")


def test_wrong_password_and_unknown_user_get_one_answer(client, staff):
    wrong_password = client.post("/api/v1/login", json={"username": "staff1", "password": "nope-nope"})
    unknown_user = client.post("/api/v1/login", json={"username": "nobody", "password": PASSWORD})

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json() == unknown_user.get_json()
    assert wrong_password.get_json()["error"]["code"] == "invalid_credentials"


def test_login_without_json_object_is_bad_request(client, staff):
    response = client.post("/api/v1/login", data="username=staff1", content_type="text/plain")

    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_token_is_stored_hashed(app, client, staff):
    from merch.extensions import db
    from merch.models import ApiToken

    token = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).get_json()["token"]

    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert token not in stored
    assert len(stored) == 1 and len(stored[0]) == 64


def test_logout_stops_the_token(client, staff):
    headers = api_login(client, "staff1")

    assert client.post("/api/v1/logout", headers=headers).status_code == 204
    response = client.get("/api/v1/checklist?shift=opening", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_token_expires_after_thirty_days(client, staff, clock):
    headers = api_login(client, "staff1")

    clock.now += timedelta(days=30, seconds=1)

    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401


def test_bad_token_is_unauthorized(client, staff):
    response = client.get("/api/v1/checklist?shift=opening", headers={"Authorization": "Bearer nonsense"})

    assert response.status_code == 401


def test_repeated_wrong_passwords_are_throttled_with_retry_after(app, client, staff, clock):
    app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] = 3
    for _ in range(3):
        assert client.post("/api/v1/login", json={"username": "staff1", "password": "guess-123"}).status_code == 401

    blocked = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD})

    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 901
    clock.now += timedelta(minutes=16)
    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 200


def test_successful_sign_in_resets_the_count(app, client, staff):
    app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] = 3
    for _ in range(2):
        client.post("/api/v1/login", json={"username": "staff1", "password": "guess-123"})
    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 200

    for _ in range(2):
        client.post("/api/v1/login", json={"username": "staff1", "password": "guess-123"})

    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 200
