"""Migrations own the schema: they build what the models describe, and upgrades keep data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import inspect, text

from merch import create_app
from merch.extensions import db
from merch.schema import BASELINE_REVISION, upgrade_schema

# One row of every baseline table, written as SQL of the baseline schema: later revisions
# must carry all of it forward.
BASELINE_ROWS = [
    "INSERT INTO areas (id, code, name) VALUES (1, 'HN-ZZ', '鄭州區')",
    "INSERT INTO rules (id, key, area, kind, position, active) VALUES (1, 'window_clean', 'window', 'yes_no', 0, :yes)",
    "INSERT INTO rule_versions (id, rule_id, version, params, weight, photo_required, shifts, titles, created_at)"
    " VALUES (1, 1, 1, '{}', 2, :yes, '[\"opening\"]', '{\"en\": \"Window clean\"}', '2026-01-01 00:00:00')",
    "INSERT INTO shops (id, code, name, area_id, timezone, opens_at, closes_at, language, opened_on)"
    " VALUES (1, 'ZZ001', '郑州二七店', 1, 'Asia/Shanghai', '10:00:00', '22:00:00', 'zh-Hans', '2026-01-01')",
    "INSERT INTO users (id, username, name, password_hash, role, shop_id, area_id, language, active)"
    " VALUES (1, 'staff1', 'Staff One', 'x', 'staff', 1, NULL, NULL, :yes)",
    "INSERT INTO api_tokens (id, user_id, token_hash, created_at, expires_at, revoked_at)"
    " VALUES (1, 1, 'abc', '2026-11-01 00:00:00', '2026-12-01 00:00:00', NULL)",
    "INSERT INTO sign_in_failures (id, username, address, at) VALUES (1, 'staff1', '127.0.0.1', '2026-11-24 01:00:00')",
    "INSERT INTO submissions (id, shop_id, user_id, shift, business_date, status, completed_at, received_at, due_at,"
    " late, score) VALUES (1, 1, 1, 'opening', '2026-11-24', 'submitted', '2026-11-24 02:30:00',"
    " '2026-11-24 02:31:00', '2026-11-24 03:00:00', :no, 100.0)",
    "INSERT INTO idempotency_records (id, user_id, key, request_hash, submission_id, created_at)"
    " VALUES (1, 1, '6f1c1f4e-0000-4000-8000-000000000001', 'h', 1, '2026-11-24 02:31:00')",
    "INSERT INTO item_results (id, submission_id, rule_version_id, position, key, kind, area, params, weight,"
    " photo_required, answer, credit, credit_numerator, credit_denominator, passed, problems, marks_change)"
    " VALUES (1, 1, 1, 0, 'window_clean', 'yes_no', 'window', '{}', 2, :yes, '{\"ok\": true}', 1.0, 1, 1, :yes,"
    " '[]', :no)",
    "INSERT INTO photos (id, submission_id, area, field_name, sha256, source_format, width, height, display_path,"
    " thumb_path, captured_at, uploaded_at, duplicate_of_id) VALUES (1, 1, 'window', 'photo.window', 'f00',"
    " 'JPEG', 1600, 1200, 'shop-1/2026-11/a.jpg', 'shop-1/2026-11/a.thumb.jpg', NULL, '2026-11-24 02:31:00', NULL)",
]


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a database with no tables at all (not even alembic_version)."""
    url = os.environ.get("MERCH_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        _drop_everything()
        yield app
        db.session.remove()
        _drop_everything()
        db.engine.dispose()


def _drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def advance_sequences(connection: Any) -> None:
    """After rows with explicit ids, move PostgreSQL's id sequences past them, as a restore does."""
    if connection.dialect.name != "postgresql":
        return
    for table in inspect(connection).get_table_names():
        if table == "alembic_version":
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            )  # noqa: S608
        )


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in inspect(connection).get_table_names()
            if table != "alembic_version"
        }


def _schema_differences() -> list[Any]:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_upgrade_builds_exactly_what_the_models_describe(empty_app):
    flask_migrate.upgrade()

    assert _schema_differences() == []


def test_db_check_finds_no_difference_between_models_and_migrations(empty_app):
    flask_migrate.upgrade()

    result = empty_app.test_cli_runner().invoke(args=["db", "check"])

    assert result.exit_code == 0, result.output


def test_upgrade_from_the_baseline_keeps_every_row(empty_app):
    flask_migrate.upgrade(revision=BASELINE_REVISION)
    with db.engine.begin() as connection:
        for statement in BASELINE_ROWS:
            connection.execute(text(statement), {"yes": True, "no": False})
        advance_sequences(connection)
    before = _row_counts()
    assert all(before[table] >= 1 for table in before), before

    flask_migrate.upgrade()

    after = _row_counts()
    # The rulebook only grows (revision i11a_guide adds the guide's rules and versions).
    grown = {"rules", "rule_versions"}
    assert {table: after[table] for table in before if table not in grown} == {
        table: count for table, count in before.items() if table not in grown
    }
    assert all(after[table] >= before[table] for table in grown)
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM shops WHERE code = 'ZZ001'")).scalar_one() == "郑州二七店"
        assert connection.execute(text("SELECT score FROM submissions WHERE id = 1")).scalar_one() == 100


def test_a_database_made_before_migrations_is_stamped_then_upgraded(empty_app):
    # The core loop's databases came from create_all at the baseline schema.
    flask_migrate.upgrade(revision=BASELINE_REVISION)
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
        connection.execute(text(BASELINE_ROWS[0]))

    upgrade_schema()

    heads = ScriptDirectory.from_config(empty_app.extensions["migrate"].migrate.get_config()).get_heads()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_heads() == tuple(heads)
        assert connection.execute(text("SELECT count(*) FROM areas")).scalar_one() == 1


def test_the_migrations_form_one_line_of_history(empty_app):
    # Two revisions written in parallel with the same parent make two heads, and
    # `flask db upgrade` refuses to choose: re-point the later one's down_revision.
    script = ScriptDirectory.from_config(empty_app.extensions["migrate"].migrate.get_config())

    assert len(script.get_heads()) == 1, script.get_heads()


def test_shops_closed_before_closing_dates_were_kept_get_the_date_of_their_deactivation(empty_app):
    flask_migrate.upgrade(revision="s2_8_shop_day_totals")
    shop = (
        "INSERT INTO shops (id, code, name, area_id, timezone, opens_at, closes_at, language, opened_on, active)"
        " VALUES (:id, :code, 'Shop', 1, 'Asia/Shanghai', '10:00:00', '22:00:00', 'zh-Hans', '2026-01-01', :active)"
    )
    with db.engine.begin() as connection:
        connection.execute(text(BASELINE_ROWS[0]))
        connection.execute(text(shop), {"id": 1, "code": "ZZ001", "active": False})
        connection.execute(text(shop), {"id": 2, "code": "ZZ002", "active": False})
        connection.execute(text(shop), {"id": 3, "code": "ZZ003", "active": True})
        # 17:00 UTC on the 9th is 01:00 on the 10th in Shanghai: the shop's date is the 10th.
        connection.execute(
            text(
                "INSERT INTO audit_entries (id, at, actor_id, actor_name, action, target_type, target, before, after)"
                " VALUES (1, :at, NULL, 'boss', 'shop.deactivate', 'shop', 'ZZ001', NULL, NULL)"
            ),
            {"at": "2026-11-09 17:00:00"},
        )

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT code, closed_on FROM shops ORDER BY code")).all())
    assert {code: str(day) if day else None for code, day in rows.items()} == {
        "ZZ001": "2026-11-10",
        "ZZ002": None,
        "ZZ003": None,
    }
