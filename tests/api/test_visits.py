"""Visits (巡場): supervisors of the area submit a visit checklist for a shop; never due."""

from __future__ import annotations

import pytest

from tests.factories import passing_answers
from tests.supervision import distinct_photos, headers_for, make_cast, submit

# The guide's visit (巡場) rules: the opening ones but the window refresh, and the storefront.
VISIT_KEYS = {key for key in passing_answers() if key != "window_refresh"} | {"storefront", "pop_layout"}


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


def visit_photos():
    return distinct_photos(("folded", "hanging", "window", "storefront"))


def visit_answers():
    answers = {key: value for key, value in passing_answers().items() if key in VISIT_KEYS}
    answers.update({"storefront": {"ok": True}, "pop_layout": {"ok": True}})
    answers["window_clean"] = {"ok": False}  # weight 2 of 21
    return answers


def test_a_supervisor_visits_a_shop_of_their_area(client, cast):
    body = submit(
        client,
        headers_for(client, cast.supervisor),
        visit_answers(),
        shift="visit",
        photos=visit_photos(),
        store="ZZ001",
    )

    assert body["shift"] == "visit" and body["store"] == "ZZ001" and body["submitted_by"] == "super1"
    assert {item["key"] for item in body["items"]} == VISIT_KEYS
    assert body["score"] == 90.0 and body["late"] is False  # 18/20


def test_the_visit_checklist_lists_the_visit_rules(client, cast):
    response = client.get("/api/v1/checklist?shift=visit&store=ZZ001", headers=headers_for(client, cast.supervisor))

    body = response.get_json()
    assert response.status_code == 200, body
    assert body["shift"] == "visit" and {item["key"] for item in body["items"]} == VISIT_KEYS


def test_two_visits_on_one_day_are_both_kept(client, cast):
    supervisor = headers_for(client, cast.supervisor)
    first = submit(client, supervisor, visit_answers(), shift="visit", photos=visit_photos(), store="ZZ001")
    second = submit(client, supervisor, visit_answers(), shift="visit", photos=visit_photos(), store="ZZ001")

    assert first["id"] != second["id"]


def test_visit_scope(client, cast):
    def post(user, store="ZZ001", shift="visit"):
        from tests.factories import new_key, submission_form

        return client.post(
            "/api/v1/submissions",
            data=submission_form(visit_answers(), shift=shift, photos=visit_photos(), store=store),
            headers={**headers_for(client, user), "Idempotency-Key": new_key()},
            content_type="multipart/form-data",
        )

    assert post(cast.staff).status_code == 403
    assert post(cast.other_supervisor).status_code == 404
    assert post(cast.supervisor, store="NOPE").status_code == 404
    assert post(cast.supervisor, store=None).status_code == 400
    assert post(cast.admin).status_code == 403
    checklist = "/api/v1/checklist?shift=visit&store=ZZ001"
    assert client.get(checklist, headers=headers_for(client, cast.other_supervisor)).status_code == 404
    assert client.get(checklist, headers=headers_for(client, cast.staff)).status_code == 403


def test_a_visit_shows_on_the_board_and_is_never_a_checklist_state(client, cast):
    supervisor = headers_for(client, cast.supervisor)
    submit(client, supervisor, visit_answers(), shift="visit", photos=visit_photos(), store="ZZ001")

    row = next(r for r in client.get("/api/v1/board", headers=supervisor).get_json()["stores"] if r["store"] == "ZZ001")

    assert row["last_visit"] == {"date": "2026-11-24", "score": 90.0}
    assert row["opening"]["state"] == "due" and row["opening"]["submission_id"] is None
