"""Checklist timing in the shop's own time zone (pure; the clock is an argument)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from merch.checklists import (
    ChecklistState,
    ShopHours,
    SubmissionFacts,
    business_date_of,
    checklist_state,
    due_at,
    minutes_until,
    window_opens_at,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 11, 1))
DAY = date(2026, 11, 24)


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_business_date_is_the_shops_local_date():
    # 17:30 UTC on the 23rd is already 01:30 on the 24th in Zhengzhou
    moment = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)

    assert business_date_of(moment, "Asia/Shanghai") == date(2026, 11, 24)
    assert business_date_of(moment, "Europe/London") == date(2026, 11, 23)


def test_opening_window_opens_an_hour_early_and_is_due_an_hour_after():
    assert window_opens_at(HOURS, "opening", DAY) == at(9)
    assert due_at(HOURS, "opening", DAY) == at(11)


def test_closing_is_due_half_an_hour_after_closing_time():
    assert window_opens_at(HOURS, "closing", DAY) == at(21)
    assert due_at(HOURS, "closing", DAY) == at(22, 30)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (at(8, 59), ChecklistState.NOT_OPEN_YET),
        (at(9, 0), ChecklistState.DUE),
        (at(10, 59), ChecklistState.DUE),
        (at(11, 0), ChecklistState.OVERDUE),
        (at(23, 59), ChecklistState.OVERDUE),
        (at(0, 0, day=25), ChecklistState.MISSED),
    ],
)
def test_unsubmitted_opening_checklist_moves_through_its_states(now, state):
    assert checklist_state(HOURS, "opening", DAY, now, None) == state


def test_submitted_checklist_is_done_or_late():
    assert checklist_state(HOURS, "opening", DAY, at(12), SubmissionFacts(late=False, sent_back=False)) == "done"
    assert checklist_state(HOURS, "opening", DAY, at(12), SubmissionFacts(late=True, sent_back=False)) == "late"


def test_sent_back_checklist_shows_as_sent_back():
    facts = SubmissionFacts(late=False, sent_back=True)

    assert checklist_state(HOURS, "opening", DAY, at(12), facts) == ChecklistState.SENT_BACK


def test_no_checklist_before_the_shop_opened():
    assert checklist_state(HOURS, "opening", date(2026, 10, 31), at(12), None) == ChecklistState.NONE


def test_due_time_follows_a_daylight_saving_zone():
    london = ShopHours("Europe/London", time(9), time(18), opened_on=date(2026, 1, 1))

    summer = due_at(london, "opening", date(2026, 7, 1))
    winter = due_at(london, "opening", date(2026, 12, 1))

    assert summer.astimezone(UTC).hour == 9  # 10:00 BST
    assert winter.astimezone(UTC).hour == 10  # 10:00 GMT


def test_minutes_until_rounds_up_and_stops_at_zero():
    now = datetime(2026, 11, 24, 3, 20, 30, tzinfo=UTC)

    assert minutes_until(now, datetime(2026, 11, 24, 3, 25, tzinfo=UTC)) == 5  # 4 min 30 s
    assert minutes_until(now, datetime(2026, 11, 24, 3, 20, 30, tzinfo=UTC)) == 0
    assert minutes_until(now, datetime(2026, 11, 24, 3, 0, tzinfo=UTC)) == 0
