"""GET /api/v1/rankings, /stores/<code>/trend and /export (api.md, "Rankings")."""

from __future__ import annotations

import re
from datetime import date, timedelta
from json.encoder import encode_basestring_ascii
from typing import Any

from flask import Response, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from sqlalchemy import select

from merch.api import bp
from merch.api.access import requires_user
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.extensions import db
from merch.i18n.request import current_language, translators
from merch.messages.reasons import render_problem
from merch.models import Shop, User
from merch.rankings import MAX_DAYS, Period
from merch.scoring import Problem
from merch.services.exports import csv_lines
from merch.services.rankings import (
    PeriodRequest,
    RankingRow,
    UnknownArea,
    compute_ranking,
    export_scope,
    reported_period,
    scope_area_code,
    scope_shops,
)
from merch.services.trends import can_view_shop, shop_trend

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


# One store of the rankings answer as Flask's JSON provider writes it by default (keys
# sorted, compact, ASCII only): 500 of them through json.dumps, each a dict whose keys are
# sorted, cost more than ranking the shops (see ``_ranking_json``).
_STORE_JSON = (
    '{"area":%s,"due":%d,"late":%d,"missed":%d,"name":%s,"previous_rank":%s,'
    '"rank":%d,"score":%s,"store":%s,"submitted":%d}'
)


def _store(row: RankingRow) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "store": row.shop.code,
        "name": row.shop.name,
        "area": row.shop.area,
        # tenths / 10 is the double nearest the one-decimal score, as float(Decimal) is.
        "score": None if row.score_tenths is None else row.score_tenths / 10,
        "due": row.due,
        "submitted": row.submitted,
        "late": row.late,
        "missed": row.due - row.submitted,
        "previous_rank": row.previous_rank,
    }


def default_json_provider() -> DefaultJSONProvider | None:
    """The app's JSON provider if it writes what ``_STORE_JSON`` does: Flask's default one,
    keys sorted, ASCII only, compact (its default out of debug mode); else None."""
    provider = current_app.json
    if type(provider) is not DefaultJSONProvider or not (provider.ensure_ascii and provider.sort_keys):
        return None
    compact = not current_app.debug if provider.compact is None else provider.compact
    return provider if compact else None


def _ranking_json(head: dict[str, Any], rows: list[RankingRow]) -> Response:
    """``jsonify({**head, "stores": [...]})``, byte for byte, with the stores written from a
    template (tests/api/test_rankings.py compares the two)."""
    provider = default_json_provider()
    if provider is None:
        return jsonify({**head, "stores": [_store(row) for row in rows]})
    text = encode_basestring_ascii  # json.dumps's own string encoder with ensure_ascii
    stores = ",".join(
        [
            _STORE_JSON
            % (
                text(row.shop.area),
                row.due,
                row.late,
                row.due - row.submitted,
                text(row.shop.name),
                "null" if row.previous_rank is None else row.previous_rank,
                row.rank,
                "null" if row.score_tenths is None else repr(row.score_tenths / 10),
                text(row.shop.code),
                row.submitted,
            )
            for row in rows
        ]
    )
    # "stores" sorts after the head's keys ("area", "period"): it closes the object.
    envelope = provider.dumps(head, separators=(",", ":"))
    body = f'{envelope[:-1]},"stores":[{stores}]}}\n'
    return current_app.response_class(body, mimetype=provider.mimetype)


@bp.get("/rankings")
@requires_user()
def rankings(user: User) -> Any:
    """The caller's area's shops ranked over the period (admins: every shop, or ``area=``)."""
    period = parse_period()
    try:
        ranking = compute_ranking(user, period, request.args.get("area") or None, utcnow())
    except UnknownArea:
        raise ApiError(404, "not_found") from None
    head = {
        "period": {
            "from": ranking.period.start.isoformat(),
            "to": ranking.period.end.isoformat(),
            "days": ranking.period.days,
        },
        "area": ranking.area,
    }
    return _ranking_json(head, ranking.rows)


@bp.get("/stores/<code>/trend")
@requires_user()
def store_trend(user: User, code: str) -> Any:
    """One shop's checklists day by day and the rules it failed most."""
    days = parse_days(default=30)
    shop = db.session.scalar(select(Shop).where(Shop.code == code))
    if shop is None or not can_view_shop(user, shop):
        raise ApiError(404, "not_found")
    trend = shop_trend(shop, days, utcnow(), current_language())
    return jsonify(
        {
            "store": shop.code,
            "name": shop.name,
            "days": [
                {
                    "date": day.day.isoformat(),
                    **{
                        shift: {
                            "state": item.state.value,
                            "score": _score(item.score),
                            "submission_id": item.submission_id,
                        }
                        for shift, item in day.checklists.items()
                    },
                }
                for day in trend.days
            ],
            "rules": [
                {
                    "key": rule.key,
                    "title": rule.title,
                    "due": rule.due,
                    "failed": rule.failed,
                    "fail_rate": float(rule.fail_rate),
                }
                for rule in trend.rules
            ],
        }
    )


@bp.get("/export")
@requires_user()
def export(user: User) -> Any:
    """Item results of the caller's shops over ``from``–``to`` as CSV (UTF-8 with BOM)."""
    period_request = parse_period(default_days=None)
    try:
        shop_ids = export_scope(user, request.args.get("area") or None)
    except UnknownArea:
        raise ApiError(404, "not_found") from None
    now = utcnow()
    if period_request.days is not None:
        period = reported_period(
            scope_shops(scope_area_code(user, request.args.get("area") or None)), period_request, now
        )
    else:
        assert period_request.start is not None and period_request.end is not None
        period = Period(period_request.start, period_request.end)
    gettext, ngettext = translators()

    def reason(problems: list[dict[str, Any]]) -> str:
        return "; ".join(render_problem(Problem.from_json(raw), gettext, ngettext) for raw in problems)

    body = "".join(csv_lines(shop_ids, period, current_language(), reason))
    response = Response(body.encode("utf-8"), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="merch-{period.start.isoformat()}-{period.end.isoformat()}.csv"'
    )
    return response
