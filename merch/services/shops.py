"""Shops: created and edited by admins (page or import), each change in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select

from merch.checklists import business_date_of
from merch.directory import FieldProblem
from merch.extensions import db
from merch.models import Area, Shop, Submission, User
from merch.models.org import DEFAULT_SIZE_SET_TEXT
from merch.rulebook import SHIFTS
from merch.services.audit import record_change


@dataclass(frozen=True)
class ShopFields:
    """Everything about a shop but its code (which never changes: history refers to it)."""

    name: str
    area: Area
    timezone: str
    opens_at: time
    closes_at: time
    language: str
    opened_on: date
    active: bool = True
    # The first business date it is closed; only for an inactive shop, which without one
    # closes on its today. Making a shop active again clears it.
    closed_on: date | None = None
    # Smallest first; None keeps a shop's set (an import without the column), or gives a
    # new shop the default one.
    size_set: tuple[str, ...] | None = None


def first_checklist_dates(shop_ids: list[int]) -> dict[int, date]:
    """Each shop's earliest opening or closing checklist's business date (shops with none
    are left out)."""
    if not shop_ids:
        return {}
    rows = db.session.execute(
        select(Submission.shop_id, func.min(Submission.business_date))
        .where(Submission.shop_id.in_(shop_ids), Submission.shift.in_(SHIFTS))
        .group_by(Submission.shop_id)
    ).all()
    return {shop_id: first for shop_id, first in rows}


def opening_date_problem(opened_on: date, first_checklist: date | None) -> FieldProblem | None:
    """Why ``opened_on`` cannot be a shop's opening date, given its earliest checklist.

    A shop has no checklists before it opened (display-rules.md): a date after one already
    submitted would leave that checklist counted as submitted but never due, and the
    rankings' ``submitted + missed = due`` would no longer hold.
    """
    if first_checklist is not None and opened_on > first_checklist:
        return FieldProblem("opened_after_checklists", {"first": first_checklist.isoformat()})
    return None


def shop_snapshot(shop: Shop) -> dict[str, Any]:
    """A shop's fields as the audit log keeps them."""
    return {
        "code": shop.code,
        "name": shop.name,
        "area": shop.area.code,
        "timezone": shop.timezone,
        "opens": shop.opens_at.strftime("%H:%M"),
        "closes": shop.closes_at.strftime("%H:%M"),
        "language": shop.language,
        "opened_on": shop.opened_on.isoformat(),
        "active": shop.active,
        "closed_on": shop.closed_on.isoformat() if shop.closed_on else None,
        "sizes": ", ".join(shop.sizes),
    }


def _apply(shop: Shop, fields: ShopFields, now: datetime) -> None:
    shop.name = fields.name
    shop.area = fields.area
    shop.timezone = fields.timezone
    shop.opens_at = fields.opens_at
    shop.closes_at = fields.closes_at
    shop.language = fields.language
    shop.opened_on = fields.opened_on
    shop.active = fields.active
    if fields.active:
        shop.closed_on = None
    else:
        shop.closed_on = fields.closed_on or shop.closed_on or business_date_of(now, fields.timezone)
    if fields.size_set is not None:
        shop.size_set = ",".join(fields.size_set)
    elif shop.size_set is None:
        shop.size_set = DEFAULT_SIZE_SET_TEXT


def create_shop(code: str, fields: ShopFields, *, actor: User | None, now: datetime, via: str | None = None) -> Shop:
    """A new shop (the caller has checked the code is free, and commits)."""
    shop = Shop(code=code)
    _apply(shop, fields, now)
    db.session.add(shop)
    after = shop_snapshot(shop) | ({"via": via} if via else {})
    record_change(actor=actor, action="shop.create", target_type="shop", target=code, before=None, after=after, now=now)
    return shop


def update_shop(shop: Shop, fields: ShopFields, *, actor: User | None, now: datetime, via: str | None = None) -> bool:
    """Change a shop; False if nothing differed (nothing recorded)."""
    before = shop_snapshot(shop)
    _apply(shop, fields, now)
    after = shop_snapshot(shop)
    if after == before:
        return False
    if before["active"] != after["active"]:
        action = "shop.activate" if shop.active else "shop.deactivate"
    else:
        action = "shop.update"
    record_change(
        actor=actor,
        action=action,
        target_type="shop",
        target=shop.code,
        before=before,
        after=after | ({"via": via} if via else {}),
        now=now,
    )
    return True
