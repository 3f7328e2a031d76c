"""flask --app merch init-db | seed-demo | create-user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from merch.extensions import db
from merch.models import ApiToken, Area, IdempotencyRecord, Rule, Shop, SignIn, SignInFailure, User
from tests.conftest import api_login, csrf_from, page_login
from tests.factories import new_key, submission_form


def test_init_db_is_safe_to_run_twice(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])

    assert first.exit_code == 0 and second.exit_code == 0
    assert "0 guide rules added" in second.output
    assert db.session.scalar(select(func.count()).select_from(Rule)) == 18


def test_seed_demo_creates_the_contracts_demo_data(runner, client, clock):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    shops = {shop.code: shop for shop in db.session.scalars(select(Shop))}
    assert {"ZZ001", "ZZ002", "LY001"} <= set(shops)
    assert all(
        (str(shops[code].opens_at), str(shops[code].closes_at)) == ("10:00:00", "22:00:00")
        for code in ("ZZ001", "ZZ002", "LY001")
    )
    assert shops["ZZ001"].area.code == "HN-ZZ" and shops["LY001"].area.code == "HN-LY"
    assert db.session.scalar(select(Area.name).where(Area.code == "HN-ZZ")) == "鄭州區"
    assert all(s.timezone == "Asia/Shanghai" and s.language == "zh-Hans" for s in shops.values())
    assert str(shops["ZZ001"].opened_on) == "2026-10-25"
    users = {user.username: user for user in db.session.scalars(select(User))}
    assert users["super1"].area.code == "HN-ZZ" and users["staff2"].shop.code == "LY001"
    login = client.post("/api/v1/login", json={"username": "staff1", "password": "demo-pass-123"})
    assert login.status_code == 200


def test_seed_demo_again_changes_nothing_and_keeps_passwords(runner, client):
    runner.invoke(args=["seed-demo"])
    user = db.session.scalar(select(User).where(User.username == "staff1"))
    user.set_password("changed-password-1")
    db.session.commit()

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0
    assert "nothing changed" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 5
    assert (
        client.post("/api/v1/login", json={"username": "staff1", "password": "changed-password-1"}).status_code == 200
    )


@pytest.mark.parametrize(
    "local_time", [(0, 0), (3, 0), (9, 59), (16, 45), (23, 59)], ids=["00:00", "03:00", "09:59", "16:45", "23:59"]
)
def test_a_newcomer_can_submit_a_demo_checklist_at_any_hour(runner, client, clock, local_time):
    clock.set_local(2026, 12, 1, *local_time)
    runner.invoke(args=["seed-demo"])
    headers = api_login(client, "demo", "demo-pass-123")

    checklist = client.get("/api/v1/checklist?shift=opening", headers=headers).get_json()
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )

    assert checklist["store"] == "ZZ900"
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["business_date"] == "2026-12-01"


def test_seed_demo_uses_the_demo_password_setting(app, runner, client):
    app.config["DEMO_PASSWORD"] = "another-pass-456"

    runner.invoke(args=["seed-demo"])

    assert client.post("/api/v1/login", json={"username": "admin", "password": "another-pass-456"}).status_code == 200


def test_create_user_adds_staff_to_a_shop(runner, client):
    runner.invoke(args=["seed-demo"])

    result = runner.invoke(
        args=["create-user", "staff9", "--role", "staff", "--shop", "ZZ002", "--password", "s3cret-pass"]
    )

    assert result.exit_code == 0, result.output
    login = client.post("/api/v1/login", json={"username": "staff9", "password": "s3cret-pass"})
    assert login.get_json()["user"]["store"] == "ZZ002"


def test_create_user_refuses_staff_without_a_shop_and_unknown_shops(runner):
    no_shop = runner.invoke(args=["create-user", "x1", "--role", "staff", "--password", "long-enough"])
    bad_shop = runner.invoke(
        args=["create-user", "x2", "--role", "staff", "--shop", "NOPE", "--password", "long-enough"]
    )

    assert no_shop.exit_code != 0 and "shop" in no_shop.output
    assert bad_shop.exit_code != 0 and "NOPE" in bad_shop.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }

    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000}


def test_purge_removes_only_what_no_request_can_use_any_more(app, runner, client, clock, staff):
    clock.set_local(2026, 11, 14, 10, 30)  # ten days ago: past the 7 days keys are kept
    old_headers = api_login(client, staff.username)
    client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**old_headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )
    client.post("/api/v1/logout", headers=old_headers)
    clock.set_local(2026, 11, 24, 10, 30)
    fresh_headers = api_login(client, staff.username)
    fresh_key = new_key()
    client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**fresh_headers, "Idempotency-Key": fresh_key},
        content_type="multipart/form-data",
    )
    signed_out, still_signed_in = app.test_client(), app.test_client()
    page_login(signed_out, staff.username)
    token = csrf_from(signed_out.get("/").get_data(as_text=True))
    signed_out.post("/logout", data={"csrf_token": token})
    page_login(still_signed_in, staff.username)
    now = clock()
    db.session.add_all(
        [
            SignInFailure(username="someone", address="10.0.0.1", at=now - timedelta(hours=1)),
            SignInFailure(username="someone", address="10.0.0.1", at=now - timedelta(minutes=1)),
        ]
    )
    db.session.commit()

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert (
        "Removed 1 idempotency records older than 7 days, 1 sign-in failures older than 15 minutes, " in result.output
    )
    assert "1 expired or revoked API tokens, 1 ended page sign-ins." in result.output
    assert db.session.scalars(select(IdempotencyRecord.key)).all() == [fresh_key]
    assert [failure.at for failure in db.session.scalars(select(SignInFailure))] == [now - timedelta(minutes=1)]
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 1
    assert client.get("/api/v1/checklist?shift=closing", headers=fresh_headers).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SignIn)) == 1
    assert still_signed_in.get("/").status_code == 200
