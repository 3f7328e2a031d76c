"""Removing records whose purpose has passed, so tables do not grow without end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_

from merch.extensions import db
from merch.models import ApiToken, IdempotencyRecord, SignIn, SignInFailure


@dataclass(frozen=True)
class Purged:
    """How many rows of each kind a purge removed."""

    idempotency_records: int
    sign_in_failures: int
    api_tokens: int
    sign_ins: int


def purge_expired(now: datetime, *, idempotency_days: int, sign_in_window: timedelta) -> Purged:
    """Delete what no request can use any more; the caller commits.

    - idempotency records older than the contract's keep time (api.md: at least 7 days):
      a retry after that is a new request;
    - sign-in failures older than the throttle's window: they no longer count;
    - API tokens and page sign-ins that expired or were revoked: they can never work again.
    """
    idempotency = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - timedelta(days=idempotency_days))
    )
    failures = db.session.execute(delete(SignInFailure).where(SignInFailure.at <= now - sign_in_window))
    tokens = db.session.execute(
        delete(ApiToken).where(or_(ApiToken.expires_at <= now, ApiToken.revoked_at.is_not(None)))
    )
    sign_ins = db.session.execute(delete(SignIn).where(or_(SignIn.expires_at <= now, SignIn.revoked_at.is_not(None))))
    return Purged(
        idempotency_records=idempotency.rowcount,  # type: ignore[attr-defined]
        sign_in_failures=failures.rowcount,  # type: ignore[attr-defined]
        api_tokens=tokens.rowcount,  # type: ignore[attr-defined]
        sign_ins=sign_ins.rowcount,  # type: ignore[attr-defined]
    )
