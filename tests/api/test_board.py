"""GET /api/v1/board: states from the schedule when anyone looks, order, window, scope, queries."""

from __future__ import annotations

from datetime import date, time

import pytest

from merch.extensions import db
from tests import factories
from tests.factories import passing_answers
from tests.supervision import headers_for, make_cast, submit


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


def board(client, headers, query=""):
    response = client.get(f"/api/v1/board{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_store(body):
    return {row["store"]: row for row in body["stores"]}


def test_states_follow_the_clock_without_anything_written(client, cast, clock):
    quiet = factories.make_shop(code="ZZ002", area=cast.area)
    db.session.commit()
    supervisor = headers_for(client, cast.supervisor)
    submit(client, headers_for(client, cast.staff))  # 10:30: done on time

    at_1030 = by_store(board(client, supervisor))
    clock.set_local(2026, 11, 24, 11, 5)
    at_1105 = by_store(board(client, supervisor))
    clock.set_local(2026, 11, 25, 0, 5)
    next_day = by_store(board(client, supervisor, "?date=2026-11-24"))

    assert at_1030["ZZ001"]["opening"]["state"] == "done" and at_1030["ZZ002"]["opening"]["state"] == "due"
    assert at_1030["ZZ002"]["closing"]["state"] == "not_open_yet"
    assert at_1105["ZZ002"]["opening"]["state"] == "overdue"
    assert next_day["ZZ002"]["opening"]["state"] == "missed" and next_day["ZZ001"]["closing"]["state"] == "missed"
    assert quiet.code in at_1030  # a shop with no checklist yet is on the board


def test_shops_that_slipped_come_first_then_flagged_then_lowest_score(client, cast, clock):
    late = factories.make_shop(code="ZZ003", area=cast.area)
    weak = factories.make_shop(code="ZZ004", area=cast.area)
    quiet = factories.make_shop(code="ZZ005", area=cast.area)
    late_staff = factories.make_user("staff", shop=late)
    weak_staff = factories.make_user("staff", shop=weak)
    db.session.commit()
    clock.set_local(2026, 11, 24, 10, 20)
    submit(client, headers_for(client, cast.staff))
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    submit(client, headers_for(client, weak_staff), answers)
    clock.set_local(2026, 11, 24, 11, 10)
    submit(client, headers_for(client, late_staff))

    order = [row["store"] for row in board(client, headers_for(client, cast.supervisor))["stores"]]

    assert order[0] == quiet.code  # overdue opening
    assert order[1:3] == [weak.code, late.code]  # flagged (failed item / late): the lower score first
    assert order[3] == "ZZ001"


def test_a_sent_back_checklist_counts_as_not_done(client, cast, clock):
    created = submit(client, headers_for(client, cast.staff))
    supervisor = headers_for(client, cast.supervisor)
    client.post(f"/api/v1/submissions/{created['id']}/review", json={"action": "sent_back"}, headers=supervisor)
    clock.set_local(2026, 11, 25, 9, 0)

    row = by_store(board(client, supervisor, "?date=2026-11-24"))["ZZ001"]

    assert row["opening"]["state"] == "missed" and row["opening"]["sent_back"] is True
    assert row["opening"]["submission_id"] is None


def test_window_days_since_and_overdue(client, cast, clock):
    clock.set_local(2026, 11, 20, 10, 30)
    submit(client, headers_for(client, cast.staff))  # changed on the 20th
    supervisor = headers_for(client, cast.supervisor)

    on_22 = by_store(board(client, supervisor, "?date=2026-11-22"))["ZZ001"]["window"]
    on_23 = by_store(board(client, supervisor, "?date=2026-11-23"))["ZZ001"]["window"]

    assert on_22 == {"last_changed": "2026-11-20", "days_since": 2, "overdue": False}
    assert on_23 == {"last_changed": "2026-11-20", "days_since": 3, "overdue": True}


def test_shops_in_other_zones_and_across_a_daylight_saving_change(client, cast, clock):
    berlin = factories.make_shop(code="ZZ010", area=cast.area, timezone="Europe/Berlin", opens_at=time(10, 0))
    taipei = factories.make_shop(code="ZZ011", area=cast.area, timezone="Asia/Taipei")
    db.session.commit()
    # 29 Mar 2026: Berlin moves from UTC+1 to UTC+2 at 02:00. Opening due 11:00 CEST = 09:00 UTC.
    clock.set_local(2026, 3, 29, 10, 59, zone="Europe/Berlin")
    before = by_store(board(client, headers_for(client, cast.supervisor), "?date=2026-03-29"))
    clock.set_local(2026, 3, 29, 11, 1, zone="Europe/Berlin")
    after = by_store(board(client, headers_for(client, cast.supervisor), "?date=2026-03-29"))

    assert before[berlin.code]["opening"]["due_at"] == "2026-03-29T11:00:00+02:00"
    assert before[berlin.code]["opening"]["state"] == "due" and after[berlin.code]["opening"]["state"] == "overdue"
    # 09:01 UTC is 17:01 in Taipei: its opening is overdue all along, its closing not open yet.
    assert (
        after[taipei.code]["opening"]["state"] == "overdue" and after[taipei.code]["closing"]["state"] == "not_open_yet"
    )


def test_open_actions_and_last_visit_show(client, cast):
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    created = submit(client, headers_for(client, cast.staff), answers)
    supervisor = headers_for(client, cast.supervisor)
    client.post(
        f"/api/v1/submissions/{created['id']}/review",
        json={"action": "reviewed", "actions": [{"key": "window_clean"}]},
        headers=supervisor,
    )

    row = by_store(board(client, supervisor))["ZZ001"]

    assert row["open_actions"] == 1 and row["oldest_open_action_at"] == "2026-11-24T10:30:00+08:00"
    assert row["last_visit"] is None


def test_scope_of_the_board(client, cast):
    assert client.get("/api/v1/board", headers=headers_for(client, cast.staff)).status_code == 403
    assert client.get("/api/v1/board?area=HN-LY", headers=headers_for(client, cast.supervisor)).status_code == 404
    admin = headers_for(client, cast.admin)
    assert client.get("/api/v1/board", headers=admin).status_code == 400  # two areas: say which
    assert board(client, admin, "?area=HN-LY")["area"] == "HN-LY"
    assert client.get("/api/v1/board?area=NOPE", headers=admin).status_code == 404
    assert client.get("/api/v1/board?date=24-11-2026", headers=admin).status_code == 400


def _area_with(shops: int, area_code: str) -> tuple[object, list[object]]:
    area = factories.make_area(code=area_code)
    made = [factories.make_shop(area=area, opened_on=date(2026, 1, 1)) for _ in range(shops)]
    supervisor = factories.make_user("supervisor", area=area)
    staff = [factories.make_user("staff", shop=shop) for shop in made]
    db.session.commit()
    return supervisor, staff


def test_the_board_makes_the_same_number_of_queries_for_3_and_for_20_shops(client, app, count_queries, clock):
    counts = []
    for size, code in ((3, "Q-03"), (20, "Q-20")):
        supervisor, staff = _area_with(size, code)
        clock.set_local(2026, 11, 24, 10, 30)
        for user in staff:
            submit(client, headers_for(client, user))
        clock.set_local(2026, 11, 24, 21, 45)
        for user in staff[::2]:
            submit(client, headers_for(client, user), factories.passing_closing_answers(), shift="closing")
        headers = headers_for(client, supervisor)
        board(client, headers)  # warm up the token and rule caches alike for both
        with count_queries() as statements:
            assert len(board(client, headers)["stores"]) == size
        counts.append(len(statements))

    assert counts[0] == counts[1], counts
    assert counts[1] <= 12, "\n".join(s[:90] for s in statements)


def test_the_last_window_change_is_the_newest_that_counts_on_or_before_the_boards_date(client, cast, clock):
    factories.make_shop(code="ZZ002", area=cast.area)
    db.session.commit()
    staff, supervisor = headers_for(client, cast.staff), headers_for(client, cast.supervisor)
    for day in (17, 18, 19, 20, 21):  # every checklist says the window changed
        clock.set_local(2026, 11, day, 10, 30)
        created = submit(client, staff)
        review = None
        if day == 19:  # sent back: not a change
            review = {"action": "sent_back"}
        if day == 20:  # failed by the supervisor: not a change
            review = {"action": "reviewed", "items": [{"key": "window_refresh", "passed": False}]}
        if review:
            response = client.post(f"/api/v1/submissions/{created['id']}/review", json=review, headers=supervisor)
            assert response.status_code == 200, response.get_json()

    rows = by_store(board(client, supervisor, "?date=2026-11-20"))

    # The 21st is after the board's date; the 19th and 20th do not count; the 17th is older.
    assert rows["ZZ001"]["window"] == {"last_changed": "2026-11-18", "days_since": 2, "overdue": False}
    assert rows["ZZ002"]["window"]["last_changed"] is None  # no change on record
