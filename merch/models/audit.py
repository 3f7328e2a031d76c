"""The audit log: who changed what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.extensions import db
from merch.models.org import User
from merch.models.types import UTCDateTime


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """One change made by an admin (or by the command line, where ``actor`` is None).

    Rows are only ever added: the log is the brand's record of how its set-up came to be.
    """

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The actor's username at the time (or "cli"), so the log reads the same after renames.
    actor_name: Mapped[str] = mapped_column(String(64))
    # What was done, as "<object>.<verb>": "shop.create", "rule.update", "user.deactivate".
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    # The target's code, username, key or id as text.
    target: Mapped[str] = mapped_column(String(120))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()
