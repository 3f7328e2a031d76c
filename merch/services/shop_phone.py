"""The shared shop phone: assistants of one shop switch with a short PIN they set."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from merch import passwords
from merch.extensions import db
from merch.models import Role, User
from merch.services.throttle import FailureStore, ThrottlePolicy, clear_failures, record_failure, retry_after

PIN_PATTERN = re.compile(r"^\d{4,6}$")
# Ten thousand four-digit PINs: five wrong tries per assistant per 15 minutes, then wait.
PIN_POLICY = ThrottlePolicy(window=timedelta(minutes=15), per_account_and_address=5, per_account=5, per_address=50)


def _throttle_name(user: User) -> str:
    return f"pin:{user.username}"


def valid_pin(pin: str) -> bool:
    return bool(PIN_PATTERN.match(pin))


def set_pin(user: User, pin: str) -> None:
    """Store the PIN hashed, like a password (the caller has checked the password)."""
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 6 digits")
    user.pin_hash = passwords.hash_password(pin)


def colleagues(user: User) -> list[User]:
    """The other active assistants of the caller's shop who set a PIN; never another shop's."""
    if user.role != Role.STAFF or user.shop_id is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.shop_id == user.shop_id,
                User.role == Role.STAFF,
                User.active.is_(True),
                User.pin_hash.is_not(None),
                User.id != user.id,
            )
            .order_by(User.name, User.username)
        )
    )


@dataclass(frozen=True)
class SwitchOutcome:
    user: User | None
    retry_after: int | None = None


def switch_to(
    current: User, username: str, pin: str, now: datetime, address: str, store: FailureStore
) -> SwitchOutcome:
    """The colleague to sign in as, if the PIN is theirs; an unknown name fails like a wrong PIN."""
    target = next((user for user in colleagues(current) if user.username == username), None)
    if target is None:
        return SwitchOutcome(None)
    wait = retry_after(store, _throttle_name(target), address, now, PIN_POLICY)
    if wait is not None:
        return SwitchOutcome(None, wait)
    if target.pin_hash is None or not valid_pin(pin) or not passwords.verify_password(target.pin_hash, pin):
        record_failure(store, _throttle_name(target), address, now, PIN_POLICY)
        return SwitchOutcome(None)
    clear_failures(store, _throttle_name(target))
    return SwitchOutcome(target)
