"""POST /api/v1/login and /logout."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, request

from merch.api import bp
from merch.api.access import authenticated_user
from merch.clock import utcnow
from merch.api.serializers import iso, user_json
from merch.errors import ApiError
from merch.extensions import db
from merch.services.accounts import authenticate, issue_token


@bp.post("/login")
def login() -> Any:
    """Exchange a username and password for a bearer token."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request")
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise ApiError(400, "bad_request")
    user = authenticate(username, password)
    if user is None:
        raise ApiError(401, "invalid_credentials")
    g.api_user = user
    token, record = issue_token(user, utcnow(), current_app.config["API_TOKEN_DAYS"])
    db.session.commit()
    return jsonify({"token": token, "expires_at": iso(record.expires_at, user), "user": user_json(user)})


@bp.post("/logout")
def logout() -> Any:
    """Revoke the bearer token used for this call."""
    authenticated_user()
    record = g.get("api_token")
    if record is not None:
        record.revoked_at = utcnow()
        db.session.commit()
    return "", 204
