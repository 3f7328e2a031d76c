"""Store rankings: due, missed, score and order, computed from plain values."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from merch.checklists import ShopHours
from merch.rankings import (
    Period,
    ShopFigures,
    SubmittedChecklist,
    figures_from_submissions,
    last_days,
    missed_checklists,
    rank,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 1, 1))


def done(day: date, shift: str = "opening", score: str = "100", late: bool = False) -> SubmittedChecklist:
    return SubmittedChecklist(shift, day, late, Decimal(score))


def test_a_missed_checklist_counts_zero_in_the_average():
    now = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)  # before the 25th's opening window
    period = Period(date(2026, 11, 24), date(2026, 11, 24))
    result = figures_from_submissions("A", HOURS, period, now, [done(date(2026, 11, 24), "opening", "90")])

    assert (result.due, result.submitted, result.missed, result.late) == (2, 1, 1, 0)
    assert result.score == Decimal("45.0")


def test_submitted_plus_missed_is_due_and_future_checklists_are_not_due():
    now = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)  # opening due 11:00, closing 22:30
    period = last_days(3, date(2026, 11, 24))
    result = figures_from_submissions(
        "A", HOURS, period, now, [done(date(2026, 11, 22)), done(date(2026, 11, 22), "closing", late=True)]
    )

    assert result.due == 5  # 22nd ×2, 23rd ×2, 24th opening
    assert result.submitted + result.missed == result.due
    assert result.late == 1


def test_a_checklist_submitted_before_its_due_time_counts_as_due():
    now = datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI)  # opening due at 11:00
    period = Period(date(2026, 11, 24), date(2026, 11, 24))

    before = figures_from_submissions("A", HOURS, period, now, [])
    after = figures_from_submissions("A", HOURS, period, now, [done(date(2026, 11, 24), score="80")])

    assert (before.due, before.score) == (0, None)
    assert (after.due, after.submitted, after.score) == (1, 1, Decimal("80.0"))


def test_nothing_is_due_before_the_shop_opened():
    hours = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 11, 20))
    now = datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)

    result = figures_from_submissions("A", hours, Period(date(2026, 11, 1), date(2026, 11, 24)), now, [])

    assert result.due == 10  # 20th to 24th


def test_average_rounds_half_up_to_one_decimal():
    now = datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI)
    period = Period(date(2026, 11, 24), date(2026, 11, 25))
    scores = ["100", "100", "100", "0.2"]  # 300.2 / 4 = 75.05
    days = [date(2026, 11, 24), date(2026, 11, 24), date(2026, 11, 25), date(2026, 11, 25)]
    subs = [
        SubmittedChecklist(shift, day, False, Decimal(score))
        for shift, day, score in zip(["opening", "closing", "opening", "closing"], days, scores, strict=True)
    ]

    assert figures_from_submissions("A", HOURS, period, now, subs).score == Decimal("75.1")


def test_daylight_saving_day_in_new_york_is_counted_from_local_times():
    # 2026-03-08: clocks go 02:00 → 03:00 in New York. Opening 10:00 local is 14:00 UTC.
    hours = ShopHours("America/New_York", time(10), time(22), opened_on=date(2026, 1, 1))
    zone = ZoneInfo("America/New_York")
    period = Period(date(2026, 3, 8), date(2026, 3, 8))

    just_before = datetime(2026, 3, 8, 10, 59, tzinfo=zone)  # opening due 11:00 EDT = 15:00 UTC
    just_after = datetime(2026, 3, 8, 11, 0, tzinfo=zone)

    assert figures_from_submissions("NY", hours, period, just_before, []).due == 0
    assert figures_from_submissions("NY", hours, period, just_after, []).due == 1
    # A moment given in UTC on the previous offset (EST) would be an hour off.
    assert just_after.astimezone(ZoneInfo("UTC")).hour == 15


def test_business_dates_across_the_berlin_autumn_change_are_whole_days():
    hours = ShopHours("Europe/Berlin", time(10), time(22), opened_on=date(2026, 1, 1))
    zone = ZoneInfo("Europe/Berlin")
    # 2026-10-25 has 25 hours in Berlin; at 23:30 local on the 25th its closing (22:30) is due.
    now = datetime(2026, 10, 25, 23, 30, tzinfo=zone)

    result = figures_from_submissions("B", hours, last_days(2, date(2026, 10, 25)), now, [])

    assert result.due == 4
    assert missed_checklists(hours, last_days(2, date(2026, 10, 25)), now, []) == [
        (date(2026, 10, 24), "opening"),
        (date(2026, 10, 24), "closing"),
        (date(2026, 10, 25), "opening"),
        (date(2026, 10, 25), "closing"),
    ]


def test_shops_in_two_time_zones_each_count_their_own_due_times():
    taipei = ShopHours("Asia/Taipei", time(10), time(22), opened_on=date(2026, 1, 1))
    berlin = ShopHours("Europe/Berlin", time(10), time(22), opened_on=date(2026, 1, 1))
    # 12:00 in Taipei is 05:00 in Berlin: Taipei's opening is due, Berlin's is not.
    now = datetime(2026, 11, 24, 12, 0, tzinfo=ZoneInfo("Asia/Taipei"))
    period = Period(date(2026, 11, 24), date(2026, 11, 24))

    assert figures_from_submissions("T", taipei, period, now, []).due == 1
    assert figures_from_submissions("B", berlin, period, now, []).due == 0


def test_ranks_follow_score_then_fewer_missed_then_fewer_late_then_code():
    shops = [
        ShopFigures("D", due=4, submitted=4, late=0, score=None),
        ShopFigures("C", due=4, submitted=4, late=2, score=Decimal("80.0")),
        ShopFigures("B", due=4, submitted=4, late=1, score=Decimal("80.0")),
        ShopFigures("A", due=4, submitted=3, late=0, score=Decimal("80.0")),
        ShopFigures("E", due=4, submitted=4, late=1, score=Decimal("80.0")),
        ShopFigures("F", due=4, submitted=4, late=0, score=Decimal("95.5")),
    ]

    ranked = rank(shops)

    assert [(item.rank, item.figures.store) for item in ranked] == [
        (1, "F"),
        (2, "B"),
        (3, "E"),
        (4, "C"),
        (5, "A"),
        (6, "D"),
    ]


def test_a_shop_with_nothing_due_has_no_score_and_ranks_last():
    shops = [
        ShopFigures("A", due=0, submitted=0, late=0, score=None),
        ShopFigures("Z", due=2, submitted=0, late=0, score=Decimal("0.0")),
    ]

    assert [item.figures.store for item in rank(shops)] == ["Z", "A"]


def test_score_chart_places_scores_and_breaks_the_line_where_nothing_was_due():
    from merch.rankings.chart import score_chart

    days = [date(2026, 11, d) for d in (20, 21, 22, 23)]
    chart = score_chart(list(zip(days, [Decimal("100"), Decimal("0"), None, Decimal("50")], strict=True)))

    assert len(chart.lines) == 2
    top, bottom = chart.points[0].y, chart.points[1].y
    assert top < chart.points[2].y < bottom  # 100 above 50 above 0
    assert bottom == chart.bottom and [point.day for point in chart.points] == [days[0], days[1], days[3]]
    assert [label for _, label in chart.gridlines] == [0, 25, 50, 75, 100]


def test_areas_combine_their_shops_sums_not_their_averages():
    from merch.rankings import combine

    area = combine(
        "H-01",
        [
            ShopFigures("A", due=2, submitted=2, late=1, score=Decimal("90.0"), score_sum=Decimal("180")),
            ShopFigures("B", due=4, submitted=1, late=0, score=Decimal("15.0"), score_sum=Decimal("60")),
        ],
    )

    assert (area.due, area.submitted, area.missed, area.late) == (6, 3, 3, 1)
    assert area.score == Decimal("40.0")  # 240 / 6, not (90 + 15) / 2


def test_a_shop_made_inactive_owes_nothing_from_today_but_keeps_its_past():
    closed = ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 1, 1), active=False)
    now = datetime(2026, 11, 24, 12, 0, tzinfo=SHANGHAI)  # the 24th's opening is past due

    result = figures_from_submissions("A", closed, last_days(2, date(2026, 11, 24)), now, [])

    assert result.due == 2  # the 23rd's two; nothing on the 24th


def test_average_in_tenths_is_the_decimal_average_rounded_half_up():
    from merch.rankings import average_score, average_tenths, from_tenths

    # Every sum of up to 4 checklists' one-decimal scores over 1..8 due, and some large ones:
    # the integer average is the Decimal one, halves included (75.05 → 75.1, 0.25 → 0.3).
    cases = [(tenths, due) for tenths in range(0, 4001, 7) for due in range(1, 9)]
    cases += [(3002, 4), (5, 2), (1, 2), (1, 3), (2, 3), (73_210, 732), (73_199, 732), (0, 1)]
    for tenths, due in cases:
        expected = average_score(from_tenths(tenths), due)
        assert from_tenths(average_tenths(tenths, due)) == expected, (tenths, due)
        assert str(from_tenths(average_tenths(tenths, due))) == str(expected)  # same exponent
    assert average_tenths(-5, 2) == -3 and average_score(Decimal("-0.5"), 2) == Decimal("-0.3")
    assert average_tenths(123, 0) is None


def test_the_order_key_in_tenths_orders_as_rank_does():
    from merch.rankings import average_score, average_tenths, from_tenths, order_key

    shops = []
    for number, (tenths, due, submitted, late) in enumerate(
        [(1600, 20, 18, 2), (1600, 20, 19, 1), (1601, 20, 17, 0), (0, 0, 0, 0), (0, 4, 0, 0), (1600, 20, 18, 2)]
        + [(800, 10, 9, 3), (1599, 20, 20, 0), (0, 0, 0, 0)]
    ):
        store = f"S{9 - number}"  # codes in reverse, so ties fall back to the code
        shops.append((store, tenths, due, submitted, late))
    by_rank = [
        item.figures.store
        for item in rank(
            [
                ShopFigures(store, due, submitted, late, average_score(from_tenths(tenths), due))
                for store, tenths, due, submitted, late in shops
            ]
        )
    ]
    by_key = sorted(
        shops, key=lambda shop: order_key(average_tenths(shop[1], shop[2]), shop[2] - shop[3], shop[4], shop[0])
    )

    assert [shop[0] for shop in by_key] == by_rank


def test_a_calendar_knows_the_first_day_whose_checklists_may_still_be_early():
    from datetime import timedelta

    from merch.rankings import CalendarFigures, checklist_is_due_by_time, due_by_time

    late_closer = ShopHours("Asia/Shanghai", time(10), time(23, 45), opened_on=date(2026, 1, 1))
    since = date(2026, 11, 23)
    period = Period(date(2026, 11, 1), date(2026, 11, 24))
    cases = [
        (HOURS, datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI), date(2026, 11, 24)),  # both of the 24th ahead
        (HOURS, datetime(2026, 11, 24, 15, 0, tzinfo=SHANGHAI), date(2026, 11, 24)),  # the 24th's closing ahead
        (HOURS, datetime(2026, 11, 24, 23, 0, tzinfo=SHANGHAI), date(2026, 11, 25)),  # all past: none before
        # 00:05 on the 25th: the 24th's closing is due at 00:15.
        (late_closer, datetime(2026, 11, 25, 0, 5, tzinfo=SHANGHAI), date(2026, 11, 24)),
        (
            ShopHours("Asia/Shanghai", time(10), time(22), opened_on=date(2026, 11, 24)),
            datetime(2026, 11, 24, 23, 0, tzinfo=SHANGHAI),
            date(2026, 11, 25),
        ),
    ]
    for hours, now, first in cases:
        calendar = CalendarFigures(hours, period, now)

        assert calendar.first_day_not_past_due(since) == first, (hours, now)
        assert (calendar.due, calendar.due_before) == (
            due_by_time(hours, period, now),
            due_by_time(hours, period.before(), now),
        )
        day = since
        while day < first:  # every checklist before it is past due (or before the shop opened)
            for shift in ("opening", "closing"):
                assert day < hours.opened_on or checklist_is_due_by_time(hours, shift, day, now)
                assert calendar.is_past_due(shift, day) == checklist_is_due_by_time(hours, shift, day, now)
            day += timedelta(days=1)
