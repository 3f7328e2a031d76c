"""Query shape as history grows: statements per checklist stored or shown stay fixed as the
rulebook and history grow, and checklist lists read an index in order.

Measured with 114,000 checklists, storing one took 84 statements (rule versions loaded one
by one) and the count grew with every rule; these tests fail if any per-rule or per-row
query comes back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import g
from sqlalchemy import event, select, text

from merch.extensions import db
from merch.models import Rule, RuleVersion, Submission
from merch.services.board import last_window_changes_query
from merch.services.submission_list import recent_submissions, recent_submissions_query
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
    # One earlier checklist, so both cases take the same paths (a last window change to
    # compare with, evidence to look up): what is measured is growth, not a first time.
    clock.set_local(2026, 11, 23, 10, 30)
    post(client, api_login(client, staff.username))
    clock.set_local(2026, 11, 24, 10, 35)
    small = statements(app, count_queries, staff.username)

    grow_rulebook(extra_rules=12)
    other = factories.make_user("staff", username="staff9")
    db.session.commit()
    history_headers = api_login(client, other.username)
    for day in (17, 18, 19, 20, 21, 22, 23):
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


def add_submission(shop, user, received_at, shift="opening"):
    submission = Submission(
        shop_id=shop.id,
        user_id=user.id,
        shift=shift,
        business_date=received_at.date(),
        completed_at=received_at,
        received_at=received_at,
        due_at=received_at,
        late=False,
    )
    db.session.add(submission)
    return submission


def test_checklist_list_is_newest_first_in_the_callers_scope_and_pages_by_keyset(app, staff):
    area = staff.shop.area
    neighbour = factories.make_shop(area=area)
    elsewhere = factories.make_shop()
    supervisor = factories.make_user("supervisor", area=area)
    admin = factories.make_user("admin")
    start = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
    made = []
    for day in range(6):
        for shop in (staff.shop, neighbour, elsewhere):
            made.append(add_submission(shop, staff, start + timedelta(days=day, minutes=shop.id)))
    same_moment = add_submission(staff.shop, staff, start + timedelta(days=9), shift="closing")
    twin = add_submission(neighbour, staff, start + timedelta(days=9), shift="closing")
    db.session.commit()

    def ids(user, limit, before=None):
        return [s.id for s in recent_submissions(user, limit, before)]

    def expected(shops):
        rows = [s for s in [*made, same_moment, twin] if s.shop_id in {shop.id for shop in shops}]
        return [s.id for s in sorted(rows, key=lambda s: (s.received_at, s.id), reverse=True)]

    assert ids(admin, 100) == expected([staff.shop, neighbour, elsewhere])
    assert ids(supervisor, 100) == expected([staff.shop, neighbour])
    assert ids(staff, 100) == expected([staff.shop])
    assert ids(supervisor, 2) == [twin.id, same_moment.id]  # same moment: newest id first
    first = recent_submissions(admin, 5)
    rest = ids(admin, 100, before=(first[-1].received_at, first[-1].id))
    assert [s.id for s in first] + rest == expected([staff.shop, neighbour, elsewhere])


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_checklist_list_reads_an_index_in_order_instead_of_sorting_the_history(app, staff, role):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL's planner chooses by table statistics")
    user = staff if role == "staff" else factories.make_user("admin")
    query = recent_submissions_query(user, 50, before=(datetime(2026, 11, 1, tzinfo=UTC), 10))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})

    plan = " / ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))

    assert "TEMP B-TREE" not in plan, plan
    assert ("ix_submissions_received" if role == "admin" else "ix_submissions_shop_received") in plan, plan


def test_the_boards_last_window_change_looks_back_newest_first(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is checked on SQLite; PostgreSQL's planner chooses by table statistics")
    query = last_window_changes_query([1, 2, 3], date(2026, 11, 24))
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})

    plan = " / ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))

    # Per shop, its checklists in date order (read newest first, stopping at the first
    # change), never the whole history sorted or grouped.
    assert "TEMP B-TREE" not in plan, plan
    assert "ix_submissions_shop_date" in plan and "CORRELATED SCALAR SUBQUERY" in plan, plan


def test_postgresql_compiles_no_query_just_in_time_whatever_its_estimated_cost(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    db.session.rollback()  # the setting outlives the transactions of a pooled connection

    # The board's last-change lookup runs in 1.5 ms on a year of history but is costed
    # above jit_above_cost: compiling it took 40 ms.
    assert db.session.scalar(text("SHOW jit")) == "off"


def test_postgresql_reads_an_areas_export_by_index_even_when_a_parallel_plan_is_costed_cheaper(app, client, shop):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL plan")
    day = date(2026, 11, 23)
    factories.make_submission(shop, day, "opening", "90.0", failed=("hang_count",))
    factories.make_user("admin", username="boss")
    db.session.commit()
    headers = api_login(client, "boss")
    # On a year of 500 shops PostgreSQL chose a parallel scan of every submission for one
    # area's month (twice as slow as the index); free parallelism would make it do so here.
    plans: list[str] = []

    def explain_items_read(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "FROM item_results" in statement:
            with cursor.connection.cursor() as explain:
                for setting in ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size"):
                    explain.execute(f"SET LOCAL {setting} = 0")
                explain.execute("EXPLAIN " + statement, parameters)
                plans.append("\n".join(row[0] for row in explain.fetchall()))

    event.listen(db.engine, "before_cursor_execute", explain_items_read)
    try:
        response = client.get(f"/api/v1/export?from={day}&to={day}&area={shop.area.code}", headers=headers)
        assert response.status_code == 200
        response.get_data()  # streamed: the queries run while it is read
    finally:
        event.remove(db.engine, "before_cursor_execute", explain_items_read)

    assert len(plans) == 1
    assert "Gather" not in plans[0] and "Parallel" not in plans[0], plans[0]
