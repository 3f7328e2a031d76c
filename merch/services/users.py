"""People: admins create and edit users, reset passwords and deactivate them, all audited.

A deactivated user cannot sign in; their page sign-ins and bearer tokens are ended in
the same transaction (``sign_out_everywhere``), and the login manager's user loader
refuses inactive users anyway. Passwords are hashed by the caller beforehand
(``hash_password``), outside any writing transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from merch.extensions import db
from merch.models import Area, Role, Shop, User
from merch.services.audit import record_change
from merch.services.sessions import change_password, sign_out_everywhere


@dataclass(frozen=True)
class UserFields:
    """A user's role and scope: staff have a shop, supervisors an area, admins neither."""

    name: str
    role: str
    shop: Shop | None
    area: Area | None
    language: str | None


def user_snapshot(user: User) -> dict[str, Any]:
    """A user as the audit log keeps them (never the password or its hash)."""
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "shop": user.shop.code if user.shop is not None else None,
        "area": user.area.code if user.area is not None else None,
        "language": user.language,
        "active": user.active,
    }


def _apply(user: User, fields: UserFields) -> None:
    user.name = fields.name
    user.role = fields.role
    user.shop = fields.shop if fields.role == Role.STAFF else None
    user.area = fields.area if fields.role == Role.SUPERVISOR else None
    user.language = fields.language


def create_user(
    username: str,
    fields: UserFields,
    password_hash: str,
    *,
    actor: User | None,
    now: datetime,
    via: str | None = None,
) -> User:
    """A new active user with an already computed password hash (the caller commits)."""
    user = User(username=username, password_hash=password_hash, active=True)
    _apply(user, fields)
    db.session.add(user)
    after = user_snapshot(user) | ({"via": via} if via else {})
    record_change(
        actor=actor, action="user.create", target_type="user", target=username, before=None, after=after, now=now
    )
    return user


def update_user(
    user: User,
    fields: UserFields,
    *,
    actor: User | None,
    now: datetime,
    password_hash: str | None = None,
    via: str | None = None,
) -> bool:
    """Change a user's name, role, scope or language (and password); False if nothing did."""
    before = user_snapshot(user)
    _apply(user, fields)
    after = user_snapshot(user)
    if password_hash is not None:
        change_password(user, password_hash, now)
        after["password"] = "changed"
    if after == before:
        return False
    record_change(
        actor=actor,
        action="user.update",
        target_type="user",
        target=user.username,
        before=before,
        after=after | ({"via": via} if via else {}),
        now=now,
    )
    return True


def reset_password(user: User, password_hash: str, *, actor: User | None, now: datetime) -> None:
    """Give a user a new password (already hashed); their sign-ins and tokens end."""
    change_password(user, password_hash, now)
    record_change(
        actor=actor,
        action="user.reset_password",
        target_type="user",
        target=user.username,
        before=None,
        after={"password": "changed"},
        now=now,
    )


def set_active(user: User, active: bool, *, actor: User | None, now: datetime) -> bool:
    """Deactivate (sign-ins and tokens ended at once) or reactivate a user; False if already so."""
    if user.active == active:
        return False
    user.active = active
    if not active:
        sign_out_everywhere(user, now)
    record_change(
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        target_type="user",
        target=user.username,
        before={"active": not active},
        after={"active": active},
        now=now,
    )
    return True


def sign_out_user_everywhere(user: User, *, actor: User | None, now: datetime) -> int:
    """An admin ends every browser sign-in and API token of ``user`` (audited); how many."""
    ended = sign_out_everywhere(user, now)
    record_change(
        actor=actor,
        action="user.sign_out_everywhere",
        target_type="user",
        target=user.username,
        before=None,
        after={"ended": ended},
        now=now,
    )
    return ended
