"""Store rankings over a period: pure computation, no Flask and no database.

display-rules.md, "Checklists, states and scores", and api.md, "Rankings": for each shop,
over the period's business dates in its own time zone and from the date it opened, ``due``
counts the checklists whose due time has passed plus any already submitted; ``submitted``
those with a live submission (``late`` of them completed after the due time);
``missed = due - submitted``; ``score`` is the average final score over ``due`` with a missed
checklist counting 0, one decimal half up, None when nothing was due. Ranks run 1..n with no
ties: score (None last), fewer missed, fewer late, store code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from merch.checklists.schedule import CLOSING, OPENING, ShopHours, business_date_of, due_at, open_for_business

SHIFTS = (OPENING, CLOSING)
MAX_DAYS = 366
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Period:
    """Business dates ``start`` to ``end``, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def before(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]


def last_days(days: int, today: date) -> Period:
    """The ``days`` business dates ending on ``today``."""
    return Period(today - timedelta(days=days - 1), today)


@dataclass(frozen=True)
class SubmittedChecklist:
    """A live (not sent back) opening or closing submission."""

    shift: str
    business_date: date
    late: bool
    score: Decimal | None


@dataclass(frozen=True)
class Totals:
    """What the aggregate over a shop's live submissions in a period gives."""

    submitted: int = 0
    late: int = 0
    score_sum: Decimal = Decimal(0)


@dataclass(frozen=True)
class ShopFigures:
    """One shop's figures over a period."""

    store: str
    due: int
    submitted: int
    late: int
    score: Decimal | None
    score_sum: Decimal = Decimal(0)  # of the submitted checklists' scores, for sums over shops

    @property
    def missed(self) -> int:
        return self.due - self.submitted


@dataclass(frozen=True)
class RankedShop:
    rank: int
    figures: ShopFigures


def checklist_is_due_by_time(hours: ShopHours, shift: str, day: date, now: datetime) -> bool:
    """Whether a checklist of the shop exists on ``day`` and its due time has passed at ``now``.

    Nothing is due before the shop opened or from the day it closed (``open_for_business``).
    """
    if not open_for_business(hours, day, now):
        return False
    return due_at(hours, shift, day) <= now


def _edge_dates(hours: ShopHours, now: datetime) -> tuple[date, date]:
    """The business dates on which a due time may still lie ahead of ``now``.

    Every checklist of a date before the first of these is past its due time: a due time
    is at most one day after its business date begins (closing + 30 minutes).
    """
    today = business_date_of(now, hours.timezone)
    return today - timedelta(days=1), today


def due_by_time(hours: ShopHours, period: Period, now: datetime) -> int:
    """How many checklists of the period are past their due time.

    Computed in constant time per shop: full past days count two, the last two business
    dates and future ones are checked one by one.
    """
    first = max(period.start, hours.opened_on)
    last = period.end if hours.closed_on is None else min(period.end, hours.closed_on - timedelta(days=1))
    if first > last:
        return 0
    edge_start, today = _edge_dates(hours, now)
    # Dates strictly before the edge: every checklist is past due.
    full_end = min(last, edge_start - timedelta(days=1))
    count = 0
    if full_end >= first:
        count += 2 * ((full_end - first).days + 1)
    day = max(first, edge_start)
    while day <= min(last, today):
        count += sum(1 for shift in SHIFTS if checklist_is_due_by_time(hours, shift, day, now))
        day += timedelta(days=1)
    return count


class CalendarFigures:
    """What shops with the same calendar (zone, hours, opening and closing dates) share at
    ``now``: their period, the one before it, how many checklists of each are past their due
    time, and whether a given checklist is.

    500 shops usually have a handful of calendars, so the due counts and the zone
    conversions behind them are computed per calendar, not per shop.
    """

    __slots__ = ("before", "due", "due_before", "hours", "now", "past_due", "period", "today")

    def __init__(self, hours: ShopHours, period: Period, now: datetime) -> None:
        self.hours = hours
        self.period = period
        self.before = period.before()
        self.now = now
        self.today = business_date_of(now, hours.timezone)
        self.due = due_by_time(hours, period, now)
        self.due_before = due_by_time(hours, self.before, now)
        self.past_due: dict[tuple[str, date], bool] = {}

    def is_past_due(self, shift: str, day: date) -> bool:
        """``checklist_is_due_by_time``, computed once per checklist of the calendar."""
        key = (shift, day)
        found = self.past_due.get(key)
        if found is None:
            found = self.past_due[key] = checklist_is_due_by_time(self.hours, shift, day, now=self.now)
        return found

    def first_day_not_past_due(self, since: date) -> date:
        """The first business date from ``since`` on, not before the shop opened, with a
        checklist that is not past its due time (today's closing, say); after today, the
        day after it. A submission of an earlier date is never in before its due time."""
        day = max(since, self.hours.opened_on)
        while day <= self.today and all(self.is_past_due(shift, day) for shift in SHIFTS):
            day += timedelta(days=1)
        return day


def not_yet_due_but_submitted(
    hours: ShopHours, period: Period, now: datetime, recent: Iterable[tuple[str, date]]
) -> int:
    """Live submissions in the period for checklists whose due time is still ahead."""
    return sum(
        1
        for shift, day in recent
        if period.start <= day <= period.end
        and day >= hours.opened_on
        and not checklist_is_due_by_time(hours, shift, day, now)
    )


def recent_dates(hours: ShopHours, now: datetime) -> tuple[date, date]:
    """The business dates whose submissions ``figures`` needs one by one (see due_by_time)."""
    return _edge_dates(hours, now)


def figures(
    store: str,
    hours: ShopHours,
    period: Period,
    now: datetime,
    totals: Totals,
    recent: Iterable[tuple[str, date]] = (),
    due_by_time_count: int | None = None,
    early_count: int | None = None,
) -> ShopFigures:
    """A shop's figures from its aggregate and the (shift, date) of its live submissions on
    the recent dates (today and yesterday), which may be submitted before they are due.

    ``due_by_time_count`` is ``due_by_time(hours, period, now)`` when the caller has it
    already (shops with the same hours share it), and ``early_count`` likewise
    ``not_yet_due_but_submitted(hours, period, now, recent)``."""
    if due_by_time_count is None:
        due_by_time_count = due_by_time(hours, period, now)
    if early_count is None:
        early_count = not_yet_due_but_submitted(hours, period, now, recent)
    due = due_by_time_count + early_count
    return ShopFigures(
        store=store,
        due=due,
        submitted=totals.submitted,
        late=totals.late,
        score=average_score(totals.score_sum, due),
        score_sum=totals.score_sum,
    )


def figures_from_submissions(
    store: str, hours: ShopHours, period: Period, now: datetime, submissions: Iterable[SubmittedChecklist]
) -> ShopFigures:
    """The same figures from a shop's live submissions, listed one by one."""
    inside = [
        item
        for item in submissions
        if period.start <= item.business_date <= period.end
        and item.business_date >= hours.opened_on
        and item.shift in SHIFTS
    ]
    totals = Totals(
        submitted=len(inside),
        late=sum(1 for item in inside if item.late),
        score_sum=sum((item.score or Decimal(0) for item in inside), Decimal(0)),
    )
    return figures(store, hours, period, now, totals, [(item.shift, item.business_date) for item in inside])


def average_score(score_sum: Decimal, due: int) -> Decimal | None:
    """The average over ``due`` checklists (missed ones add 0), one decimal half up."""
    if due == 0:
        return None
    return (Decimal(score_sum) / Decimal(due)).quantize(TENTH, rounding=ROUND_HALF_UP)


def average_tenths(score_tenths: int, due: int) -> int | None:
    """``average_score`` in whole tenths, from a sum in whole tenths, by integer arithmetic.

    The same figure as ``average_score(Decimal(score_tenths) / 10, due) * 10`` (half up, away
    from zero, on the exact quotient) without building a Decimal: a ranking of 500 shops
    computes a thousand averages and sorts on them.
    """
    if due == 0:
        return None
    quotient, remainder = divmod(abs(score_tenths), due)
    if 2 * remainder >= due:
        quotient += 1
    return quotient if score_tenths >= 0 else -quotient


def from_tenths(tenths: int) -> Decimal:
    """Whole tenths as a one-decimal Decimal (873 → 87.3), as ``average_score`` gives it."""
    return Decimal(tenths).scaleb(-1)


# The first element of a shop's order key without a score: after every score's (a score is
# 0 to 100.0, at most 1,000 tenths), and small enough to stay a one-digit int for sorting.
NO_SCORE_KEY = 1_000_000_000


def order_key(score_tenths: int | None, missed: int, late: int, store: str) -> tuple[int, int, int, str]:
    """display-rules.md's order as a sort key: the higher score first (None last), fewer
    missed, fewer late, store code; the score in whole tenths.

    The same order as ``rank`` gives ShopFigures. The score and its absence are one int, so
    sorting 500 keys compares two ints where it would compare two tuples.
    """
    return (NO_SCORE_KEY if score_tenths is None else -score_tenths, missed, late, store)


def _order_key(item: ShopFigures) -> tuple[int, Decimal, int, int, str]:
    return (
        1 if item.score is None else 0,
        -(item.score or Decimal(0)),
        item.missed,
        item.late,
        item.store,
    )


def rank(shops: Sequence[ShopFigures]) -> list[RankedShop]:
    """Ranks 1..n with no ties, in display-rules.md's order."""
    return [RankedShop(position, item) for position, item in enumerate(sorted(shops, key=_order_key), start=1)]


def combine(name: str, members: Iterable[ShopFigures]) -> ShopFigures:
    """Several shops' figures as one (an area against other areas)."""
    items = list(members)
    due = sum(item.due for item in items)
    score_sum = sum((item.score_sum for item in items), Decimal(0))
    return ShopFigures(
        store=name,
        due=due,
        submitted=sum(item.submitted for item in items),
        late=sum(item.late for item in items),
        score=average_score(score_sum, due),
        score_sum=score_sum,
    )


def missed_checklists(
    hours: ShopHours, period: Period, now: datetime, submitted: Iterable[tuple[str, date]]
) -> list[tuple[date, str]]:
    """The checklists of the period that were due and have no live submission, oldest first."""
    done = set(submitted)
    missed = []
    for day in period.dates():
        for shift in SHIFTS:
            if checklist_is_due_by_time(hours, shift, day, now) and (shift, day) not in done:
                missed.append((day, shift))
    return missed


__all__ = [
    "CalendarFigures",
    "MAX_DAYS",
    "Period",
    "RankedShop",
    "SHIFTS",
    "ShopFigures",
    "SubmittedChecklist",
    "Totals",
    "average_score",
    "average_tenths",
    "checklist_is_due_by_time",
    "combine",
    "due_by_time",
    "figures",
    "figures_from_submissions",
    "from_tenths",
    "last_days",
    "missed_checklists",
    "order_key",
    "rank",
    "recent_dates",
]
