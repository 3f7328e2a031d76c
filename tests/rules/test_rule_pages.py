"""The rule editor pages: list, edit with preview, add, switch off, history; admins only."""

from __future__ import annotations

import html as html_module
import re

import pytest
from sqlalchemy import select

from merch.extensions import db
from merch.models import Role, RuleVersion
from tests import factories
from tests.api.test_submissions import post_submission
from tests.conftest import csrf_from, page_login
from tests.factories import passing_answers, submission_form

EN = {"Accept-Language": "en"}


@pytest.fixture
def admin(client):
    user = factories.make_user(Role.ADMIN, username="admin")
    db.session.commit()
    page_login(client, "admin")
    return user


def form_fields(html: str) -> dict[str, object]:
    """What the browser would post from the edit form as shown (checked boxes only)."""
    fields: dict[str, object] = {"csrf_token": csrf_from(html)}
    shifts = []
    for tag in re.findall(r"<input [^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if " checked" not in tag:
                continue
            if name.group(1) == "shifts":
                shifts.append(value.group(1))
                continue
            fields[name.group(1)] = "on"
        else:
            fields[name.group(1)] = value.group(1) if value else ""
    for select_name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[select_name] = chosen.group(1) if chosen else ""
    for area_name, text in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[area_name] = html_module.unescape(text)
    fields["shifts"] = shifts
    return fields


def test_staff_get_403_and_visitors_are_sent_to_sign_in(client, staff):
    assert client.get("/admin/rules").status_code == 302
    page_login(client, staff.username)
    assert client.get("/admin/rules").status_code == 403
    assert client.get("/admin/rules/stack_count").status_code == 403


def test_the_list_shows_every_rule_with_its_version(client, admin):
    html = client.get("/admin/rules", headers=EN).get_data(as_text=True)

    assert html.count('class="rule-row') == 18
    assert "Unpack before folding: thin garments 4–6 pieces a stack" in html
    assert "N/A allowed" in html
    assert html.count("version 1") == 18


def test_the_list_reads_in_traditional_chinese(client, admin):
    html = client.get("/admin/rules", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)

    assert "陳列規則" in html and "薄款每疊 4–6 件" in html and "巡場" in html


def test_saving_the_thin_range_3_5_makes_version_2_by_the_admin(client, admin):
    html = client.get("/admin/rules/stack_count", headers=EN).get_data(as_text=True)
    fields = form_fields(html)
    assert fields["params.thin.0"] == "4" and fields["params.thin.1"] == "6"
    assert fields["shifts"] == ["opening", "closing", "visit"]

    response = client.post(
        "/admin/rules/stack_count",
        data={**fields, "params.thin.0": "3", "params.thin.1": "5", "action": "save"},
        headers=EN,
    )

    assert response.status_code == 303
    saved = db.session.scalar(select(RuleVersion).where(RuleVersion.version == 2))
    assert saved.params == {"thin": [3, 5], "thick": [3, 4]} and saved.created_by.username == "admin"
    assert "saved as version 2" in client.get("/admin/rules", headers=EN).get_data(as_text=True)


def test_a_bad_number_is_shown_next_to_its_field_and_nothing_is_saved(client, admin):
    fields = form_fields(client.get("/admin/rules/stack_count").get_data(as_text=True))

    response = client.post(
        "/admin/rules/stack_count",
        data={**fields, "params.thin.0": "6", "params.thin.1": "4", "action": "save"},
        headers=EN,
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "“params.thin” must be two whole numbers [low, high] from 0 to 200" in html
    assert 'name="params.thin.0" value="6"' in html  # what the admin typed stays
    assert db.session.scalar(select(RuleVersion).where(RuleVersion.version == 2)) is None


def test_the_preview_rescoring_yesterday_changes_nothing_stored(client, clock, admin, staff_headers):
    answers = {**passing_answers(), "stack_count": {"stacks": [{"thickness": "thin", "count": 3}]}}
    clock.set_local(2026, 11, 23, 10, 30)
    stored = post_submission(client, staff_headers, submission_form(answers)).get_json()
    assert stored["score"] == 90.0  # weight 2 of 20 lost
    clock.set_local(2026, 11, 24, 10, 30)
    fields = form_fields(client.get("/admin/rules/stack_count").get_data(as_text=True))

    response = client.post(
        "/admin/rules/stack_count",
        data={**fields, "params.thin.0": "3", "params.thin.1": "5", "action": "preview"},
        headers=EN,
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Preview: 2026-11-23" in html
    assert "1 checklist scored this rule; 1 would score differently." in html
    assert "fail → pass" in html and "90.0" in html and "100.0" in html
    assert 'name="params.thin.0" value="3"' in html  # the change is still on the form, unsaved
    assert db.session.scalar(select(RuleVersion).where(RuleVersion.version == 2)) is None
    assert client.get(f"/api/v1/submissions/{stored['id']}", headers=staff_headers).get_json()["score"] == 90.0


def test_switching_a_rule_off_from_its_page(client, admin):
    fields = form_fields(client.get("/admin/rules/same_hanger").get_data(as_text=True))
    del fields["active"]

    client.post("/admin/rules/same_hanger", data={**fields, "action": "save"})

    html = client.get("/admin/rules", headers=EN).get_data(as_text=True)
    row = html[html.index('id="rule-same_hanger"') :]
    assert "Switched off" in row[: row.index("</li>")]


def test_adding_a_rule_of_an_existing_kind(client, admin, staff_headers):
    kinds = client.get("/admin/rules/new", headers=EN).get_data(as_text=True)
    assert kinds.count('href="/admin/rules/new/') == 6
    html = client.get("/admin/rules/new/count_range").get_data(as_text=True)
    fields = form_fields(html)
    fields.update(
        {
            "key": "shoe_pairs",
            "area": "focal",
            "titles.en": "Each shoe style shows {min}–{max} pairs",
            "titles.zh-Hant": "每款鞋陳列 {min}–{max} 雙",
            "titles.zh-Hans": "每款鞋陈列 {min}–{max} 双",
            "params.min": "1",
            "params.max": "2",
            "shifts": ["opening", "visit"],
        }
    )

    response = client.post("/admin/rules/new/count_range", data=fields)

    assert response.status_code == 303, response.get_data(as_text=True)
    checklist = client.get("/api/v1/checklist?shift=opening", headers={**staff_headers, **EN}).get_json()
    shoes = next(item for item in checklist["items"] if item["key"] == "shoe_pairs")
    assert shoes["title"] == "Each shoe style shows 1–2 pairs" and shoes["params"] == {"min": 1, "max": 2}
    again = client.post("/admin/rules/new/count_range", data=fields, headers=EN)
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)


def test_a_new_rule_needs_a_proper_key_and_all_titles(client, admin):
    fields = form_fields(client.get("/admin/rules/new/yes_no").get_data(as_text=True))

    response = client.post(
        "/admin/rules/new/yes_no", data={**fields, "key": "Lights!", "titles.en": "Lights on"}, headers=EN
    )

    assert response.status_code == 422
    assert "a rule key is 2 to 64 lower-case letters" in response.get_data(as_text=True)


def test_history_shows_each_version_who_when_and_how_many_items_it_scored(client, clock, admin, staff_headers):
    clock.set_local(2026, 11, 23, 10, 30)
    post_submission(client, staff_headers, submission_form())
    clock.set_local(2026, 11, 24, 9, 0)
    fields = form_fields(client.get("/admin/rules/stack_count").get_data(as_text=True))
    client.post("/admin/rules/stack_count", data={**fields, "params.thin.1": "5", "action": "save"})

    html = client.get("/admin/rules/stack_count/history", headers=EN).get_data(as_text=True)

    assert html.index("Version 2") < html.index("Version 1")
    assert "2026-11-24 01:00 UTC · admin" in html
    assert "the guide" in html
    assert "0 submitted items were scored with this version" in html
    assert "1 submitted item was scored with this version" in html
    assert client.get("/admin/rules/nope/history").status_code == 404


def test_the_thin_range_saved_on_the_page_scores_new_checklists_and_old_ones_keep_4_6(
    client, clock, admin, staff_headers
):
    answers = {**passing_answers(), "stack_count": {"stacks": [{"thickness": "thin", "count": 3}]}}
    clock.set_local(2026, 11, 23, 10, 30)
    old = post_submission(client, staff_headers, submission_form(answers)).get_json()
    clock.set_local(2026, 11, 24, 9, 30)
    fields = form_fields(client.get("/admin/rules/stack_count", headers=EN).get_data(as_text=True))

    saved = client.post(
        "/admin/rules/stack_count",
        data={**fields, "params.thin.0": "3", "params.thin.1": "5", "action": "save"},
        headers=EN,
    )
    clock.set_local(2026, 11, 24, 10, 30)
    new = post_submission(client, staff_headers, submission_form(answers)).get_json()

    assert saved.status_code == 303
    assert old["score"] == 90.0 and new["score"] == 100.0
    old_page = client.get(f"/supervise/submissions/{old['id']}", headers=EN).get_data(as_text=True)
    new_page = client.get(f"/supervise/submissions/{new['id']}", headers=EN).get_data(as_text=True)
    assert "stack 1: 3 thin pieces, 4–6 allowed" in old_page and "90.0" in old_page
    assert "4–6 allowed" not in new_page and "100.0" in new_page
