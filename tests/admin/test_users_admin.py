"""Admin pages for users: role and scope agree, password reset, deactivation ends access at once."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import ApiToken, AuditEntry, User
from merch.services.users import set_active
from tests import factories
from tests.admin.conftest import post_form
from tests.conftest import api_login, csrf_from, page_login


def other_client(app):
    """A second browser: Flask-WTF keeps the last CSRF token on g, shared by the test's app context."""
    g.pop("csrf_token", None)
    return app.test_client()


def test_staff_user_is_created_in_a_shop_and_can_sign_in(client, signed_in_admin):
    factories.make_shop("ZZ001")
    db.session.commit()

    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "li",
            "name": "李导购",
            "role": "staff",
            "shop": "ZZ001",
            "area": "",
            "language": "",
            "password": "long-enough-1",
        },
    )

    assert response.status_code == 302, response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "li"))
    assert user.shop.code == "ZZ001" and user.language is None and user.role == "staff"
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "user.create" and entry.after["shop"] == "ZZ001"
    assert "password" not in entry.after and "long-enough-1" not in str(entry.after)
    assert client.post("/api/v1/login", json={"username": "li", "password": "long-enough-1"}).status_code == 200


def test_role_and_scope_must_agree(client, signed_in_admin):
    signed_in_admin.language = "zh-Hant"
    shop = factories.make_shop("ZZ001")
    db.session.commit()
    cases = [
        ({"role": "staff", "shop": "", "area": ""}, "導購需要指定店鋪。"),
        ({"role": "supervisor", "shop": "", "area": ""}, "督導需要指定區域。"),
        ({"role": "supervisor", "shop": "ZZ001", "area": shop.area.code}, "只有導購屬於店鋪。"),
        ({"role": "admin", "shop": "", "area": shop.area.code}, "管理員不屬於任何店鋪或區域。"),
        ({"role": "owner", "shop": "", "area": ""}, "「owner」不是角色"),
        ({"role": "staff", "shop": "NOPE", "area": ""}, "沒有店鋪 NOPE。"),
    ]
    for fields, expected in cases:
        data = {"username": "new1", "name": "N", "language": "", "password": "long-enough-1", **fields}
        response = post_form(client, "/admin/users/new", data)
        assert response.status_code == 422, fields
        assert expected in response.get_data(as_text=True), fields
    short = post_form(
        client,
        "/admin/users/new",
        {"username": "a b", "name": "N", "role": "admin", "shop": "", "area": "", "language": "", "password": "short"},
    )
    body = short.get_data(as_text=True)
    assert "密碼至少需要 8 個字元。" in body and "不是有效的帳號" in body
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_changing_role_moves_the_user_and_is_audited(client, signed_in_admin):
    staff = factories.make_user("staff", username="li")
    area = factories.make_area("HN-ZZ")
    db.session.commit()

    response = post_form(
        client,
        f"/admin/users/{staff.id}",
        {"name": "李督导", "role": "supervisor", "shop": "", "area": "HN-ZZ", "language": "zh-Hans"},
    )

    assert response.status_code == 302
    db.session.refresh(staff)
    assert staff.role == "supervisor" and staff.area_id == area.id and staff.shop_id is None
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "user.update" and entry.before["role"] == "staff" and entry.after["area"] == "HN-ZZ"


def test_password_reset_revokes_tokens_and_the_new_password_works(client, signed_in_admin):
    staff = factories.make_user("staff", username="li")
    db.session.commit()
    headers = api_login(client, "li")

    response = post_form(client, f"/admin/users/{staff.id}/password", {"password": "brand-new-pass"})

    assert response.status_code == 302
    assert client.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    assert client.post("/api/v1/login", json={"username": "li", "password": factories.PASSWORD}).status_code == 401
    assert client.post("/api/v1/login", json={"username": "li", "password": "brand-new-pass"}).status_code == 200
    assert db.session.scalar(select(AuditEntry.action)) == "user.reset_password"


def test_too_short_new_password_is_refused_and_nothing_changes(client, signed_in_admin):
    staff = factories.make_user("staff", username="li")
    db.session.commit()
    before = staff.password_hash

    response = post_form(client, f"/admin/users/{staff.id}/password", {"password": "short"})

    assert response.status_code == 422 and "at least 8 characters" in response.get_data(as_text=True)
    db.session.refresh(staff)
    assert staff.password_hash == before


def test_deactivated_user_loses_session_and_tokens_at_once_and_cannot_sign_in(app, client, admin):
    staff = factories.make_user("staff", username="li")
    db.session.commit()
    phone = app.test_client()
    page_login(phone, "li")
    headers = api_login(phone, "li")
    assert phone.get("/").status_code == 200
    console = other_client(app)
    page_login(console, admin.username)

    response = post_form(console, f"/admin/users/{staff.id}/active", {"active": "0"})

    assert response.status_code == 302
    home = phone.get("/")
    assert home.status_code == 302 and "/login" in home.headers["Location"]
    assert phone.get("/api/v1/checklist?shift=opening", headers=headers).status_code == 401
    live = select(func.count()).select_from(ApiToken).where(ApiToken.user_id == staff.id, ApiToken.revoked_at.is_(None))
    assert db.session.scalar(live) == 0
    assert phone.post("/api/v1/login", json={"username": "li", "password": factories.PASSWORD}).status_code == 401
    assert db.session.scalar(select(AuditEntry.action)) == "user.deactivate"

    again = post_form(console, f"/admin/users/{staff.id}/active", {"active": "1"})

    assert again.status_code == 302
    assert phone.post("/api/v1/login", json={"username": "li", "password": factories.PASSWORD}).status_code == 200


def test_admin_cannot_deactivate_or_demote_themselves(client, signed_in_admin):
    deactivate = post_form(client, f"/admin/users/{signed_in_admin.id}/active", {"active": "0"}, follow_redirects=True)
    demote = post_form(
        client,
        f"/admin/users/{signed_in_admin.id}",
        {"name": "Boss", "role": "staff", "shop": "", "area": "", "language": "en"},
    )

    assert "You cannot deactivate or demote your own account." in deactivate.get_data(as_text=True)
    assert demote.status_code == 422 and "You cannot deactivate or demote" in demote.get_data(as_text=True)
    db.session.refresh(signed_in_admin)
    assert signed_in_admin.active and signed_in_admin.role == "admin"


def test_user_list_filters_and_keeps_a_fixed_number_of_queries(client, signed_in_admin, count_queries):
    factories.make_user("staff", username="staff-a")
    db.session.commit()
    with count_queries() as few:
        client.get("/admin/users")
    for n in range(60):
        factories.make_user("staff" if n % 2 else "supervisor", username=f"u{n:02d}")
    db.session.commit()

    with count_queries() as many:
        page = client.get("/admin/users")
    supervisors = client.get("/admin/users?role=supervisor&q=u0").get_data(as_text=True)

    assert page.status_code == 200 and len(many) == len(few)
    assert "u00" in supervisors and "u02" in supervisors and "u01" not in supervisors and "staff-a" not in supervisors


def test_deactivation_also_ends_a_remembered_sign_in(app, admin):
    staff = factories.make_user("staff", username="li")
    db.session.commit()
    phone = app.test_client()
    token = csrf_from(phone.get("/login").get_data(as_text=True))
    signed_in = phone.post(
        "/login", data={"username": "li", "password": factories.PASSWORD, "remember": "y", "csrf_token": token}
    )
    assert signed_in.status_code == 302 and phone.get_cookie("remember_token") is not None
    phone.delete_cookie("session")  # the browser was closed: only the remember cookie is left
    assert phone.get("/").status_code == 200

    set_active(staff, False, actor=admin, now=datetime(2026, 11, 24, tzinfo=UTC))
    db.session.commit()
    phone.delete_cookie("session")

    home = phone.get("/")
    assert home.status_code == 302 and "/login" in home.headers["Location"]
