"""GET /api/v1/rankings, /stores/<code>/trend and /export (api.md, "Rankings")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from flask import jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.models import User
from merch.rankings import MAX_DAYS
from merch.services.rankings import PeriodRequest, UnknownArea, compute_ranking

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DAYS = re.compile(r"^\d{1,4}$")


def parse_days(default: int = 7) -> int:
    """``days`` from the query string: 1–366, else 400 bad_request."""
    raw = request.args.get("days")
    if raw is None:
        return default
    if not _DAYS.match(raw) or not 1 <= int(raw) <= MAX_DAYS:
        raise ApiError(400, "bad_request", "days")
    return int(raw)


def _parse_date(name: str) -> date:
    raw = request.args.get(name, "")
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_request", name) from None


def parse_period(default_days: int | None = 7) -> PeriodRequest:
    """``from`` and ``to`` (both, at most 366 days) or ``days``; anything else is 400."""
    if "from" in request.args or "to" in request.args:
        start = _parse_date("from")
        end = _parse_date("to")
        if end < start or end - start >= timedelta(days=MAX_DAYS):
            raise ApiError(400, "bad_request", "to")
        return PeriodRequest(start=start, end=end)
    if default_days is None and "days" not in request.args:
        raise ApiError(400, "bad_request", "from")
    return PeriodRequest(days=parse_days(default_days or 7))


def _score(value: Any) -> float | None:
    return None if value is None else float(value)


@bp.get("/rankings")
@requires_user()
def rankings(user: User) -> Any:
    """The caller's area's shops ranked over the period (admins: every shop, or ``area=``)."""
    period = parse_period()
    try:
        ranking = compute_ranking(user, period, request.args.get("area") or None, utcnow())
    except UnknownArea:
        raise ApiError(404, "not_found") from None
    return jsonify(
        {
            "period": {
                "from": ranking.period.start.isoformat(),
                "to": ranking.period.end.isoformat(),
                "days": ranking.period.days,
            },
            "area": ranking.area,
            "stores": [
                {
                    "rank": row.rank,
                    "store": row.shop.code,
                    "name": row.shop.name,
                    "area": row.shop.area,
                    "score": _score(row.figures.score),
                    "due": row.figures.due,
                    "submitted": row.figures.submitted,
                    "late": row.figures.late,
                    "missed": row.figures.missed,
                    "previous_rank": row.previous_rank,
                }
                for row in ranking.rows
            ],
        }
    )
