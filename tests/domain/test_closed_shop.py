"""A shop closed on a date owes nothing from that date, however long ago it was, and
nothing before it opened (issue 11, item 2; pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from merch.checklists import ChecklistState, ShopHours, SubmissionFacts, checklist_state, open_for_business
from merch.rankings import Period, checklist_is_due_by_time, due_by_time

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 11, 5))
CLOSED = replace(OPEN, active=False, closed_on=date(2026, 11, 10))
# Two weeks after it closed.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)


def test_open_for_business_from_the_opening_day_to_the_day_before_it_closed():
    assert not open_for_business(CLOSED, date(2026, 11, 4), NOW)
    assert open_for_business(CLOSED, date(2026, 11, 5), NOW)
    assert open_for_business(CLOSED, date(2026, 11, 9), NOW)
    assert not open_for_business(CLOSED, date(2026, 11, 10), NOW)
    assert not open_for_business(CLOSED, date(2026, 11, 23), NOW)
    assert open_for_business(OPEN, date(2026, 11, 23), NOW)


def test_the_days_after_it_closed_are_not_missed_weeks_later():
    assert checklist_state(CLOSED, "opening", date(2026, 11, 15), NOW, None) == ChecklistState.NONE
    assert checklist_state(CLOSED, "closing", date(2026, 11, 10), NOW, None) == ChecklistState.NONE
    assert checklist_state(CLOSED, "closing", date(2026, 11, 9), NOW, None) == ChecklistState.MISSED
    assert not checklist_is_due_by_time(CLOSED, "opening", date(2026, 11, 15), NOW)
    # The same shop still open misses them.
    assert checklist_state(OPEN, "opening", date(2026, 11, 15), NOW, None) == ChecklistState.MISSED


def test_a_checklist_submitted_after_the_closing_date_still_shows():
    done = SubmissionFacts(late=False, sent_back=False)

    assert checklist_state(CLOSED, "opening", date(2026, 11, 12), NOW, done) == ChecklistState.DONE


def test_due_counts_stop_at_the_closing_date_and_start_at_the_opening_date():
    november = Period(date(2026, 11, 1), date(2026, 11, 23))

    assert due_by_time(CLOSED, november, NOW) == 2 * 5  # 5th to 9th
    assert due_by_time(OPEN, november, NOW) == 2 * 19  # 5th to 23rd
    assert due_by_time(CLOSED, Period(date(2026, 11, 10), date(2026, 11, 24)), NOW) == 0
    # Closed today: yesterday still counts, today owes nothing.
    today = replace(OPEN, active=False, closed_on=date(2026, 11, 24))
    assert due_by_time(today, Period(date(2026, 11, 23), date(2026, 11, 24)), NOW) == 2


def test_a_shop_made_inactive_before_closing_dates_were_kept_closes_from_today_on():
    legacy = replace(OPEN, active=False)

    assert open_for_business(legacy, date(2026, 11, 23), NOW)
    assert not open_for_business(legacy, date(2026, 11, 24), NOW)
