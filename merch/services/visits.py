"""Supervisors' visits (巡場): a checklist of the visit rules for a shop of their area.

Never due, never missed, outside rankings; scored like any checklist.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from merch.checklists import ChecklistState, day_ends_at, window_opens_at
from merch.extensions import db
from merch.models import SENT_BACK, VISIT, Role, Shop, Submission, User
from merch.services.checklists import ChecklistStatus, shop_hours


def visit_shop(user: User, code: str) -> Shop | None:
    """The shop a supervisor may visit, by code: one of their area's, else None."""
    if user.role != Role.SUPERVISOR or not code:
        return None
    shop = db.session.scalar(select(Shop).where(Shop.code == code))
    if shop is None or shop.area_id != user.area_id or not shop.active:
        return None
    return shop


def visit_status(shop: Shop, day: date) -> ChecklistStatus:
    """A visit's checklist is always open during the shop's day and never falls due."""
    hours = shop_hours(shop)
    zone = hours.zone
    return ChecklistStatus(
        shift=VISIT,
        business_date=day,
        opens_at=window_opens_at(hours, VISIT, day).astimezone(zone),
        due_at=day_ends_at(hours, day).astimezone(zone),
        state=ChecklistState.DUE if day >= shop.opened_on else ChecklistState.NONE,
        submission=None,
    )


def shop_visits(shop_id: int, limit: int = 10) -> list[Submission]:
    """The shop's latest visits, newest first."""
    return list(
        db.session.scalars(
            select(Submission)
            .where(Submission.shop_id == shop_id, Submission.shift == VISIT, Submission.status != SENT_BACK)
            .order_by(Submission.business_date.desc(), Submission.id.desc())
            .limit(limit)
        )
    )
