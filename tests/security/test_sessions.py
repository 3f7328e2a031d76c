"""Sessions and tokens end when they should (issue 13, item 3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from merch.extensions import db
from merch.models import SignIn, User
from merch.services.accounts import hash_password
from merch.services.sessions import change_password, sign_out_everywhere
from tests.conftest import api_login, csrf_from, page_login
from tests.factories import PASSWORD


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie is not None else None


def _sign_in(client, username="staff1", remember=False):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"username": username, "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return response


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _fresh_client_with(app, **cookies):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other


def _sign_out(client):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})


def test_a_session_cookie_copied_before_sign_out_stops_working(app, client, staff):
    _sign_in(client)
    copied = _cookie(client, "session")

    _sign_out(client)

    assert not _signed_in(_fresh_client_with(app, session=copied))


def test_remember_cookie_is_random_per_sign_in_and_stored_hashed(app, client, staff):
    _sign_in(client, remember=True)
    first = _cookie(client, "remember_token")
    other = app.test_client()
    _sign_in(other, remember=True)
    second = _cookie(other, "remember_token")

    assert first and second and first != second
    stored = db.session.scalars(select(SignIn.token_hash)).all()
    assert all(value.split("|")[0] not in stored for value in (first, second))


def test_a_remember_cookie_works_once_and_is_rotated(app, client, staff):
    _sign_in(client, remember=True)
    remembered = _cookie(client, "remember_token")

    phone = _fresh_client_with(app, remember_token=remembered)
    assert _signed_in(phone)
    rotated = _cookie(phone, "remember_token")

    assert rotated and rotated != remembered
    # The value used once (a copy taken from the phone, say) no longer signs anyone in.
    assert not _signed_in(_fresh_client_with(app, remember_token=remembered))
    assert _signed_in(_fresh_client_with(app, remember_token=rotated))


def test_a_remember_cookie_expires_on_the_server(app, client, staff, clock):
    _sign_in(client, remember=True)
    remembered = _cookie(client, "remember_token")

    clock.now += timedelta(days=31)

    assert not _signed_in(_fresh_client_with(app, remember_token=remembered))


def test_a_sign_in_without_remember_ends_on_the_server_after_a_day(app, client, staff, clock):
    _sign_in(client)
    assert _signed_in(client)

    clock.now += timedelta(hours=app.config["SIGN_IN_SESSION_HOURS"], minutes=1)

    assert not _signed_in(client)


def test_sign_out_ends_the_remember_cookie_too(app, client, staff):
    _sign_in(client, remember=True)
    remembered = _cookie(client, "remember_token")

    _sign_out(client)

    assert not _signed_in(_fresh_client_with(app, remember_token=remembered))


def test_the_csrf_token_is_new_after_sign_in(client, staff):
    before = csrf_from(client.get("/login").get_data(as_text=True))
    _sign_in(client)

    after = csrf_from(client.get("/").get_data(as_text=True))

    assert before != after
    # The token from before sign-in is refused afterwards.
    response = client.post("/language", data={"language": "en", "csrf_token": before})
    assert client.get("/").headers.get("Content-Language") != "en" or response.status_code != 302


def test_sign_out_everywhere_ends_every_session_and_token_of_the_user(app, client, staff):
    laptop, phone = app.test_client(), app.test_client()
    _sign_in(laptop)
    _sign_in(phone, remember=True)
    remembered = _cookie(phone, "remember_token")
    headers = api_login(app.test_client(), "staff1")

    page = laptop.get("/account")
    assert page.status_code == 200
    response = laptop.post("/account/sign-out-everywhere", data={"csrf_token": csrf_from(page.get_data(as_text=True))})

    assert response.status_code == 302
    assert not _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(_fresh_client_with(app, remember_token=remembered))
    assert app.test_client().get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert _signed_in(app.test_client()) is False
    _sign_in(laptop)
    assert _signed_in(laptop)


def test_the_admin_function_signs_a_user_out_everywhere(app, client, staff, clock):
    _sign_in(client)
    headers = api_login(app.test_client(), "staff1")

    user = db.session.get(User, staff.id)
    assert sign_out_everywhere(user, clock.now) == 2
    db.session.commit()

    assert not _signed_in(client)
    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401


def test_a_password_change_ends_the_old_sessions_and_tokens(app, client, staff, clock):
    _sign_in(client)
    headers = api_login(app.test_client(), "staff1")

    user = db.session.get(User, staff.id)
    change_password(user, hash_password("a-new-password-9"), clock.now)
    db.session.commit()

    assert not _signed_in(client)
    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 401
    assert client.post("/api/v1/login", json={"username": "staff1", "password": "a-new-password-9"}).status_code == 200


def test_deactivation_ends_sessions_and_tokens(app, client, staff):
    _sign_in(client, remember=True)
    remembered = _cookie(client, "remember_token")
    headers = api_login(app.test_client(), "staff1")

    db.session.get(User, staff.id).active = False
    db.session.commit()

    assert not _signed_in(client)
    assert not _signed_in(_fresh_client_with(app, remember_token=remembered))
    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert client.post("/api/v1/login", json={"username": "staff1", "password": PASSWORD}).status_code == 401


def test_cookies_are_httponly_and_lax(client, staff):
    response = _sign_in(client, remember=True)

    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=")[0] for cookie in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain HTTP here: a Secure cookie would never come back


def test_behind_https_cookies_are_secure_and_hsts_is_sent(app, staff, make_proxied_app):
    proxied = make_proxied_app(1)
    client = proxied.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    page = client.get("/login", headers=headers)
    assert "; Secure" in page.headers["Set-Cookie"]
    token = csrf_from(page.get_data(as_text=True))

    # The browser sends Secure cookies back only over HTTPS, and the sign-in form's
    # CSRF check wants a same-site Referer there.
    response = client.post(
        "/login",
        base_url="https://localhost",
        data={"username": "staff1", "password": PASSWORD, "csrf_token": token, "remember": "y"},
        headers={**headers, "Referer": "https://localhost/login"},
    )

    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) >= 2
    assert all("; Secure" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_sign_in_never_redirects_to_another_origin(client, staff, target):
    page = client.get("/login", query_string={"next": target})
    token = csrf_from(page.get_data(as_text=True))

    response = client.post(
        "/login", data={"username": "staff1", "password": PASSWORD, "csrf_token": token, "next": target}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_in_returns_to_a_page_of_this_site(client, staff):
    token = csrf_from(client.get("/login").get_data(as_text=True))

    response = client.post(
        "/login",
        data={"username": "staff1", "password": PASSWORD, "csrf_token": token, "next": "/checklist/opening?x=1"},
    )

    assert response.headers["Location"] == "/checklist/opening?x=1"


def test_page_login_helper_still_signs_in(client, staff):
    page_login(client, "staff1")
    assert _signed_in(client)


def test_an_admin_signs_a_user_out_everywhere_from_their_page(app, client, staff):
    from merch.models import AuditEntry
    from tests.factories import make_user

    make_user("admin", username="boss")
    db.session.commit()
    phone = app.test_client()
    _sign_in(phone)
    headers = api_login(app.test_client(), "staff1")
    page_login(client, "boss")

    page = client.get(f"/admin/users/{staff.id}")
    assert page.status_code == 200
    assert f"/admin/users/{staff.id}/sign-out-everywhere" in page.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{staff.id}/sign-out-everywhere", data={"csrf_token": csrf_from(page.get_data(as_text=True))}
    )

    assert response.status_code == 302
    assert not _signed_in(phone)
    assert phone.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == (
        "user.sign_out_everywhere"
    )
    assert _signed_in(client)  # the admin's own session is untouched


def test_an_admin_password_reset_and_deactivation_end_browser_sessions(app, client, staff, clock):
    from merch.services.accounts import hash_password
    from merch.services.users import reset_password, set_active

    _sign_in(client)

    # reset_password takes the hash: it is computed before the writing transaction.
    reset_password(db.session.get(User, staff.id), hash_password("another-password-7"), actor=None, now=clock.now)
    db.session.commit()
    assert not _signed_in(client)

    phone = app.test_client()
    token = csrf_from(phone.get("/login").get_data(as_text=True))
    phone.post("/login", data={"username": "staff1", "password": "another-password-7", "csrf_token": token})
    assert _signed_in(phone)
    set_active(db.session.get(User, staff.id), False, actor=None, now=clock.now)
    db.session.commit()
    assert not _signed_in(phone)
    assert db.session.scalars(select(SignIn.revoked_at)).all() and all(
        moment is not None for moment in db.session.scalars(select(SignIn.revoked_at))
    )
