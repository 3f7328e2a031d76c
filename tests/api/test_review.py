"""POST /api/v1/submissions/<id>/review: overrides, the recomputed score, send-back, scope."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from merch.extensions import db
from merch.models import ItemOverride, Submission
from tests.factories import passing_answers
from tests.supervision import headers_for, make_cast, submit


@pytest.fixture
def cast(shop, staff):
    return make_cast(shop, staff)


def weak_answers():
    answers = passing_answers()
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 7}]}  # fails, weight 2
    return answers


def review(client, headers, submission_id, **body):
    return client.post(f"/api/v1/submissions/{submission_id}/review", json=body, headers=headers)


def test_failing_a_passed_item_recomputes_the_score_and_keeps_the_original(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    assert created["score"] == 100.0

    response = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        comment="window good",
        items=[{"key": "folded_size_order", "passed": False, "comment": "stack 2 upside down"}],
    )

    body = response.get_json()
    assert response.status_code == 200, body
    # 16 rules, total weight 20; failing a weight-1 rule leaves 19/20 = 95.0
    assert body["score"] == 95.0
    assert body["original_score"] == 100.0
    assert body["status"] == "reviewed"
    assert body["review"]["by"] == "super1" and body["review"]["comment"] == "window good"
    item = next(i for i in body["items"] if i["key"] == "folded_size_order")
    assert item["passed"] is True and item["credit"] == 1.0  # the automatic result stays
    assert item["override"]["passed"] is False and item["override"]["comment"] == "stack 2 upside down"
    assert item["override"]["by"] == "super1"


def test_passing_a_failed_item_counts_it_as_one(client, cast):
    created = submit(client, headers_for(client, cast.staff), weak_answers())
    before = created["score"]

    body = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        items=[{"key": "stack_count", "passed": True, "comment": "the photo shows 5"}],
    ).get_json()

    assert before < 100.0 and body["score"] == 100.0 and body["original_score"] == before


def test_every_override_is_kept_and_the_latest_stands(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    supervisor = headers_for(client, cast.supervisor)
    review(client, supervisor, created["id"], action="reviewed", items=[{"key": "window_clean", "passed": False}])
    second = review(
        client, supervisor, created["id"], action="reviewed", items=[{"key": "window_clean", "passed": True}]
    ).get_json()

    assert second["score"] == 100.0 and second["original_score"] == 100.0
    assert [(h["key"], h["passed"]) for h in second["history"]] == [("window_clean", False), ("window_clean", True)]
    fetched = client.get(f"/api/v1/submissions/{created['id']}", headers=supervisor).get_json()
    assert len(fetched["history"]) == 2
    assert db.session.query(ItemOverride).count() == 2


def test_score_is_recomputed_from_exact_credits_not_rounded_ones(client, cast):
    answers = passing_answers()
    # hang_count credit 2/3 (one of three styles out of range), weight 2.
    answers["hang_count"] = {"counts": [3, 2, 9]}
    created = submit(client, headers_for(client, cast.staff), answers)
    body = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        items=[{"key": "window_seasonal", "passed": False}],
    ).get_json()

    hang = next(i for i in body["items"] if i["key"] == "hang_count")
    assert hang["credit"] == pytest.approx(2 / 3)
    # Total weight 20: 100 × (20 − 2 + 2·2/3 − 1) ÷ 20 = 100 × 55/60 = 91.666… → 91.7
    exact = 100 * (Fraction(20 - 2 - 1) + 2 * Fraction(2, 3)) / 20
    assert exact == Fraction(275, 3)
    assert body["score"] == 91.7
    assert db.session.get(Submission, created["id"]).score == Decimal("91.7")


def test_sent_back_is_final(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    supervisor = headers_for(client, cast.supervisor)
    sent = review(client, supervisor, created["id"], action="sent_back", comment="redo the window").get_json()
    assert sent["status"] == "sent_back" and sent["review"]["comment"] == "redo the window"

    again = review(client, supervisor, created["id"], action="reviewed")

    assert again.status_code == 422 and again.get_json()["error"]["code"] == "invalid_answer"


def test_a_key_not_on_the_submission_is_unknown_item(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    response = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        items=[{"key": "nope", "passed": False}],
    )

    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "unknown_item" and error["field"] == "items[0].key"
    assert db.session.get(Submission, created["id"]).status == "submitted"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"action": "approve"}, 400, "action"),
        ({"action": "reviewed", "items": {"key": "x"}}, 400, "items"),
        ({"action": "reviewed", "items": [{"key": "window_clean", "passed": "no"}]}, 422, "items[0].passed"),
        ({"action": "reviewed", "comment": 5}, 422, "comment"),
    ],
)
def test_bad_review_bodies_are_refused_with_the_field(client, cast, body, status, field):
    created = submit(client, headers_for(client, cast.staff))
    response = review(client, headers_for(client, cast.supervisor), created["id"], **body)

    assert response.status_code == status
    assert response.get_json()["error"]["field"] == field
    assert response.get_json()["error"]["message"]


def test_an_action_on_a_passing_item_is_refused(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    response = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        actions=[{"key": "window_clean", "comment": "clean it"}],
    )

    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == "invalid_answer" and error["field"] == "actions[0].key"


def test_an_action_opens_for_an_item_failed_in_the_same_review(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    body = review(
        client,
        headers_for(client, cast.supervisor),
        created["id"],
        action="reviewed",
        items=[{"key": "window_clean", "passed": False, "comment": "dusty"}],
        actions=[{"key": "window_clean", "comment": "clean the glass, photo please"}],
    ).get_json()

    assert [(a["key"], a["status"], a["opened_by"]) for a in body["actions"]] == [("window_clean", "open", "super1")]


def test_scope_of_review(client, cast):
    created = submit(client, headers_for(client, cast.staff))
    url = created["id"]

    assert review(client, headers_for(client, cast.staff), url, action="reviewed").status_code == 403
    assert review(client, headers_for(client, cast.other_supervisor), url, action="reviewed").status_code == 404
    assert review(client, headers_for(client, cast.admin), url, action="reviewed").status_code == 200
    assert review(client, headers_for(client, cast.supervisor), 99999, action="reviewed").status_code == 404


def test_a_supervisor_failing_a_window_change_does_not_count_as_a_change(client, cast, clock):
    staff = headers_for(client, cast.staff)
    first = submit(client, staff)  # 24 Nov: changed today
    review(
        client,
        headers_for(client, cast.supervisor),
        first["id"],
        action="reviewed",
        items=[{"key": "window_refresh", "passed": False, "comment": "same outfits as last week"}],
    )
    clock.set_local(2026, 11, 25, 10, 30)
    answers = passing_answers()
    answers["window_refresh"] = {"changed_today": False}
    second = submit(client, staff, answers)

    refresh = next(i for i in second["items"] if i["key"] == "window_refresh")
    # Had the failed change counted, one day since a change would pass.
    assert refresh["passed"] is False
