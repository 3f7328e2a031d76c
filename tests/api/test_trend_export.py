"""GET /api/v1/stores/<code>/trend and GET /api/v1/export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator

from merch.extensions import db
from tests import factories
from tests.conftest import api_login

TODAY = date(2026, 11, 24)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def history(shop):
    """ZZ001: two days of checklists with failures, one missed, one sent back and resubmitted."""
    factories.make_submission(shop, days_ago(2), "opening", "50.0", failed=("stack_count", "hang_count"))
    factories.make_submission(shop, days_ago(2), "closing", "75.0", failed=("stack_count",), late=True)
    factories.make_submission(shop, days_ago(1), "opening", "40.0", failed=("hang_count",), status="sent_back")
    factories.make_submission(shop, days_ago(1), "opening", "100.0")
    db.session.commit()
    return shop


def test_trend_lists_each_day_with_states_scores_and_the_rules_failed_most(client, staff, history):
    body = client.get("/api/v1/stores/ZZ001/trend?days=3", headers=api_login(client, staff.username)).get_json()

    assert body["store"] == "ZZ001" and body["name"] == history.name
    assert [day["date"] for day in body["days"]] == ["2026-11-22", "2026-11-23", "2026-11-24"]
    first, second, today = body["days"]
    assert first["opening"]["state"] == "done" and first["opening"]["score"] == 50.0
    assert first["closing"]["state"] == "late"
    assert second["opening"]["score"] == 100.0 and second["opening"]["submission_id"] is not None
    assert second["closing"] == {"state": "missed", "score": None, "submission_id": None}
    assert today["opening"]["state"] == "due"
    rules = {rule["key"]: rule for rule in body["rules"]}
    # Sent-back submissions do not count: hang_count failed once in the two live openings
    # and closing that carry it (the factory's items: the failed keys plus window_clean).
    assert rules["stack_count"]["failed"] == 2 and rules["stack_count"]["due"] == 2
    assert rules["stack_count"]["fail_rate"] == 100.0
    assert rules["hang_count"] == {**rules["hang_count"], "failed": 1, "due": 1, "fail_rate": 100.0}
    assert "window_clean" not in rules
    assert rules["stack_count"]["title"]


def test_trend_of_a_shop_outside_the_callers_scope_is_404(client, staff, history):
    other = factories.make_shop(code="XX009")
    db.session.commit()
    headers = api_login(client, staff.username)

    assert client.get("/api/v1/stores/XX009/trend", headers=headers).status_code == 404
    assert client.get("/api/v1/stores/NOPE/trend", headers=headers).status_code == 404
    assert client.get("/api/v1/stores/ZZ001/trend?days=0", headers=headers).status_code == 400
    assert client.get("/api/v1/stores/ZZ001/trend?days=367", headers=headers).status_code == 400
    supervisor = factories.make_user("supervisor", area=other.area)
    db.session.commit()
    assert client.get("/api/v1/stores/XX009/trend", headers=api_login(client, supervisor.username)).status_code == 200


def test_trend_answer_matches_its_schema(client, staff, history):
    document = client.get("/api/v1/openapi.json").get_json()
    body = client.get("/api/v1/stores/ZZ001/trend", headers=api_login(client, staff.username)).get_json()

    validator = Draft202012Validator({**document, "$ref": "#/components/schemas/Trend"})
    assert list(validator.iter_errors(body)) == []
    assert len(body["days"]) == 30


def read_csv(response) -> list[dict[str, str]]:
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_export_is_a_csv_attachment_with_a_bom_and_one_row_per_item(client, staff, history):
    response = client.get(
        "/api/v1/export?from=2026-11-22&to=2026-11-23",
        headers={**api_login(client, staff.username), "Accept-Language": "en"},
    )

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert list(rows[0]) == (
        "store,name,area,business_date,shift,submission_id,status,submitted_by,completed_at,late,score,"
        "original_score,key,title,passed,credit,reason,override_comment"
    ).split(",")
    assert len(rows) == 3 + 2 + 2 + 1  # items of the four submissions, sent-back one included
    first = rows[0]
    assert (first["store"], first["name"], first["business_date"], first["shift"]) == (
        "ZZ001",
        "郑州二七店",
        "2026-11-22",
        "opening",
    )
    assert (first["key"], first["passed"], first["credit"], first["score"]) == ("stack_count", "false", "0", "50")
    assert first["reason"] == "not answered"
    assert first["completed_at"].endswith("+08:00")
    assert first["original_score"] == first["score"]  # no override recorded
    assert {row["status"] for row in rows} == {"submitted", "sent_back"}


def test_export_lists_each_checklists_items_in_their_display_order_not_by_key(client, staff, history):
    # The history's 50.0 opening answered stack_count, hang_count, window_clean in that order:
    # not alphabetical, which is the order the database's (submission, key) index hands them back.
    rows = read_csv(
        client.get("/api/v1/export?from=2026-11-22&to=2026-11-23", headers=api_login(client, staff.username))
    )

    keys_by_submission: dict[str, list[str]] = {}
    for row in rows:
        keys_by_submission.setdefault(row["score"] + " " + row["status"], []).append(row["key"])
    assert keys_by_submission == {
        "50 submitted": ["stack_count", "hang_count", "window_clean"],
        "75 submitted": ["stack_count", "window_clean"],
        "40 sent_back": ["hang_count", "window_clean"],
        "100 submitted": ["window_clean"],
    }


def test_export_neutralises_cells_a_spreadsheet_would_evaluate(client, history):
    shop = history
    shop.name = '=HYPERLINK("http://x")'
    staff = factories.make_user("staff", shop=shop, username="-minus")
    db.session.commit()

    rows = read_csv(client.get("/api/v1/export?from=2026-11-22&to=2026-11-22", headers=api_login(client, "-minus")))

    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["submitted_by"].startswith(("'", "staff", "user"))
    assert staff.username == "-minus"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_formula_start_is_prefixed(cell):
    from merch.services.exports import neutralise

    assert neutralise(cell) == "'" + cell
    assert neutralise("plain " + cell) == "plain " + cell


def test_export_scope_and_period_checks(client, staff, history):
    elsewhere = factories.make_shop(code="LY001")
    factories.make_submission(elsewhere, days_ago(2), "opening", "10.0")
    admin = factories.make_user("admin")
    db.session.commit()
    headers = api_login(client, staff.username)

    mine = read_csv(client.get("/api/v1/export?from=2026-11-22&to=2026-11-22", headers=headers))
    everything = read_csv(
        client.get("/api/v1/export?from=2026-11-22&to=2026-11-22", headers=api_login(client, admin.username))
    )
    one_area = read_csv(
        client.get(
            f"/api/v1/export?from=2026-11-22&to=2026-11-22&area={elsewhere.area.code}",
            headers=api_login(client, admin.username),
        )
    )

    assert {row["store"] for row in mine} == {"ZZ001"}
    assert {row["store"] for row in everything} == {"ZZ001", "LY001"}
    assert {row["store"] for row in one_area} == {"LY001"}
    assert client.get("/api/v1/export?from=2025-01-01&to=2026-11-22", headers=headers).status_code == 400
    assert client.get("/api/v1/export?from=2026-11-22", headers=headers).status_code == 400
    assert client.get("/api/v1/export", headers=headers).status_code == 400
    assert client.get("/api/v1/export?from=2026-11-22&to=2026-11-22").status_code == 401


def test_export_and_trend_show_the_result_after_a_supervisors_override(client, staff, history):
    from datetime import UTC, datetime
    from decimal import Decimal

    from sqlalchemy import select

    from merch.models import ItemOverride, ItemResult, Submission

    supervisor = factories.make_user("supervisor", area=history.area)
    submission = db.session.scalar(
        select(Submission).where(Submission.business_date == days_ago(2), Submission.shift == "closing")
    )
    item = next(item for item in submission.items if item.key == "stack_count")
    item.override_passed = True
    item.overrides.append(
        ItemOverride(user_id=supervisor.id, passed=True, comment="=stacks fine on the photo", at=datetime.now(UTC))
    )
    submission.original_score = submission.score
    submission.score = Decimal("100.0")
    db.session.commit()
    headers = api_login(client, staff.username)

    rows = read_csv(client.get("/api/v1/export?from=2026-11-22&to=2026-11-22", headers=headers))
    trend = client.get("/api/v1/stores/ZZ001/trend?days=3", headers=headers).get_json()

    row = next(row for row in rows if row["shift"] == "closing" and row["key"] == "stack_count")
    assert (row["passed"], row["credit"], row["score"], row["original_score"]) == ("true", "1", "100", "75")
    assert row["override_comment"] == "'=stacks fine on the photo"
    untouched = next(row for row in rows if row["shift"] == "opening" and row["key"] == "stack_count")
    assert (untouched["passed"], untouched["override_comment"]) == ("false", "")
    stack = next(rule for rule in trend["rules"] if rule["key"] == "stack_count")
    assert (stack["failed"], stack["due"]) == (1, 2)
    assert isinstance(db.session.get(ItemResult, item.id).override_passed, bool)
