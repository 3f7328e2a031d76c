"""Every answer carries the security headers, error pages included; JSON and sign-in
are never cached (issue 13, item 11)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from merch.web import SECURITY_HEADERS
from tests.factories import PASSWORD


def _assert_secured(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


def test_json_and_sign_in_answers_are_never_cached(client, staff):
    login_page = client.get("/login")
    token = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD})
    refused = client.post("/api/v1/login", json={"username": "staff1", "password": "wrong-wrong"})
    checklist = client.get(
        "/api/v1/checklist?shift=opening", headers={"Authorization": f"Bearer {token.get_json()['token']}"}
    )

    for response in (login_page, token, refused, checklist):
        assert "no-store" in response.headers["Cache-Control"]
        _assert_secured(response)


def test_the_database_busy_page_carries_the_headers(client, staff, monkeypatch):
    import merch.api.login

    def locked(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    monkeypatch.setattr(merch.api.login, "find_user", locked)
    api = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD})
    monkeypatch.setattr("merch.auth.routes.find_user", locked)
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))
    page = client.post("/login", data={"username": "staff1", "password": PASSWORD, "csrf_token": token})

    for response in (api, page):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "no-store" in response.headers["Cache-Control"]
        _assert_secured(response)


@pytest.mark.parametrize("path", ["/nothing-here", "/api/v1/nothing-here"])
def test_not_found_pages_carry_the_headers(client, path):
    response = client.get(path)

    assert response.status_code == 404
    _assert_secured(response)


def test_an_unexpected_error_page_carries_the_headers(app, client, staff, monkeypatch):
    import merch.api.login

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(merch.api.login, "find_user", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    response = client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD})

    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "no-store" in response.headers["Cache-Control"]
    _assert_secured(response)


def test_a_body_over_the_limit_is_answered_with_the_headers(app, client, staff):
    app.config["MAX_CONTENT_LENGTH"] = 1_000

    response = client.post("/api/v1/login", data="x" * 5_000, content_type="application/json")

    assert response.status_code == 413
    _assert_secured(response)


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
