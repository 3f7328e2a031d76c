"""The per-shop, per-day sums (shop_day_totals) equal what the raw submissions give.

History is made through the real calls (POST /api/v1/submissions, the review and send-back
call, a resubmission), by a shop in Shanghai and one in Berlin across the night Berlin
leaves summer time (25 October 2026), with late checklists and missed days. The reference
is computed here from the submissions' rows alone, never from the sums.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from merch.checklists import ShopHours, business_date_of
from merch.extensions import db
from merch.models import SENT_BACK, Shop, ShopDayTotals, Submission
from merch.models.summary import computed_day_totals, rebuild_day_totals
from merch.rankings import SHIFTS, Period, SubmittedChecklist, combine, figures_from_submissions, last_days, rank
from merch.services.trends import area_trend
from tests import factories
from tests.conftest import api_login
from tests.supervision import submit


def stored_totals() -> set[tuple[int, date, int, int, int, int, int]]:
    rows = db.session.execute(
        select(
            ShopDayTotals.shop_id,
            ShopDayTotals.business_date,
            ShopDayTotals.submitted,
            ShopDayTotals.late,
            ShopDayTotals.score_tenths,
            ShopDayTotals.opening,
            ShopDayTotals.closing,
        )
    )
    # A day whose only checklist was sent back keeps a row of zeros: the same as no row.
    return {tuple(row) for row in rows if any(row[2:])}  # type: ignore[misc]


def raw_totals() -> set[tuple[int, date, int, int, int, int, int]]:
    """From the submissions one by one, in Python (not the SQL of computed_day_totals)."""
    sums: dict[tuple[int, date], list[int]] = {}
    for item in db.session.scalars(select(Submission)):
        if item.status == SENT_BACK or item.shift not in SHIFTS:
            continue
        total = sums.setdefault((item.shop_id, item.business_date), [0, 0, 0, 0, 0])
        total[0] += 1
        total[1] += int(item.late)
        total[2] += int((item.score or Decimal(0)) * 10)
        total[3 if item.shift == "opening" else 4] += 1
    return {(shop_id, day, *values) for (shop_id, day), values in sums.items()}  # type: ignore[misc]


def assert_sums_match() -> None:
    db.session.expire_all()
    assert stored_totals() == raw_totals()
    computed = {tuple(row) for row in db.session.execute(computed_day_totals())}
    assert computed == raw_totals()


def live_of(shop: Shop) -> list[SubmittedChecklist]:
    return [
        SubmittedChecklist(item.shift, item.business_date, item.late, item.score)
        for item in db.session.scalars(select(Submission).where(Submission.shop_id == shop.id))
        if item.status != SENT_BACK
    ]


def hours_of(shop: Shop) -> ShopHours:
    return ShopHours(shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on, shop.active)


def reference_ranking(shops: list[Shop], now, period_of) -> list[dict]:
    """The ranking from raw rows: figures_from_submissions per shop, ranked, previous rank."""
    current, previous = [], []
    for shop in shops:
        period = period_of(shop)
        current.append(figures_from_submissions(shop.code, hours_of(shop), period, now, live_of(shop)))
        previous.append(figures_from_submissions(shop.code, hours_of(shop), period.before(), now, live_of(shop)))
    before = {item.figures.store: item.rank for item in rank(previous) if item.figures.due > 0}
    return [
        {
            "rank": item.rank,
            "store": item.figures.store,
            "score": None if item.figures.score is None else float(item.figures.score),
            "due": item.figures.due,
            "submitted": item.figures.submitted,
            "late": item.figures.late,
            "missed": item.figures.missed,
            "previous_rank": before.get(item.figures.store),
        }
        for item in rank(current)
    ]


def answered(rows: list[dict]) -> list[dict]:
    keys = ("rank", "store", "score", "due", "submitted", "late", "missed", "previous_rank")
    return [{key: row[key] for key in keys} for row in rows]


@pytest.fixture
def people(shop):
    """ZZ001 in Shanghai (the shop fixture), BE001 in Berlin, staff of each, a supervisor."""
    berlin = factories.make_shop(code="BE001", area=shop.area, timezone="Europe/Berlin")
    staff_sh = factories.make_user("staff", shop=shop, username="staffsh")
    staff_be = factories.make_user("staff", shop=berlin, username="staffbe")
    factories.make_user("supervisor", area=shop.area, username="super1")
    factories.make_user("admin", username="boss")
    db.session.commit()
    return {"ZZ001": (shop.id, staff_sh.username), "BE001": (berlin.id, staff_be.username)}


def test_the_sums_follow_every_write_and_rank_as_the_raw_rows_do(client, clock, people):
    """Every write path moves the sums in its own transaction; rankings and the area trend
    read from them exactly what the raw submissions give."""

    def send(store: str, shift: str, at: tuple[int, int, int, int, int]) -> dict:
        zone = "Asia/Shanghai" if store == "ZZ001" else "Europe/Berlin"
        clock.set_local(*at, zone=zone)
        answers = factories.passing_answers() if shift == "opening" else factories.passing_closing_answers()
        created = submit(client, api_login(client, people[store][1]), answers, shift=shift)
        assert_sums_match()  # the submission's own transaction moved the sums
        return created

    def review(submission_id: int, **body) -> None:
        response = client.post(
            f"/api/v1/submissions/{submission_id}/review", json=body, headers=api_login(client, "super1")
        )
        assert response.status_code == 200, response.get_json()
        assert_sums_match()

    # 23rd–27th October; Berlin's clocks go back at 03:00 on the 25th.
    sent_back = send("ZZ001", "opening", (2026, 10, 23, 9, 30))
    review(sent_back["id"], action="sent_back", comment="redo the window")  # now missed
    late_redo = send("ZZ001", "opening", (2026, 10, 23, 11, 40))  # resubmitted, late
    send("ZZ001", "closing", (2026, 10, 23, 22, 0))
    send("BE001", "opening", (2026, 10, 23, 9, 45))
    # 24th: ZZ001 misses its opening; BE001's closing is sent back and never redone.
    send("ZZ001", "closing", (2026, 10, 24, 21, 50))
    be_closing = send("BE001", "closing", (2026, 10, 24, 22, 0))
    review(be_closing["id"], action="sent_back", comment="floor")
    # 25th, the long day in Berlin: its opening is late, after the change of clocks.
    send("BE001", "opening", (2026, 10, 25, 11, 20))
    send("BE001", "closing", (2026, 10, 25, 22, 10))
    reviewed = send("ZZ001", "closing", (2026, 10, 25, 22, 5))
    review(reviewed["id"], action="reviewed", items=[{"key": "window_clean", "passed": False}])  # score drops
    # 26th: ZZ001 late opening; BE001 nothing. 27th: both open; nothing closes.
    send("ZZ001", "opening", (2026, 10, 26, 11, 30))
    send("ZZ001", "opening", (2026, 10, 27, 9, 50))
    send("BE001", "opening", (2026, 10, 27, 10, 15))
    # 28th, 10:30 in Shanghai (03:30 in Berlin): ZZ001's opening is in but not yet due.
    send("ZZ001", "opening", (2026, 10, 28, 10, 5))
    clock.set_local(2026, 10, 28, 10, 30)
    now = clock.now
    assert late_redo["late"] is True

    shops = list(db.session.scalars(select(Shop).where(Shop.code.in_(["ZZ001", "BE001"])).order_by(Shop.code)))
    assert [shop.code for shop in shops] == ["BE001", "ZZ001"]
    headers = api_login(client, "boss")
    area = shops[0].area.code
    for days in (1, 2, 3, 4, 7):
        body = client.get(f"/api/v1/rankings?days={days}&area={area}", headers=headers).get_json()
        expected = reference_ranking(
            shops, now, lambda shop, days=days: last_days(days, business_date_of(now, shop.timezone))
        )
        assert answered(body["stores"]) == expected, days
        for row in body["stores"]:
            assert row["submitted"] + row["missed"] == row["due"]
    for start, end in (("2026-10-23", "2026-10-25"), ("2026-10-25", "2026-10-25"), ("2026-10-20", "2026-10-28")):
        body = client.get(f"/api/v1/rankings?from={start}&to={end}&area={area}", headers=headers).get_json()
        period = Period(date.fromisoformat(start), date.fromisoformat(end))
        assert answered(body["stores"]) == reference_ranking(shops, now, lambda shop, period=period: period)

    # Not a trivial history: lateness, misses, a send-back and a review all show.
    seven = {row["store"]: row for row in reference_ranking(shops, now, lambda shop: last_days(7, date(2026, 10, 28)))}
    assert seven["ZZ001"]["late"] >= 2 and seven["ZZ001"]["missed"] >= 3 and seven["BE001"]["missed"] >= 4

    trend = area_trend(area, 7, now, "en")
    for day in trend.days:
        members = [
            figures_from_submissions(shop.code, hours_of(shop), Period(day.day, day.day), now, live_of(shop))
            for shop in shops
        ]
        whole = combine(area, members)
        assert (day.day, day.due, day.submitted, day.score) == (day.day, whole.due, whole.submitted, whole.score)


def test_rebuilding_the_sums_in_bulk_gives_what_the_writes_kept(client, clock, people):
    """seed-history and the migration fill the sums in bulk; the result is the same."""
    clock.set_local(2026, 10, 23, 9, 30)
    submit(client, api_login(client, people["ZZ001"][1]))
    clock.set_local(2026, 10, 23, 22, 40)
    submit(client, api_login(client, people["ZZ001"][1]), factories.passing_closing_answers(), shift="closing")
    clock.set_local(2026, 10, 23, 10, 0, zone="Europe/Berlin")
    submit(client, api_login(client, people["BE001"][1]))
    kept = stored_totals()
    assert len(kept) == 2 and {row[3] for row in kept} == {0, 1}

    rebuild_day_totals(db.session.connection(), [people["BE001"][0]])
    db.session.commit()
    assert stored_totals() == kept
    rebuild_day_totals(db.session.connection())
    db.session.commit()
    assert stored_totals() == kept == raw_totals()


def test_a_submission_deleted_or_changed_outside_the_api_moves_the_sums(client, clock, people):
    """The sums follow any ORM write of a submission, not only the API's."""
    clock.set_local(2026, 10, 23, 9, 30)
    created = submit(client, api_login(client, people["ZZ001"][1]))
    submission = db.session.get(Submission, created["id"])
    submission.late = True
    submission.score = Decimal("55.5")
    db.session.commit()
    assert_sums_match()
    assert stored_totals() == {(people["ZZ001"][0], date(2026, 10, 23), 1, 1, 555, 1, 0)}
    submission.business_date = date(2026, 10, 22)
    db.session.commit()
    assert_sums_match()
    db.session.delete(db.session.get(Submission, created["id"]))
    db.session.commit()
    assert_sums_match()
    assert stored_totals() == set()
