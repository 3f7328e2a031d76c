"""When a shop's checklists open, fall due and are missed.

Everything here takes ``now`` as an argument: the shop's time zone decides its business
date, and tests pin the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

OPENING = "opening"
CLOSING = "closing"
# A supervisor's visit (巡場): never due, never missed; its window is the shop's day.
VISIT = "visit"

# display-rules.md: a checklist can be done from 60 minutes before its shift's time, and
# is due 60 minutes after opening or 30 minutes after closing.
EARLY_START = timedelta(minutes=60)
GRACE = {OPENING: timedelta(minutes=60), CLOSING: timedelta(minutes=30)}


class ChecklistState(StrEnum):
    NOT_OPEN_YET = "not_open_yet"  # before its window opens
    DUE = "due"
    OVERDUE = "overdue"
    MISSED = "missed"
    DONE = "done"
    LATE = "late"
    SENT_BACK = "sent_back"  # counts as missed for rankings until resubmitted
    NONE = "none"  # before the shop opened, or from the day it closed (open_for_business)


@dataclass(frozen=True)
class ShopHours:
    """The facts about a shop that its schedule depends on."""

    timezone: str
    opens_at: time
    closes_at: time
    opened_on: date
    active: bool = True
    closed_on: date | None = None  # the first business date it was closed

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SubmissionFacts:
    """What the schedule needs to know of the latest submission of a checklist."""

    late: bool
    sent_back: bool


def business_date_of(moment: datetime, timezone: str) -> date:
    """The shop-local date of an aware moment."""
    return moment.astimezone(ZoneInfo(timezone)).date()


def open_for_business(hours: ShopHours, day: date, now: datetime) -> bool:
    """Whether the shop owes checklists on business date ``day``: from the day it opened
    until the day before it closed. The one rule every due-calendar uses (the checklist
    states of the board and the shop's pages, missed counts, rankings and trends).

    A shop made inactive before closing dates were kept (no ``closed_on``) owes nothing
    from its today at ``now`` on, as it did then.
    """
    if day < hours.opened_on:
        return False
    if hours.closed_on is not None:
        return day < hours.closed_on
    return hours.active or day < business_date_of(now, hours.timezone)


def shift_starts_at(hours: ShopHours, shift: str, day: date) -> datetime:
    """Opening or closing time on ``day``, as an aware datetime in the shop's zone."""
    clock = hours.closes_at if shift == CLOSING else hours.opens_at
    return datetime.combine(day, clock, tzinfo=hours.zone)


def window_opens_at(hours: ShopHours, shift: str, day: date) -> datetime:
    """The earliest moment the checklist may be completed."""
    return shift_starts_at(hours, shift, day) - EARLY_START


def due_at(hours: ShopHours, shift: str, day: date) -> datetime:
    """When the checklist falls due; completing it later makes it late (a visit: never)."""
    if shift not in GRACE:
        return day_ends_at(hours, day)
    return shift_starts_at(hours, shift, day) + GRACE[shift]


def day_ends_at(hours: ShopHours, day: date) -> datetime:
    """The first moment of the next business date (DST-safe: built from the date)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=hours.zone)


def minutes_until(now: datetime, moment: datetime) -> int:
    """Whole minutes from ``now`` to ``moment``, rounded up (0 once it has passed).

    Rounded up so "in 5 min" never shows when the window opens in 5 min 30 s.
    """
    seconds = (moment - now).total_seconds()
    return max(0, -int(-seconds // 60))


def checklist_state(
    hours: ShopHours,
    shift: str,
    day: date,
    now: datetime,
    submission: SubmissionFacts | None,
) -> ChecklistState:
    """The state a shop assistant or supervisor sees for one checklist at ``now``."""
    if day < hours.opened_on:
        return ChecklistState.NONE
    if submission is not None:
        if submission.sent_back:
            return ChecklistState.SENT_BACK
        return ChecklistState.LATE if submission.late else ChecklistState.DONE
    if not open_for_business(hours, day, now):
        # A closed shop owes nothing from the day it closed; past days keep their state.
        return ChecklistState.NONE
    if now >= day_ends_at(hours, day):
        return ChecklistState.MISSED
    if now >= due_at(hours, shift, day):
        return ChecklistState.OVERDUE
    if now < window_opens_at(hours, shift, day):
        return ChecklistState.NOT_OPEN_YET
    return ChecklistState.DUE
