"""Store rankings: who may see which shops, and the figures read from the database.

The database does the heavy part in one GROUP BY over the period's live submissions
(indexed by business date); the pure ``merch.rankings`` package turns those sums and the
shops' schedules into due / missed / score and ranks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from merch.checklists import ShopHours, business_date_of
from merch.checklists.schedule import CLOSING, OPENING
from merch.extensions import db
from merch.models import SENT_BACK, Area, Role, Shop, ShopDayTotals, Submission, User
from merch.rankings import (
    SHIFTS,
    CalendarFigures,
    Period,
    ShopFigures,
    Totals,
    average_tenths,
    figures,
    from_tenths,
    last_days,
    missed_checklists,
    order_key,
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


class RankingRow(NamedTuple):
    """One ranked shop, as plain numbers (a tuple: a ranking builds 500 of them per call).

    The score is in whole tenths (``average_tenths``); ``figures`` gives the same as
    ShopFigures, with Decimals, for the pages that show or combine them.
    """

    rank: int
    shop: ShopRow
    due: int
    submitted: int
    late: int
    score_tenths: int | None  # None: nothing was due
    score_sum_tenths: int | None  # of the submitted checklists; None: no day sums in the period
    previous_rank: int | None

    @property
    def missed(self) -> int:
        return self.due - self.submitted

    @property
    def figures(self) -> ShopFigures:
        return ShopFigures(
            store=self.shop.code,
            due=self.due,
            submitted=self.submitted,
            late=self.late,
            score=None if self.score_tenths is None else from_tenths(self.score_tenths),
            # Totals() of a shop without day sums has Decimal(0), as the ranking had before.
            score_sum=Decimal(0) if self.score_sum_tenths is None else from_tenths(self.score_sum_tenths),
        )


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
    # A Core read, not the ORM session's: plain rows, with no ORM processing per row.
    rows = list(map(ShopRow._make, db.session.connection().execute(query).all()))
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


# A shop's day sums in a period: (submitted, late, score in whole tenths).
Sums = tuple[int, int, int]
NO_SUMS: Sums = (0, 0, 0)


def period_sums(shop_ids: list[int] | None, period: Period) -> dict[int, Sums]:
    """Per shop, the live submissions' count, late count and score sum (whole tenths) in ``period``.

    Read from the per-shop, per-day sums (``shop_day_totals``, kept with every write), one
    plain GROUP BY over its covering index, as plain tuples: a ranking reads 500 of them per
    period and needs no Decimal (``average_tenths``). ``shop_ids`` None means every shop.
    A shop with no row in the period is absent (NO_SUMS).
    """
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
    # .all(): one fetch from the driver for the 500 rows, not one call per row. The sums are
    # of NOT NULL integers over at least one row: never NULL.
    rows = db.session.connection().execute(query).all()
    return {shop_id: (count, late, tenths) for shop_id, count, late, tenths in rows}


def recent_submitted(shop_ids: list[int] | None, since: date) -> Sequence[tuple[int, date, int, int]]:
    """(shop id, date, opening, closing) of the days from ``since`` on with a live submission:
    those may predate their due time. ``opening`` and ``closing`` are 0 or 1.

    Read from the day sums' opening and closing counts, not the submissions.
    """
    query = select(
        ShopDayTotals.shop_id, ShopDayTotals.business_date, ShopDayTotals.opening, ShopDayTotals.closing
    ).where(ShopDayTotals.business_date >= since, ShopDayTotals.submitted > 0)
    if shop_ids is not None:
        query = query.where(ShopDayTotals.shop_id.in_(shop_ids))
    return db.session.connection().execute(query).tuples().all()


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

    Per shop this is a few dict look-ups and integer sums: the due counts come from the
    shop's calendar (computed once per calendar), scores are whole tenths
    (``average_tenths``) and each row is a tuple.
    """
    shops = [shop for shop in shops if shop.active]
    if not shops:
        return []
    calendars: dict[tuple[str, time, time, date, bool, date | None], CalendarFigures] = {}
    zone_periods: dict[str, Period] = {}
    zone_ids: dict[str, list[int]] = defaultdict(list)
    shop_calendars: list[CalendarFigures] = []
    for shop in shops:
        # ShopHours's fields, in its order: what the shop's schedule depends on.
        key = (shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on, shop.active, shop.closed_on)
        calendar = calendars.get(key)
        if calendar is None:
            period = zone_periods.get(shop.timezone)
            if period is None:
                period = zone_periods[shop.timezone] = period_for(shop, request, now)
            calendar = calendars[key] = CalendarFigures(ShopHours(*key), period, now)
        shop_calendars.append(calendar)
        zone_ids[shop.timezone].append(shop.id)
    # Shops whose today is the same share one aggregate (usually there is one group).
    groups: dict[Period, list[int]] = defaultdict(list)
    for zone, members in zone_ids.items():
        groups[zone_periods[zone]].extend(members)
    all_ids = None if every_shop else [shop.id for shop in shops]
    current: dict[int, Sums] = {}
    previous: dict[int, Sums] = {}
    for period, member_ids in groups.items():
        ids = all_ids if len(groups) == 1 else member_ids
        current.update(period_sums(ids, period))
        previous.update(period_sums(ids, period.before()))
    # Submissions of today and yesterday may be in before their due time: they count as due.
    since = min(min(recent_dates(ShopHours(zone, time(0), time(1), date.min), now)) for zone in zone_periods)
    # Only a checklist not yet past due counts: the days before every calendar's first such
    # day need not be read (in the afternoon, yesterday's 500 rows).
    since = min(calendar.first_day_not_past_due(since) for calendar in calendars.values())
    calendar_of = {shop.id: calendar for shop, calendar in zip(shops, shop_calendars, strict=True)}
    early: dict[int, list[date]] = defaultdict(list)
    for shop_id, day, opening, closing in recent_submitted(all_ids, since):
        calendar = calendar_of.get(shop_id)  # None: an inactive shop
        if calendar is None or day < calendar.hours.opened_on:
            continue
        if opening and not calendar.is_past_due(OPENING, day):
            early[shop_id].append(day)
        if closing and not calendar.is_past_due(CLOSING, day):
            early[shop_id].append(day)

    # Per shop (by index): its order key (display-rules.md's, unique by store code) and
    # figures. The period before only gives each shop with something due its rank: a shop
    # with nothing due has no score and ranks after every shop with one.
    keys = []
    numbers = []
    keys_before: dict[int, tuple[int, int, int, str]] = {}
    for index, shop in enumerate(shops):
        calendar = shop_calendars[index]
        due, due_before = calendar.due, calendar.due_before
        if shop.id in early:
            due += sum(1 for day in early[shop.id] if calendar.period.start <= day <= calendar.period.end)
            due_before += sum(1 for day in early[shop.id] if calendar.before.start <= day <= calendar.before.end)
        if due_before:
            submitted, late, tenths = previous.get(shop.id, NO_SUMS)
            keys_before[index] = order_key(average_tenths(tenths, due_before), due_before - submitted, late, shop.code)
        sums = current.get(shop.id)
        submitted, late, tenths = NO_SUMS if sums is None else sums
        score = average_tenths(tenths, due)
        keys.append(order_key(score, due - submitted, late, shop.code))
        numbers.append((due, submitted, late, score, None if sums is None else tenths))
    # Indices sorted by key: the sort compares the keys' first ints, not tuples of tuples.
    ranked_before = sorted(keys_before, key=keys_before.__getitem__)
    previous_ranks = {index: position for position, index in enumerate(ranked_before, start=1)}
    return [
        RankingRow(position, shops[index], *numbers[index], previous_ranks.get(index))
        for position, index in enumerate(sorted(range(len(shops)), key=keys.__getitem__), start=1)
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
