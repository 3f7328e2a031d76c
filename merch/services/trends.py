"""A shop's or an area's scores day by day, and the rules failed most (api.md, "trend")."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from merch.checklists import ChecklistState, SubmissionFacts, business_date_of, checklist_state
from merch.extensions import db
from merch.models import (
    SENT_BACK,
    ItemResult,
    RuleVersion,
    Shop,
    ShopDayTotals,
    Submission,
    User,
    current_versions_query,
)
from merch.rankings import SHIFTS, Period, average_score, checklist_is_due_by_time, due_by_time, last_days
from merch.services.checklists import rule_title
from merch.services.rankings import DEFAULT_TIMEZONE, ShopRow, live_checklists, scope_shops

TENTH = Decimal("0.1")


@dataclass(frozen=True)
class ChecklistDay:
    state: ChecklistState
    score: Decimal | None
    submission_id: int | None


@dataclass(frozen=True)
class TrendDay:
    day: date
    checklists: dict[str, ChecklistDay]
    score: Decimal | None  # the day's average over its due checklists, missed as 0


@dataclass(frozen=True)
class RuleFailure:
    key: str
    title: str
    due: int
    failed: int

    @property
    def fail_rate(self) -> Decimal:
        """Failed ÷ due as a percent, one decimal half up."""
        return (Decimal(100 * self.failed) / Decimal(self.due)).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Trend:
    title: str
    period: Period
    days: list[TrendDay]
    rules: list[RuleFailure]

    @property
    def score(self) -> Decimal | None:
        """The period's average over every due checklist."""
        due = sum(day_due for day_due in (self._due(day) for day in self.days))
        total = sum((day.score or Decimal(0)) * self._due(day) for day in self.days)
        return average_score(Decimal(total), due) if due else None

    @staticmethod
    def _due(day: TrendDay) -> int:
        return sum(1 for item in day.checklists.values() if item.state is not ChecklistState.NONE)


def can_view_shop(user: User, shop: Shop) -> bool:
    """Staff see their own shop, supervisors their area's shops, admins all."""
    if user.role == "admin":
        return True
    if user.role == "supervisor":
        return shop.area_id == user.area_id
    return shop.id == user.shop_id


def rule_titles(language: str) -> dict[str, str]:
    versions = db.session.scalars(current_versions_query().options(joinedload(RuleVersion.rule)))
    return {version.rule.key: rule_title(version, language) for version in versions}


def rule_failures(
    shop_ids: list[int],
    period: Period,
    language: str,
    limit: int = 10,
    submission_ids: list[int] | None = None,
) -> list[RuleFailure]:
    """Rules failed in the live submissions of the shops and period, highest fail rate first.

    ``submission_ids``, when the caller has read them already (one shop's live checklists),
    picks the items by their index directly: joined to a year of submissions, PostgreSQL
    otherwise prefers a parallel scan of the whole table.
    """
    # After review: a supervisor's override decides over the automatic result.
    failed = func.sum(case((ItemResult.final_passed.is_(False), 1), else_=0))
    query = select(ItemResult.key, func.count(ItemResult.id), failed).group_by(ItemResult.key)
    if submission_ids is not None:
        query = query.where(ItemResult.submission_id.in_(submission_ids))
    else:
        query = query.join(Submission, Submission.id == ItemResult.submission_id).where(
            Submission.shop_id.in_(shop_ids),
            Submission.business_date.between(period.start, period.end),
            live_checklists(),
        )
    rows = db.session.execute(query).all() if submission_ids != [] else []
    titles = rule_titles(language)
    failures = [RuleFailure(key, titles.get(key, key), int(due), int(count or 0)) for key, due, count in rows]
    failures = [item for item in failures if item.failed]
    failures.sort(key=lambda item: (-item.fail_rate, -item.failed, item.key))
    return failures[:limit]


def shop_trend(shop: Shop, days: int, now: datetime, language: str) -> Trend:
    """Each business date's opening and closing, oldest first, and the rules failed most."""
    row = ShopRow(
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
    hours = row.hours
    period = last_days(days, business_date_of(now, shop.timezone))
    found = db.session.execute(
        select(
            Submission.id,
            Submission.shift,
            Submission.business_date,
            Submission.status,
            Submission.late,
            Submission.score,
        )
        .where(
            Submission.shop_id == shop.id,
            Submission.business_date.between(period.start, period.end),
            Submission.shift.in_(SHIFTS),
        )
        .order_by(Submission.id)
    ).all()
    chosen: dict[tuple[date, str], tuple[int, str, bool, Decimal | None]] = {}
    for sub_id, shift, day, status, late, score in found:
        key = (day, shift)
        current = chosen.get(key)
        # The live submission wins over sent-back ones; among sent-back ones, the latest.
        if current is None or current[1] == SENT_BACK:
            chosen[key] = (sub_id, status, late, score)
    trend_days = []
    for day in period.dates():
        checklists = {}
        total = Decimal(0)
        for shift in SHIFTS:
            picked = chosen.get((day, shift))
            facts = None if picked is None else SubmissionFacts(late=picked[2], sent_back=picked[1] == SENT_BACK)
            state = checklist_state(hours, shift, day, now, facts)
            live = picked is not None and picked[1] != SENT_BACK
            checklists[shift] = ChecklistDay(
                state, picked[3] if live and picked else None, picked[0] if live and picked else None
            )
            if live and picked and picked[3] is not None:
                total += picked[3]
        due = sum(
            1
            for shift in SHIFTS
            if checklist_is_due_by_time(hours, shift, day, now) or checklists[shift].submission_id is not None
        )
        trend_days.append(TrendDay(day, checklists, average_score(total, due)))
    live_ids = [sub_id for sub_id, status, _, _ in chosen.values() if status != SENT_BACK]
    return Trend(shop.name, period, trend_days, rule_failures([shop.id], period, language, submission_ids=live_ids))


@dataclass(frozen=True)
class AreaDay:
    day: date
    due: int
    submitted: int
    score: Decimal | None


@dataclass(frozen=True)
class AreaTrend:
    code: str
    name: str
    period: Period
    days: list[AreaDay]
    rules: list[RuleFailure]


def area_trend(area_code: str, days: int, now: datetime, language: str) -> AreaTrend:
    """The area's day-by-day average over its shops' due checklists, and its rules failed most.

    Raises UnknownArea for a code that names no area.
    """
    shops = scope_shops(area_code)
    zones = {shop.timezone for shop in shops} or {DEFAULT_TIMEZONE}
    today = max(business_date_of(now, zone) for zone in zones)
    period = last_days(days, today)
    ids = [shop.id for shop in shops]
    sums: dict[date, tuple[int, Decimal]] = {}
    # Submitted before their due time (today's, yesterday's): due although not yet by time.
    early: dict[date, int] = defaultdict(int)
    by_id = {shop.id: shop for shop in shops}
    if ids:
        # The per-shop, per-day sums kept with every write (models/summary.py).
        for day, count, tenths in db.session.execute(
            select(ShopDayTotals.business_date, func.sum(ShopDayTotals.submitted), func.sum(ShopDayTotals.score_tenths))
            .where(ShopDayTotals.shop_id.in_(ids), ShopDayTotals.business_date.between(period.start, period.end))
            .group_by(ShopDayTotals.business_date)
        ):
            sums[day] = (int(count or 0), Decimal(int(tenths or 0)).scaleb(-1))
        for shop_id, shift, day in db.session.execute(
            select(Submission.shop_id, Submission.shift, Submission.business_date).where(
                Submission.shop_id.in_(ids),
                Submission.business_date >= max(period.start, period.end - timedelta(days=1)),
                live_checklists(),
            )
        ):
            if not checklist_is_due_by_time(by_id[shop_id].hours, shift, day, now):
                early[day] += 1
    area_days = []
    for day in period.dates():
        due = sum(due_by_time(shop.hours, Period(day, day), now) for shop in shops) + early.get(day, 0)
        count, total = sums.get(day, (0, Decimal(0)))
        area_days.append(AreaDay(day, due, count, average_score(total, due)))
    name = shops[0].area_name if shops else area_code
    return AreaTrend(area_code, name, period, area_days, rule_failures(ids, period, language) if ids else [])
