"""Areas: created and renamed by admins, each change in the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from merch.extensions import db
from merch.models import Area, User
from merch.services.audit import record_change


def area_snapshot(area: Area) -> dict[str, Any]:
    return {"code": area.code, "name": area.name}


def create_area(code: str, name: str, *, actor: User | None, now: datetime, via: str | None = None) -> Area:
    """A new area (the caller has checked the code is free, and commits)."""
    area = Area(code=code, name=name)
    db.session.add(area)
    after = area_snapshot(area) | ({"via": via} if via else {})
    record_change(actor=actor, action="area.create", target_type="area", target=code, before=None, after=after, now=now)
    return area


def rename_area(area: Area, name: str, *, actor: User | None, now: datetime) -> bool:
    """Give an area a new name; False if it already had it (nothing recorded)."""
    if area.name == name:
        return False
    before = area_snapshot(area)
    area.name = name
    record_change(
        actor=actor,
        action="area.update",
        target_type="area",
        target=area.code,
        before=before,
        after=area_snapshot(area),
        now=now,
    )
    return True
