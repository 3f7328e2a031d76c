"""POST /api/v1/login and /logout."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import json_object
from merch.api.serializers import iso, user_json
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.extensions import db
from merch.models import User
from merch.services.accounts import authenticate, issue_token
from merch.services.throttle import ThrottlePolicy, clear_failures, record_failure, retry_after


@bp.post("/login")
def login() -> Any:
    """Exchange a username and password for a bearer token."""
    body = json_object(request.get_data(cache=False))
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "bad_request")
    now = utcnow()
    address = request.remote_addr or "unknown"
    policy = ThrottlePolicy.from_config(current_app.config)
    wait = retry_after(username, address, now, policy)
    if wait is not None:
        raise ApiError(429, "too_many_requests", retry_after=wait)
    user = authenticate(username, password)
    if user is None:
        record_failure(username, address, now, policy)
        db.session.commit()
        raise ApiError(401, "invalid_credentials")
    clear_failures(user.username)
    g.api_user = user
    token, record = issue_token(user, now, current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return jsonify({"token": token, "expires_at": iso(record.expires_at, user), "user": user_json(user)})


@bp.post("/logout")
@requires_user()
def logout(user: User) -> Any:
    """Revoke the bearer token used for this call."""
    record = g.get("api_token")
    if record is not None:
        record.revoked_at = utcnow()
        db.session.commit()
    return "", 204
