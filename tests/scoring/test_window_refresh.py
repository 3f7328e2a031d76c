"""The window refresh rule: changed today, or changed fewer than max_days business days ago."""

from __future__ import annotations

from datetime import date

import pytest

from merch.scoring import ItemOutcome, Problem, ScoringContext, score_item

TODAY = date(2026, 11, 24)


def refresh(changed_today: bool, last_change: date | None, max_days: int = 3) -> ItemOutcome:
    context = ScoringContext(business_date=TODAY, last_window_change=last_change)
    return score_item(
        "refresh",
        {"max_days": max_days},
        {"changed_today": changed_today},
        photo_required=True,
        has_photo=True,
        context=context,
    )


def test_changed_today_passes_with_nothing_on_record() -> None:
    outcome = refresh(True, None)

    assert outcome.passed and outcome.credit == 1


def test_changed_today_passes_however_long_ago_the_last_change() -> None:
    assert refresh(True, date(2026, 1, 1)).passed


@pytest.mark.parametrize("days_ago", [1, 2])
def test_last_change_fewer_than_three_days_ago_passes(days_ago: int) -> None:
    assert refresh(False, date(2026, 11, 24 - days_ago)).passed


def test_last_change_three_days_ago_fails_saying_how_long() -> None:
    outcome = refresh(False, date(2026, 11, 21))

    assert outcome.credit == 0
    assert outcome.problems == (Problem("window_not_changed", {"days": 3, "max_days": 3}),)


def test_no_change_on_record_fails_until_the_window_is_changed() -> None:
    outcome = refresh(False, None)

    assert outcome.credit == 0
    assert outcome.problems == (Problem("window_never_changed", {"max_days": 3}),)


def test_days_are_counted_across_month_ends() -> None:
    context = ScoringContext(business_date=date(2026, 12, 1), last_window_change=date(2026, 11, 29))
    outcome = score_item(
        "refresh", {"max_days": 3}, {"changed_today": False}, photo_required=False, has_photo=False, context=context
    )

    assert outcome.passed


def test_an_admin_can_allow_more_days() -> None:
    assert refresh(False, date(2026, 11, 20), max_days=5).passed
    assert refresh(False, date(2026, 11, 19), max_days=5).problems == (
        Problem("window_not_changed", {"days": 5, "max_days": 5}),
    )
