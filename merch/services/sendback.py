"""Sent-back checklists the shop has yet to redo (each counts as missed until then)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased, joinedload

from merch.extensions import db
from merch.models import SENT_BACK, Shop, Submission

MAX_LISTED = 20


def pending_resubmissions(shop: Shop) -> list[Submission]:
    """The shop's sent-back checklists with no new submission yet, newest date first."""
    live = aliased(Submission)
    redone = exists().where(
        live.shop_id == Submission.shop_id,
        live.shift == Submission.shift,
        live.business_date == Submission.business_date,
        live.status != SENT_BACK,
    )
    rows = db.session.scalars(
        select(Submission)
        .where(Submission.shop_id == shop.id, Submission.status == SENT_BACK, ~redone)
        .options(joinedload(Submission.reviewed_by))
        .order_by(Submission.business_date.desc(), Submission.id.desc())
        .limit(MAX_LISTED)
    ).all()
    seen: set[tuple[str, date]] = set()
    pending = []
    for row in rows:  # one line per checklist, the latest send-back of it
        if (row.shift, row.business_date) not in seen:
            seen.add((row.shift, row.business_date))
            pending.append(row)
    return pending


def awaits_resubmission(shop: Shop, shift: str, day: date) -> bool:
    return any(row.shift == shift and row.business_date == day for row in pending_resubmissions(shop))
