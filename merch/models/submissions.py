"""Submitted checklists, their scored items and photo evidence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.checklists import ShopHours, window_opens_at
from merch.extensions import db
from merch.models.org import Shop, User
from merch.models.rules import RuleVersion
from merch.models.types import UTCDateTime

SUBMITTED = "submitted"
REVIEWED = "reviewed"
SENT_BACK = "sent_back"

# Only one live (not sent back) checklist per shop, shift and business date; this is what
# turns two phones racing to submit the same checklist into one submission and a 409.
_LIVE = text("status <> 'sent_back'")


class Submission(db.Model):  # type: ignore[name-defined]
    """One shop's checklist for one shift of one business date."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index(
            "uq_submissions_live_checklist",
            "shop_id",
            "shift",
            "business_date",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    shift: Mapped[str] = mapped_column(String(16))
    business_date: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    late: Mapped[bool]
    score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))

    shop: Mapped[Shop] = relationship()
    user: Mapped[User] = relationship()
    items: Mapped[list[ItemResult]] = relationship(
        back_populates="submission", order_by="ItemResult.position", cascade="all, delete-orphan"
    )
    photos: Mapped[list[Photo]] = relationship(
        back_populates="submission", order_by="Photo.id", cascade="all, delete-orphan"
    )


class ItemResult(db.Model):  # type: ignore[name-defined]
    """One rule's answer and score inside a submission, frozen with the rule it was scored by."""

    __tablename__ = "item_results"
    __table_args__ = (UniqueConstraint("submission_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    rule_version_id: Mapped[int] = mapped_column(ForeignKey("rule_versions.id"))
    position: Mapped[int]
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    area: Mapped[str] = mapped_column(String(16))
    # Copies of the version's numbers: history must read the same even if a version row
    # were ever edited by hand.
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    weight: Mapped[int]
    photo_required: Mapped[bool]
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    credit: Mapped[float]
    # The exact credit (e.g. 2/3) so a recomputed score rounds exactly as the first one did.
    credit_numerator: Mapped[int]
    credit_denominator: Mapped[int]
    passed: Mapped[bool]
    # Structured problems ({"code", "params"}), rendered in the reader's language on read.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    # A refresh rule answered "changed today" with its area photographed: the shop's history
    # of window changes is read from these.
    marks_change: Mapped[bool] = mapped_column(default=False)
    # Answered N/A on a rule that allows it: shown as N/A, and its weight leaves the score.
    not_applicable: Mapped[bool] = mapped_column(default=False, server_default=false())

    submission: Mapped[Submission] = relationship(back_populates="items")
    rule_version: Mapped[RuleVersion] = relationship()

    @property
    def exact_credit(self) -> Fraction:
        return Fraction(self.credit_numerator, self.credit_denominator)

    @property
    def score_credit(self) -> Fraction | None:
        """The credit the score counts: None for an N/A item, which leaves the sum."""
        return None if self.not_applicable else self.exact_credit


class Photo(db.Model):  # type: ignore[name-defined]
    """A processed photo: a display copy and a thumbnail on disk, without metadata."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    area: Mapped[str] = mapped_column(String(16))
    field_name: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int]
    height: Mapped[int]
    display_path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The earliest stored photo with the same bytes: a recycled photo is evidence of nothing.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))

    submission: Mapped[Submission] = relationship(back_populates="photos")
    duplicate_of: Mapped[Photo | None] = relationship(remote_side=[id])

    @property
    def taken_before_window(self) -> bool | None:
        """Whether the camera says the photo predates the checklist's time window.

        None when the photo carries no capture time (many apps strip it).
        """
        if self.captured_at is None:
            return None
        submission = self.submission
        shop = submission.shop
        hours = ShopHours(shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on)
        return self.captured_at < window_opens_at(hours, submission.shift, submission.business_date)
