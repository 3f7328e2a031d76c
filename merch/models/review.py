"""Supervision: overrides of scored items and corrective actions.

An override never edits the automatic result: it is a row of history, and the item keeps
a copy of the latest one (``ItemResult.override_passed``) so lists and queries need no
subquery to know the final result.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.extensions import db
from merch.models.org import Shop, User
from merch.models.types import UTCDateTime

ACTION_OPEN = "open"
ACTION_CLOSED = "closed"
ACTION_VERIFIED = "verified"
ACTION_STATUSES = (ACTION_OPEN, ACTION_CLOSED, ACTION_VERIFIED)


class ItemOverride(db.Model):  # type: ignore[name-defined]
    """A supervisor passing or failing one scored item, with why; every one is kept."""

    __tablename__ = "item_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_result_id: Mapped[int] = mapped_column(ForeignKey("item_results.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    passed: Mapped[bool]
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class CorrectiveAction(db.Model):  # type: ignore[name-defined]
    """A failing item the shop must fix and prove with a new photo; the supervisor verifies."""

    __tablename__ = "corrective_actions"
    __table_args__ = (Index("ix_corrective_actions_shop_status", "shop_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    item_result_id: Mapped[int] = mapped_column(ForeignKey("item_results.id", ondelete="CASCADE"))
    # The shop, copied from the submission: scope and the board filter on it directly.
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"))
    key: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default=ACTION_OPEN)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(Text)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verify_comment: Mapped[str | None] = mapped_column(Text)

    shop: Mapped[Shop] = relationship()
    submission: Mapped[Submission] = relationship(back_populates="actions")
    item: Mapped[ItemResult] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])
    photos: Mapped[list[Photo]] = relationship(
        back_populates="action", order_by="Photo.id", foreign_keys="Photo.action_id"
    )


from merch.models.submissions import ItemResult, Photo, Submission  # noqa: E402
