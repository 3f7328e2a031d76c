"""Browser sign-ins that end when they should: sign-out, password change, deactivation,
and an admin's (or the user's own) "sign out everywhere".

The session cookie and the remember cookie carry a random token naming a ``SignIn`` row
(stored hashed, with an expiry); every request looks it up, so ending the row ends the
cookie however it was copied. A remember cookie is rotated each time it is used.
Write functions only change rows: callers run them in ``writing()``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from merch.extensions import db
from merch.models import ApiToken, SignIn, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "backslashreplace")).hexdigest()


def start_sign_in(user: User, now: datetime, lifetime: timedelta, *, remember: bool) -> str:
    """A new sign-in for ``user``; returns its token (set it on the user for Flask-Login)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignIn(
            user_id=user.id,
            token_hash=_hash(token),
            remember=remember,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    user.use_sign_in(token)
    return token


def _live(token: str, now: datetime) -> SignIn | None:
    if not token or len(token) > 100:
        return None
    record = db.session.scalar(select(SignIn).options(joinedload(SignIn.user)).where(SignIn.token_hash == _hash(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return None
    if not record.user.active:
        return None
    return record


def user_for_sign_in(token: str, now: datetime) -> User | None:
    """The active user a live sign-in token names, or None (read only)."""
    record = _live(token, now)
    if record is None:
        return None
    record.user.use_sign_in(token)
    return record.user


def rotate_sign_in(token: str, now: datetime) -> str | None:
    """Replace a remembered sign-in's token (the old cookie stops working); None if not live."""
    record = _live(token, now)
    if record is None:
        return None
    fresh = secrets.token_urlsafe(32)
    record.token_hash = _hash(fresh)
    db.session.flush()
    record.user.use_sign_in(fresh)
    return fresh


def end_sign_in(token: str, now: datetime) -> None:
    """Sign-out: this sign-in's cookies stop working, copies included."""
    db.session.execute(
        update(SignIn).where(SignIn.token_hash == _hash(token), SignIn.revoked_at.is_(None)).values(revoked_at=now)
    )


def sign_out_everywhere(user: User, now: datetime) -> int:
    """End every sign-in and API token of ``user``; returns how many were live.

    For admins' user pages and the user's own account page; also called on a password
    change, and to be called on deactivation (which by itself already refuses them).
    """
    ended = 0
    for model in (SignIn, ApiToken):
        result: Any = db.session.execute(
            update(model).where(model.user_id == user.id, model.revoked_at.is_(None)).values(revoked_at=now)
        )
        ended += int(result.rowcount or 0)
    return ended


def change_password(user: User, password_hash: str, now: datetime) -> None:
    """Set a new password (hashed beforehand with ``hash_password``, outside any
    transaction) and end every sign-in and token made with the old one."""
    user.password_hash = password_hash
    sign_out_everywhere(user, now)
