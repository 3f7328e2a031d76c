"""Sign-in answers tell nothing about which usernames exist (issue 13, item 3).

Timing is compared by the work done rather than by a stopwatch (the suite holds no
timed assertions): a wrong username, a wrong password and a deactivated account each
cost exactly one password hash computation of the same kind and the same SQL statements,
and get the same answer. This module hashes as production does (argon2id), not with the
suite's cheap testing hash, so the dummy hash is shown to cost what a real one costs.
"""

from __future__ import annotations

import re

import pytest

from merch.extensions import db
from merch.models import User
from merch.passwords import ARGON2ID, PasswordPolicy
from tests.conftest import csrf_from
from tests.factories import PASSWORD, make_user


@pytest.fixture
def app_settings():
    return {"PASSWORD_HASH_METHOD": ARGON2ID}


@pytest.fixture
def hashing(monkeypatch):
    calls: list[str] = []
    real = PasswordPolicy.verify

    def spy(self: PasswordPolicy, stored: str | None, password: str) -> bool:
        calls.append(self.describe(stored or ""))  # method and cost, e.g. $argon2id$v=19$m=19456,t=2,p=1
        return real(self, stored, password)

    monkeypatch.setattr(PasswordPolicy, "verify", spy)
    return calls


def _attempt(client, count_queries, hashing, username, password, address):
    hashing.clear()
    with count_queries() as statements:
        response = client.post(
            "/api/v1/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
        )
    return response.status_code, response.get_json(), list(hashing), len(statements)


def test_wrong_username_wrong_password_and_deactivated_cost_the_same_and_answer_the_same(
    app, client, staff, count_queries, hashing
):
    gone = make_user("staff", shop=staff.shop, username="gone1")
    gone.active = False
    db.session.commit()

    unknown = _attempt(client, count_queries, hashing, "nobody-here", PASSWORD, "198.51.100.1")
    wrong = _attempt(client, count_queries, hashing, "staff1", "not-the-password", "198.51.100.2")
    deactivated = _attempt(client, count_queries, hashing, "gone1", PASSWORD, "198.51.100.3")

    assert unknown[0] == wrong[0] == deactivated[0] == 401
    assert unknown[1] == wrong[1] == deactivated[1]
    assert len(unknown[2]) == len(wrong[2]) == len(deactivated[2]) == 1
    assert unknown[2] == wrong[2] == deactivated[2] == ["$argon2id$v=19$m=19456,t=2,p=1"]
    assert unknown[3] == wrong[3] == deactivated[3]


def test_the_sign_in_page_says_the_same_for_a_wrong_username_and_a_wrong_password(client, staff):
    token = csrf_from(client.get("/login").get_data(as_text=True))

    def message(username, password):
        page = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            headers={"Accept-Language": "en"},
        )
        html = page.get_data(as_text=True).replace(username, "USERNAME")
        # The signed CSRF token carries the second it was signed in: not about the user.
        return page.status_code, re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1TOKEN", html)

    assert message("nobody-here", PASSWORD) == message("staff1", "not-the-password")


def test_the_throttle_counts_unknown_usernames_like_real_ones(app, client, staff):
    allowance = app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]

    def blocked_after_failures(username):
        for _ in range(allowance):
            client.post("/api/v1/login", json={"username": username, "password": "nope-nope"})
        return client.post("/api/v1/login", json={"username": username, "password": "nope-nope"}).status_code

    assert blocked_after_failures("staff1") == blocked_after_failures("nobody-here") == 429
    assert db.session.get(User, staff.id).active
