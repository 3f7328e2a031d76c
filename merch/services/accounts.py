"""Signing in, bearer tokens and who may see what."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm.attributes import set_committed_value

from merch import passwords
from merch.database import reading
from merch.extensions import db
from merch.models import ApiToken, Role, Shop, Submission, User


def _storable(text: str) -> bool:
    """Whether a database can compare this text: no NUL (PostgreSQL), no lone surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def find_user(username: str) -> User | None:
    """The user a sign-in names (read only); a name no user can have finds nobody."""
    name = username.strip()
    if not name or len(name) > 64 or not _storable(name):
        return None
    return db.session.scalar(select(User).where(User.username == name))


def password_matches(user: User | None, password: str) -> bool:
    """Check a password: exactly one hash computation whether or not the user exists or
    is active, so neither the answer nor its time tells which usernames exist. Call it
    outside any transaction: hashing is the slow part of a sign-in."""
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be in any stored password (those came in as text that
        # encodes); the same work is done anyway.
        password = password.encode("utf-8", "backslashreplace").decode("utf-8")
        if user is not None:
            passwords.verify_password(user.password_hash, password)
        else:
            passwords.verify_dummy(password)
        return False
    if user is None:
        # Checked when the username is unknown: a hash of the same method and cost as a
        # real user's, so usernames cannot be probed by timing.
        passwords.verify_dummy(password)
        return False
    return user.check_password(password) and user.active


def hash_password(password: str) -> str:
    """A new password's hash; compute it before any writing transaction."""
    return passwords.hash_password(password)


def upgraded_hash(user: User, password: str) -> str | None:
    """After ``password_matches`` said yes: a new hash if the stored one is of an older
    method or cost (scrypt, pbkdf2, weaker argon2), else None. Outside any transaction."""
    if not passwords.needs_rehash(user.password_hash):
        return None
    return passwords.hash_password(password)


def store_upgraded_hash(user: User, new_hash: str | None) -> None:
    """Inside the sign-in's writing transaction: replace the old hash, unless the
    password was changed meanwhile (the update names the hash it replaces)."""
    if new_hash is None:
        return
    old_hash = user.password_hash
    db.session.execute(
        update(User).where(User.id == user.id, User.password_hash == old_hash).values(password_hash=new_hash)
    )
    set_committed_value(user, "password_hash", new_hash)  # the loaded user says what the row says


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None (one answer for both mistakes)."""
    with reading():
        user = find_user(username)
    return user if password_matches(user, password) else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, now: datetime, days: int) -> tuple[str, ApiToken]:
    """Create a random bearer token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    record = ApiToken(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(record)
    db.session.flush()
    return token, record


def token_record(token: str, now: datetime) -> ApiToken | None:
    """The live token record for a bearer token, or None if unknown, expired or revoked."""
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        return None
    if not record.user.active:
        return None
    return record


def shops_visible_to(user: User) -> Select[tuple[int]]:
    """A select() of the shop ids a user may see: own shop, own area's, or all."""
    query = select(Shop.id)
    if user.role == Role.ADMIN:
        return query
    if user.role == Role.SUPERVISOR:
        return query.where(Shop.area_id == user.area_id)
    return query.where(Shop.id == user.shop_id)


def can_view_submission(user: User, submission: Submission) -> bool:
    """Staff see their shop's submissions, supervisors their area's, admins all."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.SUPERVISOR:
        return submission.shop.area_id == user.area_id
    return submission.shop_id == user.shop_id
