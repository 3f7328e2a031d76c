"""Sign-in throttling: too many failures for one username or one address answer 429."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select

from merch.extensions import db
from merch.models import SignInFailure


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    per_username: int = 10
    # A shop's one phone is many people behind one address; the address limit is wider.
    per_address: int = 50

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        return cls(
            window=timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]),
            per_username=config["SIGN_IN_FAILURES_PER_USERNAME"],
            per_address=config["SIGN_IN_FAILURES_PER_ADDRESS"],
        )


def retry_after(username: str, address: str, now: datetime, policy: ThrottlePolicy) -> int | None:
    """Seconds to wait before another attempt, or None when an attempt may be made."""
    since = now - policy.window
    waits = []
    for column, value, limit in (
        (SignInFailure.username, username.strip().lower(), policy.per_username),
        (SignInFailure.address, address, policy.per_address),
    ):
        recent = select(SignInFailure.at).where(column == value, SignInFailure.at > since)
        count = db.session.scalar(select(func.count()).select_from(recent.subquery()))
        if count is not None and count >= limit:
            # The wait ends when the oldest failure that still counts leaves the window.
            oldest = db.session.scalar(recent.order_by(SignInFailure.at.desc()).offset(limit - 1).limit(1))
            if oldest is not None:
                waits.append(max(1, int((oldest + policy.window - now).total_seconds()) + 1))
    return max(waits) if waits else None


def record_failure(username: str, address: str, now: datetime, policy: ThrottlePolicy) -> None:
    """Count a failed attempt and forget ones too old to matter."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.at <= now - policy.window))
    db.session.add(SignInFailure(username=username.strip().lower()[:64], address=address[:64], at=now))
    db.session.flush()


def clear_failures(username: str) -> None:
    """A successful sign-in starts the username's count again."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.username == username.strip().lower()))
