"""The area board page: every shop's day at a glance."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select

from merch.clock import utcnow
from merch.extensions import db
from merch.models import Area, Role
from merch.services.board import area_board, board_date
from merch.supervise import bp
from merch.supervise.access import me, supervisor_required

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _area() -> Area:
    user = me()
    code = request.args.get("area") or None
    if user.role == Role.SUPERVISOR:
        assert user.area is not None
        if code and code != user.area.code:
            abort(404)
        return user.area
    query = select(Area).order_by(Area.code)
    area = db.session.scalar(query.where(Area.code == code) if code else query.limit(1))
    if area is None:
        abort(404)
    return area


@bp.get("/board")
@supervisor_required
def board() -> Any:
    area = _area()
    now = utcnow()
    raw = request.args.get("date", "")
    day: date | None = None
    if raw:
        try:
            if not _DATE.match(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            abort(400)
    day = day or board_date(area, now)
    areas = db.session.scalars(select(Area).order_by(Area.code)).all() if me().role == Role.ADMIN else []
    return render_template(
        "supervise/board.html",
        board=area_board(area, day, now),
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        areas=areas,
        now=now,
    )
