"""Flask-Login's side of server-side sign-ins (merch.services.sessions)."""

from __future__ import annotations

from typing import Any

from flask import Flask, session
from flask_login import user_loaded_from_cookie

from merch.clock import utcnow
from merch.database import reading, writing
from merch.services.sessions import rotate_sign_in, user_for_sign_in


def load_user(token: str) -> Any:
    """The user whose live sign-in the session (or remember cookie) names, else None."""
    with reading():
        return user_for_sign_in(token, utcnow())


def _rotate_remember_cookie(_app: Flask, user: Any, **_extra: Any) -> None:
    # A remember cookie is good for one use: the browser gets a new one now, and the
    # old value (a copy taken from this phone, say) no longer signs anyone in.
    with writing():
        fresh = rotate_sign_in(user.get_id(), utcnow())
    if fresh is not None:
        session["_user_id"] = fresh
        session["_remember"] = "set"


def install(app: Flask) -> None:
    user_loaded_from_cookie.connect(_rotate_remember_cookie, app)
