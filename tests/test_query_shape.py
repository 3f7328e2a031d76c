"""SQL statements per checklist stored or shown stay fixed as the rulebook and history grow.

Measured with 114,000 checklists, storing one took 84 statements (rule versions loaded one
by one) and the count grew with every rule; these tests fail if any per-rule or per-row
query comes back.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g
from sqlalchemy import select

from merch.extensions import db
from merch.models import Rule, RuleVersion
from tests import factories
from tests.conftest import api_login, page_login
from tests.factories import new_key, submission_form


def post(client, headers):
    response = client.post(
        "/api/v1/submissions",
        data=submission_form(),
        headers={**headers, "Idempotency-Key": new_key()},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def statements(app, count_queries, username):
    """(to store one opening checklist, to show it through the API, to show its page)."""
    api = app.test_client()
    page = app.test_client()
    headers = api_login(api, username)
    # Requests share the test's app context, so Flask-WTF's per-request token cache in
    # ``g`` would hand this new client the previous client's token.
    g.pop("csrf_token", None)
    page_login(page, username)
    db.session.close()
    with count_queries() as stored:
        created = post(api, headers)
    db.session.close()
    with count_queries() as shown:
        assert api.get(f"/api/v1/submissions/{created['id']}", headers=headers).status_code == 200
    db.session.close()
    with count_queries() as page_shown:
        assert page.get(f"/submissions/{created['id']}").status_code == 200
    return len(stored), len(shown), len(page_shown), created


def grow_rulebook(extra_rules: int) -> None:
    """More rules on the opening checklist, a second refresh rule, and a newer version of every rule."""
    now = datetime(2026, 6, 1, tzinfo=UTC)
    refresh = db.session.scalar(select(Rule).where(Rule.kind == "refresh"))
    template = refresh.versions[-1]
    copy = Rule(key="window_refresh_side", area="window", kind="refresh", position=90)
    copy.versions.append(
        RuleVersion(
            version=1,
            params=dict(template.params),
            weight=1,
            photo_required=True,
            shifts=["opening"],
            titles={"en": "Side window changed"},
            created_at=now,
        )
    )
    db.session.add(copy)
    for n in range(extra_rules):
        rule = Rule(key=f"extra_check_{n}", area="folded", kind="yes_no", position=100 + n)
        rule.versions.append(
            RuleVersion(
                version=1,
                params={},
                weight=1,
                photo_required=False,
                shifts=["opening"],
                titles={"en": f"Extra check {n}"},
                created_at=now,
            )
        )
        db.session.add(rule)
    for rule in db.session.scalars(select(Rule)).all():
        latest = rule.versions[-1]
        rule.versions.append(
            RuleVersion(
                version=latest.version + 1,
                params=dict(latest.params),
                weight=latest.weight,
                photo_required=latest.photo_required,
                shifts=list(latest.shifts),
                titles=dict(latest.titles),
                created_at=now,
            )
        )
    db.session.commit()


def test_storing_or_showing_a_checklist_takes_as_many_statements_with_a_bigger_rulebook_and_history(
    app, client, clock, count_queries, staff
):
    small = statements(app, count_queries, staff.username)

    grow_rulebook(extra_rules=12)
    other = factories.make_user("staff", username="staff9")
    db.session.commit()
    history_headers = api_login(client, other.username)
    for day in (19, 20, 21, 22, 23):
        clock.set_local(2026, 11, day, 10, 30)
        post(client, history_headers)
    clock.set_local(2026, 11, 24, 10, 35)
    big = statements(app, count_queries, other.username)

    assert len(big[3]["items"]) == len(small[3]["items"]) + 13  # the rulebook did grow
    assert big[3]["items"][0]["rule_version"] == 2
    assert big[:3] == small[:3]


def test_storing_a_checklist_takes_a_bounded_number_of_statements(app, count_queries, staff):
    stored, shown, page, _ = statements(app, count_queries, staff.username)

    # token, user, shop, replay and conflict checks twice over, one rulebook query each
    # time, one history query, the rows, then the submission read back for the answer.
    assert stored <= 32
    assert shown <= 10 and page <= 12
