"""A shop made inactive owes no checklist from today on; its past keeps its states (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from merch.checklists import ChecklistState, ShopHours, SubmissionFacts, checklist_state

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOSED = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 11, 1), active=False)
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)


def test_inactive_shop_has_no_checklist_today_or_later():
    assert checklist_state(CLOSED, "opening", date(2026, 11, 24), NOW, None) == ChecklistState.NONE
    assert checklist_state(CLOSED, "closing", date(2026, 11, 25), NOW, None) == ChecklistState.NONE


def test_inactive_shop_keeps_past_states_and_what_it_submitted():
    assert checklist_state(CLOSED, "opening", date(2026, 11, 23), NOW, None) == ChecklistState.MISSED
    done = SubmissionFacts(late=False, sent_back=False)
    assert checklist_state(CLOSED, "opening", date(2026, 11, 24), NOW, done) == ChecklistState.DONE


def test_the_same_shop_active_is_overdue():
    active = replace(CLOSED, active=True)

    assert checklist_state(active, "opening", date(2026, 11, 24), NOW, None) == ChecklistState.OVERDUE
