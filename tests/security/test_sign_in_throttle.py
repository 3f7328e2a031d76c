"""Sign-in throttling that an attacker cannot turn against the user (issue 13, item 5).

Each test runs on both backends: the database (default) and Redis (MERCH_REDIS_URL);
the Redis ones skip when no Redis answers at MERCH_TEST_REDIS_URL
(default redis://127.0.0.1:6379/3).
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest

from tests.factories import PASSWORD

REDIS_URL = os.environ.get("MERCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
WRONG = "guess-guess-1"


def _redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}: the Redis throttle tests are skipped")
    return REDIS_URL


@pytest.fixture(params=["database", "redis"])
def backend(request, app):
    if request.param == "redis":
        app.config["REDIS_URL"] = _redis_or_skip()
        # A prefix of the test's own, so runs never see each other's counts.
        app.config["REDIS_PREFIX"] = f"merch-test:{uuid.uuid4().hex}:"
    yield request.param
    if request.param == "redis":
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=app.config["REDIS_PREFIX"] + "*"):
            client.delete(key)


def _login(client, username, password, address="203.0.113.7"):
    return client.post(
        "/api/v1/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_right_password_gets_through_from_an_address_that_has_not_failed(backend, client, staff, clock):
    for _ in range(12):
        _login(client, "staff1", WRONG, address="198.51.100.66")
    assert _login(client, "staff1", WRONG, address="198.51.100.66").status_code == 429

    assert _login(client, "staff1", PASSWORD, address="203.0.113.7").status_code == 200


def test_delays_grow_with_each_failure_from_one_address(backend, app, client, staff, clock):
    allowance = app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for _ in range(allowance):
        assert _login(client, "staff1", WRONG).status_code == 401

    waits = []
    for _ in range(4):
        blocked = _login(client, "staff1", WRONG)
        assert blocked.status_code == 429
        assert blocked.get_json()["error"]["code"] == "too_many_requests"
        waits.append(int(blocked.headers["Retry-After"]))
        clock.now += timedelta(seconds=waits[-1])
        assert _login(client, "staff1", WRONG).status_code == 401

    assert waits == [1, 2, 4, 8]


def test_the_right_password_waits_too_on_an_address_that_keeps_failing(backend, app, client, staff, clock):
    for _ in range(app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"] + 1):
        _login(client, "staff1", WRONG)

    assert _login(client, "staff1", PASSWORD).status_code == 429
    clock.now += timedelta(seconds=3)
    assert _login(client, "staff1", PASSWORD).status_code == 200


def test_guessing_from_many_addresses_shares_one_growing_delay(backend, app, client, staff, clock):
    app.config["SIGN_IN_FAILURES_PER_USERNAME"] = 5
    for number in range(5):
        assert _login(client, "staff1", WRONG, address=f"198.51.100.{number}").status_code == 401
    # An address that already failed on this account now waits for the account's delay ...
    assert _login(client, "staff1", WRONG, address="198.51.100.1").status_code == 429
    # ... while the user, on an address that has not failed, still signs in.
    assert _login(client, "staff1", PASSWORD, address="203.0.113.50").status_code == 200


def test_one_address_trying_many_accounts_is_slowed(backend, app, client, staff, clock):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 5
    for number in range(5):
        assert _login(client, f"someone{number}", WRONG).status_code == 401

    assert _login(client, "someone-else", WRONG).status_code == 429
    assert _login(client, "staff1", PASSWORD, address="203.0.113.99").status_code == 200


def test_a_success_starts_the_account_count_again(backend, app, client, staff, clock):
    allowance = app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for _ in range(allowance - 1):
        _login(client, "staff1", WRONG)
    assert _login(client, "staff1", PASSWORD).status_code == 200
    for _ in range(allowance - 1):
        assert _login(client, "staff1", WRONG).status_code == 401

    assert _login(client, "staff1", PASSWORD).status_code == 200


def test_counts_are_forgotten_after_a_quiet_window(backend, app, client, staff, clock):
    for _ in range(10):
        _login(client, "staff1", WRONG)
    assert _login(client, "staff1", PASSWORD).status_code == 429

    clock.now += timedelta(seconds=app.config["SIGN_IN_WINDOW_SECONDS"] + 1)

    assert _login(client, "staff1", PASSWORD).status_code == 200


def test_the_sign_in_page_uses_the_same_throttle(backend, app, client, staff, clock):
    from tests.conftest import csrf_from

    token = csrf_from(client.get("/login").get_data(as_text=True))
    for _ in range(app.config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        client.post("/login", data={"username": "staff1", "password": WRONG, "csrf_token": token})

    page = client.post(
        "/login", data={"username": "staff1", "password": WRONG, "csrf_token": token}, headers={"Accept-Language": "en"}
    )

    assert page.status_code == 429
    assert "Too many attempts" in page.get_data(as_text=True)


def test_behind_a_proxy_each_client_is_counted_by_its_forwarded_address(app, staff, clock, make_proxied_app):
    app.config["SIGN_IN_FAILURES_PER_ADDRESS"] = 3
    proxied = make_proxied_app(1)
    client = proxied.test_client()

    def login(username, password, client_address):
        return client.post(
            "/api/v1/login",
            json={"username": username, "password": password},
            headers={"X-Forwarded-For": client_address},
            environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the proxy
        )

    for number in range(3):
        login(f"nobody{number}", WRONG, "198.51.100.9")
    assert login("nobody9", WRONG, "198.51.100.9").status_code == 429
    # Another shop behind the same proxy is not slowed by that one ...
    assert login("staff1", PASSWORD, "203.0.113.20").status_code == 200
    # ... and a client cannot pick its address: only the proxy's hop is trusted.
    assert login("nobody9", WRONG, "203.0.113.20, 198.51.100.9").status_code == 429
