"""Ranking, "why this rank", trend and report pages (staff may see their area's ranking)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from flask import abort, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from merch.clock import utcnow
from merch.extensions import db
from merch.i18n.request import current_language
from merch.models import Area, Role, Shop
from merch.rankings import MAX_DAYS, combine, rank
from merch.rankings.chart import score_chart
from merch.services.rankings import (
    PeriodRequest,
    ShopRow,
    UnknownArea,
    compute_ranking,
    rank_reasons,
    rank_shops,
    reported_period,
    scope_shops,
)
from merch.services.trends import area_trend, can_view_shop, rule_failures, shop_trend
from merch.supervise import bp

DAY_CHOICES = (7, 30, 90, 365)


def _days(default: int = 7) -> int:
    raw = request.args.get("days", "")
    return int(raw) if raw.isdigit() and int(raw) in DAY_CHOICES else default


def _report_period() -> PeriodRequest:
    """``from``/``to`` of a report (at most 366 days); the last 30 days by default."""
    if "from" not in request.args and "to" not in request.args:
        return PeriodRequest(days=30)
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        abort(400)
    if end < start or end - start >= timedelta(days=MAX_DAYS):
        abort(400)
    return PeriodRequest(start=start, end=end)


def _visible_shop(code: str) -> Shop:
    shop = db.session.scalar(select(Shop).where(Shop.code == code))
    if shop is None or not can_view_shop(current_user, shop):
        abort(404)
    return shop


def _visible_area(code: str) -> Area:
    area = db.session.scalar(select(Area).where(Area.code == code))
    if area is None or (current_user.role != Role.ADMIN and current_user.area_code != code):
        abort(404)
    return area


def _shop_row(shop: Shop) -> ShopRow:
    return ShopRow(
        shop.id,
        shop.code,
        shop.name,
        shop.area.code,
        shop.area.name,
        shop.timezone,
        shop.opens_at,
        shop.closes_at,
        shop.opened_on,
        shop.active,
        shop.closed_on,
    )


@bp.get("/rankings")
@login_required
def rankings() -> Any:
    """Staff: their shop's place in its area; supervisors: their area; admins: all, one area or areas."""
    days = _days()
    now = utcnow()
    requested = request.args.get("area") or None
    areas_view = current_user.role == Role.ADMIN and request.args.get("view") == "areas"
    try:
        ranking = compute_ranking(current_user, PeriodRequest(days=days), requested, now)
    except UnknownArea:
        abort(404)
    area_rows: list[Any] = []
    if areas_view:
        by_area: dict[str, list[Any]] = defaultdict(list)
        names: dict[str, str] = {}
        for row in ranking.rows:
            by_area[row.shop.area].append(row.figures)
            names[row.shop.area] = row.shop.area_name
        area_rows = [
            (item, names[item.figures.store]) for item in rank([combine(code, rows) for code, rows in by_area.items()])
        ]
    area_choices = (
        db.session.execute(select(Area.code, Area.name).order_by(Area.code)).all()
        if current_user.role == Role.ADMIN
        else []
    )
    return render_template(
        "supervise/rankings.html",
        ranking=ranking,
        days=days,
        day_choices=DAY_CHOICES,
        areas_view=areas_view,
        area_rows=area_rows,
        area_choices=area_choices,
        own_shop=current_user.shop.code if current_user.shop else None,
    )


@bp.get("/rankings/<code>")
@login_required
def rank_reasons_page(code: str) -> Any:
    """Why this rank: the shop's figures, its failed rules and its missed checklists."""
    shop = _visible_shop(code)
    days = _days()
    reasons = rank_reasons(_shop_row(shop), PeriodRequest(days=days), utcnow())
    failures = rule_failures([shop.id], reasons.period, current_language(), limit=50)
    return render_template(
        "supervise/rank_reasons.html", shop=shop, reasons=reasons, failures=failures, days=days, day_choices=DAY_CHOICES
    )


@bp.get("/stores/<code>/trend")
@login_required
def shop_trend_page(code: str) -> Any:
    shop = _visible_shop(code)
    days = _days(30)
    trend = shop_trend(shop, days, utcnow(), current_language())
    chart = score_chart([(day.day, day.score) for day in trend.days])
    return render_template(
        "supervise/trend.html",
        title=f"{shop.code} {shop.name}",
        trend_days=[(day.day, day.score, day.checklists) for day in trend.days],
        rules=trend.rules,
        chart=chart,
        days=days,
        day_choices=DAY_CHOICES,
        report_url=("supervise.shop_report", {"code": shop.code}),
    )


@bp.get("/areas/<code>/trend")
@login_required
def area_trend_page(code: str) -> Any:
    area = _visible_area(code)
    days = _days(30)
    trend = area_trend(area.code, days, utcnow(), current_language())
    chart = score_chart([(day.day, day.score) for day in trend.days])
    return render_template(
        "supervise/trend.html",
        title=f"{area.code} {area.name}",
        trend_days=[(day.day, day.score, None) for day in trend.days],
        rules=trend.rules,
        chart=chart,
        days=days,
        day_choices=DAY_CHOICES,
        report_url=("supervise.area_report", {"code": area.code}),
    )


@bp.get("/stores/<code>/report")
@login_required
def shop_report(code: str) -> Any:
    """A printable report of one shop over a period."""
    shop = _visible_shop(code)
    period_request = _report_period()
    now = utcnow()
    reasons = rank_reasons(_shop_row(shop), period_request, now)
    failures = rule_failures([shop.id], reasons.period, current_language(), limit=50)
    return render_template(
        "supervise/report.html",
        title=f"{shop.code} {shop.name}",
        period=reasons.period,
        figures=reasons.figures,
        rows=[],
        failures=failures,
        missed=reasons.missed,
    )


@bp.get("/areas/<code>/report")
@login_required
def area_report(code: str) -> Any:
    """A printable report of one area over a period: its shops ranked, its rules failed most."""
    area = _visible_area(code)
    period_request = _report_period()
    now = utcnow()
    shops = scope_shops(area.code)
    rows = rank_shops(shops, period_request, now)
    period = reported_period(shops, period_request, now)
    failures = rule_failures([shop.id for shop in shops], period, current_language(), limit=50) if shops else []
    return render_template(
        "supervise/report.html",
        title=f"{area.code} {area.name}",
        period=period,
        figures=combine(area.code, [row.figures for row in rows]),
        rows=rows,
        failures=failures,
        missed=[],
    )
