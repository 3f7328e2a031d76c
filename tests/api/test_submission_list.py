"""GET /api/v1/submissions: filters, cursor paging, the review queue's order, flags, scope."""

from __future__ import annotations

import pytest

from tests.factories import passing_answers, passing_closing_answers
from tests.supervision import headers_for, make_cast, submit


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


def listing(client, headers, query=""):
    response = client.get(f"/api/v1/submissions{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_rows_name_who_submitted_and_when(client, cast):
    created = submit(client, headers_for(client, cast.staff))

    (row,) = listing(client, headers_for(client, cast.supervisor))["submissions"]

    assert row["id"] == created["id"] and row["store"] == "ZZ001" and row["name"] == "郑州二七店"
    assert row["submitted_by"] == "staff1" and row["submitted_by_name"] == cast.staff.name
    assert row["completed_at"] == "2026-11-24T10:30:00+08:00" and row["received_at"] == "2026-11-24T10:30:00+08:00"
    assert row["flags"] == [] and row["original_score"] == 100.0 and row["late"] is False


def test_a_supervisor_sees_only_their_area_and_admins_all(client, cast):
    submit(client, headers_for(client, cast.staff))
    submit(client, headers_for(client, cast.other_staff))

    assert [r["store"] for r in listing(client, headers_for(client, cast.supervisor))["submissions"]] == ["ZZ001"]
    assert [r["store"] for r in listing(client, headers_for(client, cast.other_staff))["submissions"]] == ["LY001"]
    assert sorted(r["store"] for r in listing(client, headers_for(client, cast.admin))["submissions"]) == [
        "LY001",
        "ZZ001",
    ]
    assert listing(client, headers_for(client, cast.supervisor), "?store=LY001")["submissions"] == []


def test_cursor_pages_cover_every_submission_once_newest_first(client, cast, clock):
    staff = headers_for(client, cast.staff)
    ids = []
    for day in (20, 21, 22, 23):
        clock.set_local(2026, 11, day, 10, 30)
        ids.append(submit(client, staff)["id"])
    supervisor = headers_for(client, cast.supervisor)

    first = listing(client, supervisor, "?limit=3")
    second = listing(client, supervisor, f"?limit=3&cursor={first['next_cursor']}")

    assert [r["id"] for r in first["submissions"]] == ids[::-1][:3]
    assert [r["id"] for r in second["submissions"]] == ids[:1] and second["next_cursor"] is None


@pytest.mark.parametrize(
    "query",
    [
        "?limit=0",
        "?limit=201",
        "?limit=x",
        "?from=2026-13-01",
        "?to=yesterday",
        "?shift=noon",
        "?status=open",
        "?cursor=zzz",
    ],
)
def test_bad_list_parameters_are_400(client, cast, query):
    response = client.get(f"/api/v1/submissions{query}", headers=headers_for(client, cast.supervisor))

    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_filters_by_date_shift_and_status(client, cast, clock):
    staff = headers_for(client, cast.staff)
    clock.set_local(2026, 11, 23, 10, 30)
    submit(client, staff)
    clock.set_local(2026, 11, 24, 21, 30)
    closing = submit(client, staff, passing_closing_answers(), shift="closing")
    supervisor = headers_for(client, cast.supervisor)

    on_24 = listing(client, supervisor, "?from=2026-11-24&to=2026-11-24")["submissions"]
    closings = listing(client, supervisor, "?shift=closing&status=submitted")["submissions"]

    assert [r["id"] for r in on_24] == [closing["id"]] and [r["id"] for r in closings] == [closing["id"]]


def test_needs_review_puts_most_flags_first_then_lowest_score(client, cast, clock):
    staff = headers_for(client, cast.staff)
    clock.set_local(2026, 11, 21, 10, 30)
    clean = submit(client, staff)
    clock.set_local(2026, 11, 22, 10, 30)
    one_fail = passing_answers()
    one_fail["window_clean"] = {"ok": False}
    failed = submit(client, staff, one_fail)
    clock.set_local(2026, 11, 23, 11, 30)  # after 11:00: late
    late_and_failed = submit(client, staff, one_fail)
    clock.set_local(2026, 11, 24, 10, 30)
    worse = passing_answers()
    worse["window_clean"] = {"ok": False}
    worse["stack_count"] = {"stacks": [{"thickness": "thin", "count": 9}]}
    lowest = submit(client, staff, worse)

    rows = listing(client, headers_for(client, cast.supervisor), "?needs_review=true")["submissions"]

    assert [r["id"] for r in rows] == [late_and_failed["id"], lowest["id"], failed["id"]]
    assert rows[0]["flags"] == ["late", "failed_items"]
    assert clean["id"] not in [r["id"] for r in rows]


def test_needs_review_leaves_out_reviewed_ones(client, cast):
    answers = passing_answers()
    answers["window_clean"] = {"ok": False}
    created = submit(client, headers_for(client, cast.staff), answers)
    supervisor = headers_for(client, cast.supervisor)
    client.post(f"/api/v1/submissions/{created['id']}/review", json={"action": "reviewed"}, headers=supervisor)

    assert listing(client, supervisor, "?needs_review=true")["submissions"] == []


def test_a_delayed_upload_is_flagged(client, cast, clock):
    clock.set_local(2026, 11, 24, 11, 15)
    created = submit(client, headers_for(client, cast.staff), completed_at="2026-11-24T10:40:00+08:00")

    assert created["flags"] == ["delayed_upload"]


def test_a_reused_photo_is_flagged(client, cast, clock):
    from tests.factories import jpeg_bytes

    photo = jpeg_bytes(colour=(1, 2, 3))
    staff = headers_for(client, cast.staff)
    clock.set_local(2026, 11, 23, 10, 30)
    submit(
        client,
        staff,
        photos={
            "photo.folded": photo,
            "photo.hanging": jpeg_bytes(colour=(9, 9, 9)),
            "photo.window": jpeg_bytes(colour=(7, 7, 7)),
        },
    )
    clock.set_local(2026, 11, 24, 10, 30)
    second = submit(
        client,
        staff,
        photos={
            "photo.folded": photo,
            "photo.hanging": jpeg_bytes(colour=(8, 9, 9)),
            "photo.window": jpeg_bytes(colour=(7, 8, 7)),
        },
    )

    assert "reused_photo" in second["flags"]
