"""N/A and per-group answers through POST /api/v1/submissions."""

from __future__ import annotations

from sqlalchemy import func, select

from merch.extensions import db
from merch.models import Submission
from tests.api.test_submissions import post_submission
from tests.conftest import page_login
from tests.factories import passing_answers, submission_form


def test_na_on_the_mannequin_leaves_its_weight_out_of_the_score(client, staff_headers):
    answers = passing_answers()
    answers["folded_mannequin"] = {"na": True}
    # weight 2 at half credit; with the mannequin (weight 1) out, the sum is 19: 100 × 18 / 19
    answers["stack_count"] = {"stacks": [{"thickness": "thin", "count": 7}, {"thickness": "thin", "count": 5}]}

    response = post_submission(client, staff_headers, submission_form(answers))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["score"] == 94.7
    mannequin = next(item for item in body["items"] if item["key"] == "folded_mannequin")
    assert mannequin["not_applicable"] is True and mannequin["passed"] is True and mannequin["answer"] == {"na": True}
    assert mannequin["reason"] is None


def test_na_on_a_rule_without_allow_na_is_422_naming_the_field_and_stores_nothing(client, staff_headers):
    answers = passing_answers()
    answers["window_clean"] = {"na": True}

    response = post_submission(client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers))

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_answer"
    assert error["field"] == "answers.window_clean.na"
    assert error["message"] == "this rule cannot be answered N/A"
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_groups_score_per_stack_and_name_the_stack(client, staff_headers):
    answers = passing_answers()
    answers["folded_size_order"] = {"groups": [["XL", "L"], ["M", "L"]]}
    answers["hanging_colour_order"] = {"groups": [["#FFFFFF", "#111111"], ["#EEEEEE", "#222222"]]}

    response = post_submission(client, {**staff_headers, "Accept-Language": "en"}, submission_form(answers))

    assert response.status_code == 201, response.get_json()
    items = {item["key"]: item for item in response.get_json()["items"]}
    assert items["folded_size_order"]["credit"] == 0.5
    assert items["folded_size_order"]["problems"] == ["stack 2: M above L: sizes must get smaller going down"]
    assert items["hanging_colour_order"]["passed"] is True


def test_a_bad_size_in_a_group_is_422_with_the_groups_field(client, staff_headers):
    answers = passing_answers()
    answers["hanging_size_order"] = {"groups": [["S", "M"], ["M", "38"]]}

    response = post_submission(client, staff_headers, submission_form(answers))

    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "answers.hanging_size_order.groups[1][1]"


def test_the_result_page_shows_an_na_item_as_not_scored(client, staff, staff_headers):
    answers = passing_answers()
    answers["featured_style"] = {"na": True}
    created = post_submission(client, staff_headers, submission_form(answers)).get_json()
    page_login(client, staff.username)

    html = client.get(f"/submissions/{created['id']}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert created["score"] == 100.0
    assert html.count("N/A: not scored") == 1
