"""Revision i11a_guide: a database with the first rulebook gets the guide in full as new versions."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import text

from merch import create_app
from merch.extensions import db
from merch.rulebook import GUIDE_RULES
from merch.services.setup import install_guide_rules
from tests.test_migrations import advance_sequences

# The first rulebook's rows as the core loop stored them (14 rules; three shown here, with an
# admin's own rule after them), plus a submission scored with them.
FIRST_RULES = [
    ("stack_count", "folded", "stack_count", {"thin": [4, 6], "thick": [3, 4]}, 2, True, ["opening", "closing"]),
    (
        "folded_colour_order",
        "folded",
        "colour_order",
        {"direction": "light_to_dark", "tolerance": 7},
        1,
        True,
        ["opening"],
    ),
    ("window_clean", "window", "yes_no", {}, 2, True, ["opening", "closing"]),
    ("own_check", "window", "yes_no", {}, 1, False, ["opening"]),
]
WINDOW_CLEAN_FIRST_TITLE = {"en": "Window clothes are clean and tidy, and the promotion boards stand right"}


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    url = os.environ.get("MERCH_TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'rulebook.sqlite'}"
    clock = lambda: datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # noqa: E731
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": url, "CLOCK": clock})
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


def _store_first_rulebook() -> None:
    with db.engine.begin() as connection:
        for position, (key, area, kind, params, weight, photo, shifts) in enumerate(FIRST_RULES):
            connection.execute(
                text(
                    "INSERT INTO rules (id, key, area, kind, position, active) VALUES (:id, :key, :area, :kind, :p, :y)"
                ),
                {"id": position + 1, "key": key, "area": area, "kind": kind, "p": position, "y": True},
            )
            titles = WINDOW_CLEAN_FIRST_TITLE if key == "window_clean" else {"en": key}
            connection.execute(
                text(
                    "INSERT INTO rule_versions (id, rule_id, version, params, weight, photo_required, shifts, titles,"
                    " created_at) VALUES (:id, :id, 1, :params, :weight, :photo, :shifts, :titles, '2026-01-01')"
                ),
                {
                    "id": position + 1,
                    "params": json.dumps(params),
                    "weight": weight,
                    "photo": photo,
                    "shifts": json.dumps(shifts),
                    "titles": json.dumps(titles),
                },
            )
        connection.execute(text("INSERT INTO areas (id, code, name) VALUES (1, 'HN-ZZ', 'Z')"))
        connection.execute(
            text(
                "INSERT INTO shops (id, code, name, area_id, timezone, opens_at, closes_at, language, opened_on)"
                " VALUES (1, 'ZZ001', 'S', 1, 'Asia/Shanghai', '10:00:00', '22:00:00', 'zh-Hans', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO users (id, username, name, password_hash, role, shop_id, active)"
                " VALUES (1, 'staff1', 'S', 'x', 'staff', 1, :y)"
            ),
            {"y": True},
        )
        connection.execute(
            text(
                "INSERT INTO submissions (id, shop_id, user_id, shift, business_date, status, completed_at,"
                " received_at, due_at, late, score) VALUES (1, 1, 1, 'opening', '2026-11-24', 'submitted',"
                " '2026-11-24 02:30:00', '2026-11-24 02:31:00', '2026-11-24 03:00:00', :n, 50.0)"
            ),
            {"n": False},
        )
        connection.execute(
            text(
                "INSERT INTO item_results (id, submission_id, rule_version_id, position, key, kind, area, params,"
                " weight, photo_required, answer, credit, credit_numerator, credit_denominator, passed, problems,"
                " marks_change) VALUES (1, 1, 3, 0, 'window_clean', 'yes_no', 'window', '{}', 2, :y,"
                ' \'{"ok": false}\', 0.0, 0, 1, :n, \'[{"code": "answered_no", "params": {}}]\', :n)'
            ),
            {"y": True, "n": False},
        )
        advance_sequences(connection)


def _versions() -> dict[str, list[dict]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT r.key, r.position, v.version, v.params, v.shifts, v.titles, v.allow_na, v.weight,"
                " v.photo_required FROM rules r JOIN rule_versions v ON v.rule_id = r.id ORDER BY r.key, v.version"
            )
        ).mappings()
        found: dict[str, list[dict]] = {}
        for row in rows:
            entry = dict(row)
            for name in ("params", "shifts", "titles"):
                if isinstance(entry[name], str):
                    entry[name] = json.loads(entry[name])
            found.setdefault(entry["key"], []).append(entry)
        return found


def test_an_old_rulebook_gets_the_guide_in_full_as_new_versions(empty_app):
    flask_migrate.upgrade(revision="i11a_rules")
    _store_first_rulebook()

    flask_migrate.upgrade()

    versions = _versions()
    assert set(versions) == {rule.key for rule in GUIDE_RULES} | {"own_check"}
    positions = {key: rows[-1]["position"] for key, rows in versions.items()}
    assert sorted(positions, key=positions.get) == [rule.key for rule in GUIDE_RULES] + ["own_check"]
    stack = versions["stack_count"]
    assert [row["version"] for row in stack] == [1, 2]
    assert stack[1]["shifts"] == ["opening", "closing", "visit"]
    assert stack[1]["params"] == {"thin": [4, 6], "thick": [3, 4]}
    colour = versions["folded_colour_order"][-1]
    # The shop's own tolerance stays; the new switch arrives off.
    assert colour["params"] == {"direction": "light_to_dark", "tolerance": 7, "warm_to_cold": False}
    clean = versions["window_clean"]
    assert clean[0]["titles"] == WINDOW_CLEAN_FIRST_TITLE
    assert clean[1]["titles"]["en"] == "Window clothes are clean and tidy"
    assert [row["version"] for row in versions["window_promo"]] == [1]
    assert versions["storefront"][0]["shifts"] == ["visit"]
    assert bool(versions["featured_style"][0]["allow_na"]) is True
    assert bool(versions["featured_style"][0]["photo_required"]) is False
    assert [row["version"] for row in versions["own_check"]] == [1]


def test_stored_submissions_keep_their_score_and_their_rule_version(empty_app):
    flask_migrate.upgrade(revision="i11a_rules")
    _store_first_rulebook()

    flask_migrate.upgrade()

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT score FROM submissions WHERE id = 1")).scalar_one() == 50
        item = connection.execute(text("SELECT rule_version_id, not_applicable FROM item_results")).one()
        assert item.rule_version_id == 3 and not item.not_applicable


def test_init_db_after_the_upgrade_adds_nothing_and_a_new_database_gets_all_eighteen(empty_app):
    flask_migrate.upgrade(revision="i11a_rules")
    _store_first_rulebook()
    flask_migrate.upgrade()

    assert install_guide_rules(datetime(2026, 12, 1, tzinfo=UTC)) == 0


def test_an_empty_rulebook_is_left_for_init_db(empty_app):
    flask_migrate.upgrade()

    assert _versions() == {}
    assert install_guide_rules(datetime(2026, 12, 1, tzinfo=UTC)) == 18
    db.session.commit()
    versions = _versions()
    assert all(len(rows) == 1 for rows in versions.values())
    assert bool(versions["folded_mannequin"][0]["allow_na"]) is True
