"""Recording admin changes in the audit log (the caller commits with the change itself)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from merch.extensions import db
from merch.models import AuditEntry, User

CLI_ACTOR = "cli"


def day_range(start: date | None, end: date | None, zone: ZoneInfo) -> tuple[datetime | None, datetime | None]:
    """The UTC moments bounding the dates ``start`` to ``end`` (both included) as they
    run in ``zone``: from the start date's midnight there to the midnight after the end
    date (DST-safe: each bound is built from its own date). None where no date is given."""
    first = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC) if start else None
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC) if end else None
    return first, after


def record_change(
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    now: datetime,
) -> AuditEntry:
    """Add one audit entry to the session, in the same transaction as the change it describes.

    ``before`` is None for a creation and ``after`` None for a removal; values must be
    JSON-serialisable (dates as ISO strings).
    """
    entry = AuditEntry(
        at=now,
        actor=actor,
        actor_name=actor.username if actor is not None else CLI_ACTOR,
        action=action,
        target_type=target_type,
        target=target,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
