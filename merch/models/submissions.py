"""Submitted checklists, their scored items and photo evidence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from merch.checklists import ShopHours, window_opens_at
from merch.extensions import db
from merch.models.org import Shop, User
from merch.models.rules import RuleVersion
from merch.models.types import UTCDateTime

SUBMITTED = "submitted"
REVIEWED = "reviewed"
SENT_BACK = "sent_back"
VISIT = "visit"

# Only one live (not sent back) checklist per shop, shift and business date; this is what
# turns two phones racing to submit the same checklist into one submission and a 409.
# Visits are never due and a shop may be visited twice a day, so they are left out.
_LIVE = text("status <> 'sent_back' AND shift <> 'visit'")


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
        # Checklist lists, newest first: one shop's (or a few shops') by the first index,
        # everything (admins) by the second, each read in index order, never sorted whole.
        Index("ix_submissions_shop_received", "shop_id", "received_at", "id"),
        Index("ix_submissions_received", "received_at", "id"),
        # Rankings read one period of live checklists for every shop: this holds all they
        # read, so their GROUP BY never visits the table (issue 8).
        Index(
            "ix_submissions_live_period",
            "shop_id",
            "shift",
            "business_date",
            "late",
            "score",
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        # A shop's or an area's history (trend, export, why-this-rank).
        Index("ix_submissions_shop_date", "shop_id", "business_date"),
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
    # The automatic score, kept once a supervisor's override has changed ``score``.
    original_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    # The latest review (reviewed or sent back): who, when, why.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_comment: Mapped[str | None] = mapped_column(Text)
    review_action: Mapped[str | None] = mapped_column(String(16))

    shop: Mapped[Shop] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    actions: Mapped[list[CorrectiveAction]] = relationship(
        back_populates="submission", order_by="CorrectiveAction.id", cascade="all, delete-orphan"
    )
    items: Mapped[list[ItemResult]] = relationship(
        back_populates="submission", order_by="ItemResult.position", cascade="all, delete-orphan"
    )
    photos: Mapped[list[Photo]] = relationship(
        primaryjoin="and_(Submission.id == Photo.submission_id, Photo.action_id.is_(None))",
        order_by="Photo.id",
        cascade="all, delete-orphan",
        overlaps="submission",
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
    # The latest supervisor override (None: untouched); its history is in ``overrides``.
    override_passed: Mapped[bool | None] = mapped_column()
    # Answered N/A on a rule that allows it: shown as N/A, and its weight leaves the score.
    not_applicable: Mapped[bool] = mapped_column(default=False, server_default=false())

    submission: Mapped[Submission] = relationship(back_populates="items")
    rule_version: Mapped[RuleVersion] = relationship()
    overrides: Mapped[list[ItemOverride]] = relationship(order_by="ItemOverride.id", cascade="all, delete-orphan")

    @property
    def exact_credit(self) -> Fraction:
        """The automatic credit, exactly."""
        return Fraction(self.credit_numerator, self.credit_denominator)

    @property
    def score_credit(self) -> Fraction | None:
        """The credit the score counts: None for an N/A item, which leaves the sum."""
        return None if self.not_applicable else self.exact_credit

    @hybrid_property
    def final_passed(self) -> bool:
        """The result after review: the latest override, else the automatic one."""
        return self.passed if self.override_passed is None else self.override_passed

    @final_passed.inplace.expression
    @classmethod
    def _final_passed_expression(cls) -> ColumnElement[bool]:
        # The same in SQL, for queries that read many items (board, trends, export).
        return func.coalesce(cls.override_passed, cls.passed)

    @property
    def final_credit(self) -> Fraction | None:
        """The credit the score counts after review: an override counts 1 or 0, even on an
        item answered N/A (the supervisor saw the display); otherwise as scored."""
        if self.override_passed is None:
            return self.score_credit
        return Fraction(1 if self.override_passed else 0)

    @property
    def latest_override(self) -> ItemOverride | None:
        return self.overrides[-1] if self.overrides else None


class Photo(db.Model):  # type: ignore[name-defined]
    """A processed photo: a display copy and a thumbnail on disk, without metadata."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A photo closing a corrective action (``action_id``) belongs to the action's submission
    # for access, but is not part of the checklist's evidence (``Submission.photos``).
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("corrective_actions.id"), index=True)
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
    # Evidence by content (merch.services.evidence): the earliest stored photo this one is a
    # copy of, from any shop; and, for a window said to be re-dressed, the last change's
    # window photo it still looks like, with how alike (0–1).
    reused_of_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    window_match_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    window_similarity: Mapped[float | None]

    submission: Mapped[Submission] = relationship()
    action: Mapped[CorrectiveAction | None] = relationship(back_populates="photos", foreign_keys=[action_id])
    duplicate_of: Mapped[Photo | None] = relationship(remote_side=[id], foreign_keys=[duplicate_of_id])
    reused_of: Mapped[Photo | None] = relationship(remote_side=[id], foreign_keys=[reused_of_id])
    window_match: Mapped[Photo | None] = relationship(remote_side=[id], foreign_keys=[window_match_id])

    @property
    def taken_before_window(self) -> bool | None:
        """Whether the camera says the photo predates the checklist's time window.

        None when the photo carries no capture time (many apps strip it).
        """
        submission = self.submission
        if self.captured_at is None or self.action_id is not None:
            return None
        shop = submission.shop
        hours = ShopHours(shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on)
        return self.captured_at < window_opens_at(hours, submission.shift, submission.business_date)


from merch.models.review import CorrectiveAction, ItemOverride  # noqa: E402
