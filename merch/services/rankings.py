"""Store rankings: who may see which shops, and the figures read from the database.

The database does the heavy part in one GROUP BY over the period's live submissions
(indexed by business date); the pure ``merch.rankings`` package turns those sums and the
shops' schedules into due / missed / score and ranks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from merch.checklists import ShopHours, business_date_of
from merch.extensions import db
from merch.models import SENT_BACK, Area, Role, Shop, ShopDayTotals, Submission, User
from merch.rankings import (
    SHIFTS,
    Period,
    ShopFigures,
    Totals,
    average_score,
    checklist_is_due_by_time,
    due_by_time,
    figures,
    last_days,
    missed_checklists,
    rank,
    recent_dates,
)

DEFAULT_TIMEZONE = "Asia/Shanghai"


class UnknownArea(LookupError):
    """An ``area=`` code that names no area."""


class ShopRow(NamedTuple):
    """What a ranking needs of a shop, read in one query (a tuple: 500 are built per call)."""

    id: int
    code: str
    name: str
    area: str
    area_name: str
    timezone: str
    opens_at: time
    closes_at: time
    opened_on: date
    active: bool = True  # an inactive (closed) shop is not ranked
    closed_on: date | None = None

    @property
    def hours(self) -> ShopHours:
        return ShopHours(self.timezone, self.opens_at, self.closes_at, self.opened_on, self.active, self.closed_on)


@dataclass(frozen=True)
class PeriodRequest:
    """``days=N`` (ending on each shop's today) or fixed business dates."""

    days: int | None = None
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class RankingRow:
    rank: int
    shop: ShopRow
    figures: ShopFigures
    previous_rank: int | None


@dataclass(frozen=True)
class Ranking:
    period: Period
    area: str | None
    rows: list[RankingRow]


def scope_area_code(user: User, requested: str | None) -> str | None:
    """The area whose shops the caller sees; None means every shop (admins only)."""
    if user.role == Role.ADMIN:
        return requested or None
    return user.area_code


def scope_shops(area_code: str | None) -> list[ShopRow]:
    """Shops of one area (or all), with their area code; raises UnknownArea."""
    query = (
        select(
            Shop.id,
            Shop.code,
            Shop.name,
            Area.code,
            Area.name,
            Shop.timezone,
            Shop.opens_at,
            Shop.closes_at,
            Shop.opened_on,
            Shop.active,
            Shop.closed_on,
        )
        .join(Area, Area.id == Shop.area_id)
        .order_by(Shop.code)
    )
    if area_code is not None:
        query = query.where(Area.code == area_code)
    rows = [ShopRow(*row) for row in db.session.execute(query)]
    if area_code is not None and not rows:
        if db.session.scalar(select(Area.id).where(Area.code == area_code)) is None:
            raise UnknownArea(area_code)
    return rows


def export_scope(user: User, requested_area: str | None) -> list[int] | None:
    """Shop ids whose submissions the caller may export (None: every shop)."""
    if user.role == Role.STAFF:
        return [user.shop_id] if user.shop_id is not None else []
    area = scope_area_code(user, requested_area)
    if area is None:
        return None
    return [shop.id for shop in scope_shops(area)]


def live_checklists() -> ColumnElement[bool]:
    """Live opening and closing submissions.

    The status is compared with a literal, as in the partial indexes' WHERE: SQLite uses a
    partial index only when the query's condition is written the same way, never for a
    bound parameter.
    """
    return and_(Submission.status != literal_column(f"'{SENT_BACK}'"), Submission.shift.in_(SHIFTS))


def period_for(shop: ShopRow, request: PeriodRequest, now: datetime) -> Period:
    """The shop's period: ``days`` end on its own today."""
    if request.days is not None:
        return last_days(request.days, business_date_of(now, shop.timezone))
    assert request.start is not None and request.end is not None
    return Period(request.start, request.end)


def reported_period(shops: list[ShopRow], request: PeriodRequest, now: datetime) -> Period:
    """The period named in the answer: for ``days``, ending on the latest of the shops' todays."""
    if request.days is None:
        assert request.start is not None and request.end is not None
        return Period(request.start, request.end)
    zones = {shop.timezone for shop in shops} or {DEFAULT_TIMEZONE}
    return last_days(request.days, max(business_date_of(now, zone) for zone in zones))


def period_totals(shop_ids: list[int] | None, periods: list[Period]) -> dict[int, list[Totals]]:
    """Per shop, the live submissions' count, late count and score sum in each period.

    Read from the per-shop, per-day sums (``shop_day_totals``, kept with every write), one
    plain GROUP BY per period over its covering index; ``shop_ids`` None means every shop.
    """
    totals: dict[int, list[Totals]] = {}
    nothing = Totals()  # immutable: shared by every shop without rows in a period
    for index, period in enumerate(periods):
        query = (
            select(
                ShopDayTotals.shop_id,
                func.sum(ShopDayTotals.submitted),
                func.sum(ShopDayTotals.late),
                func.sum(ShopDayTotals.score_tenths),
            )
            .where(ShopDayTotals.business_date.between(period.start, period.end))
            .group_by(ShopDayTotals.shop_id)
        )
        if shop_ids is not None:
            query = query.where(ShopDayTotals.shop_id.in_(shop_ids))
        # .all(): one fetch from the driver for the 500 rows, not one call per row.
        for shop_id, count, late, tenths in db.session.connection().execute(query).all():
            found = totals.get(shop_id)
            if found is None:
                found = totals[shop_id] = [nothing] * len(periods)
            found[index] = Totals(int(count or 0), int(late or 0), Decimal(int(tenths or 0)).scaleb(-1))
    return totals


def recent_submitted(shop_ids: list[int] | None, since: date) -> dict[int, list[tuple[str, date]]]:
    """(shift, date) of live submissions from ``since`` on: those may predate their due time.

    Read from the day sums' opening and closing counts, not the submissions.
    """
    query = select(
        ShopDayTotals.shop_id, ShopDayTotals.business_date, ShopDayTotals.opening, ShopDayTotals.closing
    ).where(ShopDayTotals.business_date >= since, ShopDayTotals.submitted > 0)
    if shop_ids is not None:
        query = query.where(ShopDayTotals.shop_id.in_(shop_ids))
    found: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for shop_id, day, opening, closing in db.session.connection().execute(query):
        if opening:
            found[shop_id].append((SHIFTS[0], day))
        if closing:
            found[shop_id].append((SHIFTS[1], day))
    return found


def compute_ranking(user: User, request: PeriodRequest, area_code: str | None, now: datetime) -> Ranking:
    """The ranking the caller may see; ``area_code`` is honoured for admins only."""
    area = scope_area_code(user, area_code)
    shops = scope_shops(area)
    rows = rank_shops(shops, request, now, every_shop=area is None)
    return Ranking(reported_period(shops, request, now), area, rows)


def rank_shops(
    shops: list[ShopRow], request: PeriodRequest, now: datetime, every_shop: bool = False
) -> list[RankingRow]:
    """Rank ``shops`` over the requested period and the one of the same length before it.

    ``every_shop`` says ``shops`` is the whole brand, so the queries need no shop filter.
    A shop made inactive (closed) is left out: it owes no checklists any more.
    """
    shops = [shop for shop in shops if shop.active]
    if not shops:
        return []
    # Shops whose today is the same share one aggregate (usually there is one group).
    zone_periods: dict[str, Period] = {}
    periods: dict[int, Period] = {}
    groups: dict[Period, list[ShopRow]] = defaultdict(list)
    for shop in shops:
        if shop.timezone not in zone_periods:
            zone_periods[shop.timezone] = period_for(shop, request, now)
        periods[shop.id] = zone_periods[shop.timezone]
        groups[periods[shop.id]].append(shop)
    all_ids = None if every_shop else [shop.id for shop in shops]
    totals: dict[int, list[Totals]] = {}
    for period, members in groups.items():
        ids = all_ids if len(groups) == 1 else [shop.id for shop in members]
        totals.update(period_totals(ids, [period, period.before()]))
    since = min(min(recent_dates(ShopHours(zone, time(0), time(1), date.min), now)) for zone in zone_periods)
    recent = recent_submitted(all_ids, since)
    # Shops with the same hours, opening date and period have the same count of checklists
    # past their due time: computed once per such group, not once per shop.
    due_counts: dict[tuple[Any, ...], int] = {}
    past_due: dict[tuple[Any, ...], bool] = {}
    before = {period: period.before() for period in groups}

    def early(shop: ShopRow, period: Period) -> int:
        """Live submissions of the period whose checklist is not yet past its due time."""
        count = 0
        for shift, day in recent.get(shop.id, ()):
            if not period.start <= day <= period.end or day < shop.opened_on:
                continue
            key = (shop.timezone, shop.opens_at, shop.closes_at, shop.active, shop.closed_on, shift, day)
            if key not in past_due:
                past_due[key] = checklist_is_due_by_time(shop.hours, shift, day, now)
            count += not past_due[key]
        return count

    def shop_figures(shop: ShopRow, period: Period, shop_totals: Totals) -> ShopFigures:
        key = (
            shop.timezone,
            shop.opens_at,
            shop.closes_at,
            shop.opened_on,
            shop.active,
            shop.closed_on,
            period.start,
            period.end,
        )
        due = due_counts.get(key)
        if due is None:
            due = due_counts[key] = due_by_time(shop.hours, period, now)
        if period.end >= since and shop.id in recent:  # a period before ``since`` has none
            due += early(shop, period)
        return ShopFigures(
            store=shop.code,
            due=due,
            submitted=shop_totals.submitted,
            late=shop_totals.late,
            score=average_score(shop_totals.score_sum, due),
            score_sum=shop_totals.score_sum,
        )

    current: list[ShopFigures] = []
    previous: list[ShopFigures] = []
    empty = [Totals(), Totals()]
    for shop in shops:
        period = periods[shop.id]
        shop_totals = totals.get(shop.id, empty)
        current.append(shop_figures(shop, period, shop_totals[0]))
        previous.append(shop_figures(shop, before[period], shop_totals[1]))
    previous_ranks = {item.figures.store: item.rank for item in rank(previous) if item.figures.due > 0}
    by_code = {shop.code: shop for shop in shops}
    return [
        RankingRow(item.rank, by_code[item.figures.store], item.figures, previous_ranks.get(item.figures.store))
        for item in rank(current)
    ]


@dataclass(frozen=True)
class RankReasons:
    """Behind one shop's figure: the checklists missed in the period (rules: trends.rule_failures)."""

    shop: ShopRow
    period: Period
    figures: ShopFigures
    missed: list[tuple[date, str]]
    sent_back: list[tuple[date, str]]


def rank_reasons(shop: ShopRow, request: PeriodRequest, now: datetime) -> RankReasons:
    """Why a shop ranks where it does: its figures and missed checklists."""
    period = period_for(shop, request, now)
    rows = db.session.execute(
        select(Submission.shift, Submission.business_date, Submission.late, Submission.score, Submission.status).where(
            Submission.shop_id == shop.id,
            Submission.business_date.between(period.start, period.end),
            Submission.shift.in_(SHIFTS),
        )
    ).all()
    live = [row for row in rows if row.status != SENT_BACK and row.business_date >= shop.opened_on]
    totals = Totals(
        submitted=len(live),
        late=sum(1 for row in live if row.late),
        score_sum=sum((Decimal(row.score or 0) for row in live), Decimal(0)),
    )
    done = [(row.shift, row.business_date) for row in live]
    sent_back = sorted(
        {(row.business_date, row.shift) for row in rows if row.status == SENT_BACK} - {(d, s) for s, d in done}
    )
    return RankReasons(
        shop=shop,
        period=period,
        figures=figures(shop.code, shop.hours, period, now, totals, done),
        missed=missed_checklists(shop.hours, period, now, done),
        sent_back=sent_back,
    )
