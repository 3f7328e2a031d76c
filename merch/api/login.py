"""POST /api/v1/login and /logout."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import json_object
from merch.api.serializers import iso, user_json
from merch.clock import utcnow
from merch.database import reading, writing
from merch.error_responses import ApiError
from merch.models import User
from merch.services.accounts import find_user, issue_token, password_matches, store_upgraded_hash, upgraded_hash
from merch.services.throttle import ThrottlePolicy, clear_failures, failure_store, record_failure, retry_after


@bp.post("/login")
def login() -> Any:
    """Exchange a username and password for a bearer token.

    The throttle and the user are read first; the password is hashed outside any
    transaction; the writes (a failure, or the new token) take the write lock briefly.
    """
    body = json_object(request.get_data(cache=False))
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str):
        raise ApiError(400, "bad_request", "username")
    if not isinstance(password, str):
        raise ApiError(400, "bad_request", "password")
    now = utcnow()
    address = request.remote_addr or "unknown"
    policy = ThrottlePolicy.from_config(current_app.config)
    store = failure_store(current_app.config)
    with reading():
        wait = retry_after(store, username, address, now, policy)
        if wait is not None:
            raise ApiError(429, "too_many_requests", retry_after=wait)
        user = find_user(username)
    matched = password_matches(user, password)  # one hash, whether or not the user exists
    if user is None or not matched:
        with writing():
            record_failure(store, username, address, now, policy)
        raise ApiError(401, "invalid_credentials")
    new_hash = upgraded_hash(user, password)  # an older method's hash is replaced now
    with writing():
        clear_failures(store, user.username)
        store_upgraded_hash(user, new_hash)
        token, record = issue_token(user, now, current_app.config["API_TOKEN_DAYS"])
    g.api_user = user
    with reading():
        answer = {"token": token, "expires_at": iso(record.expires_at, user), "user": user_json(user)}
    return jsonify(answer)


@bp.post("/logout")
@requires_user()
def logout(user: User) -> Any:
    """Revoke the bearer token used for this call."""
    record = g.get("api_token")
    if record is not None:
        with writing():
            record.revoked_at = utcnow()
    return "", 204
