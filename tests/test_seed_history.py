"""flask --app merch seed-history: shops, people and a scored past, repeatable and idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from sqlalchemy import func, select, text

from merch.extensions import db
from merch.models import SENT_BACK, Area, ItemResult, Photo, Shop, Submission, User
from merch.scoring import submission_score
from merch.storage import storage_for

TODAY = date(2026, 11, 24)


def seed(runner, shops: int = 11, days: int = 6, extra: tuple[str, ...] = ()) -> str:
    result = runner.invoke(args=["seed-history", "--shops", str(shops), "--days", str(days), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def scores_by_checklist() -> list[tuple[str, date, str, str, object]]:
    rows = db.session.execute(
        select(Shop.code, Submission.business_date, Submission.shift, Submission.status, Submission.score)
        .join(Shop)
        .order_by(Shop.code, Submission.business_date, Submission.shift, Submission.id)
    )
    return [tuple(row) for row in rows]


def test_seed_history_adds_shops_areas_and_people_as_the_contract_names_them(app, runner):
    seed(runner, shops=21, days=3)

    shops = {shop.code: shop for shop in db.session.scalars(select(Shop))}
    assert sorted(shops) == [f"H{n:04d}" for n in range(1, 22)]
    assert shops["H0001"].area.code == "H-01" and shops["H0021"].area.code == "H-02"
    assert (shops["H0010"].timezone, shops["H0010"].language) == ("Asia/Taipei", "zh-Hant")
    assert (shops["H0011"].timezone, shops["H0011"].language) == ("Asia/Shanghai", "zh-Hans")
    assert shops["H0001"].opened_on == TODAY - timedelta(days=3)
    assert str(shops["H0001"].opens_at) == "10:00:00" and str(shops["H0001"].closes_at) == "22:00:00"
    assert {area.code for area in db.session.scalars(select(Area))} == {"H-01", "H-02"}
    users = {user.username: user for user in db.session.scalars(select(User))}
    assert users["hsup01"].role == "supervisor" and users["hsup01"].area.code == "H-01"
    assert users["hstaff0021"].shop.code == "H0021"
    assert users["hstaff0001"].check_password(app.config["DEMO_PASSWORD"])


def test_history_ends_yesterday_and_scores_are_what_the_items_add_up_to(app, runner):
    seed(runner, shops=10, days=30)

    dates = db.session.execute(select(func.min(Submission.business_date), func.max(Submission.business_date))).one()
    assert dates == (TODAY - timedelta(days=30), TODAY - timedelta(days=1))
    for submission in db.session.scalars(select(Submission).limit(200)):
        expected = submission_score(
            (item.weight, Fraction(item.credit_numerator, item.credit_denominator)) for item in submission.items
        )
        assert submission.score == expected
        assert submission.late == (submission.completed_at > submission.due_at)
    total = db.session.scalar(select(func.count(Submission.id)).where(Submission.status != SENT_BACK))
    assert 0.85 * 600 < total < 0.99 * 600  # about 5 % missed
    failed = db.session.scalar(select(func.count(ItemResult.id)).where(ItemResult.passed.is_(False)))
    assert failed > 0


def test_photos_come_from_a_small_pool_of_real_files(app, runner):
    seed(runner, shops=2, days=3)

    paths = set(db.session.scalars(select(Photo.display_path)))
    assert 1 < len(paths) <= 6
    for path in paths:
        assert storage_for(app).get(path)[:2] == b"\xff\xd8"


def test_sent_back_checklists_are_resubmitted(app, runner):
    seed(runner, shops=20, days=20)

    sent_back = db.session.execute(
        select(Submission.shop_id, Submission.shift, Submission.business_date).where(Submission.status == SENT_BACK)
    ).all()
    assert sent_back
    for shop_id, shift, day in sent_back:
        again = db.session.scalar(
            select(Submission).where(
                Submission.shop_id == shop_id,
                Submission.shift == shift,
                Submission.business_date == day,
                Submission.status != SENT_BACK,
            )
        )
        assert again is not None and again.late


def test_the_same_seed_gives_the_same_history_and_a_rerun_adds_nothing(app, runner):
    seed(runner, shops=3, days=5, extra=("--seed", "7"))
    first = scores_by_checklist()

    output = seed(runner, shops=3, days=5, extra=("--seed", "7"))

    assert "Added 0 shops" in output
    assert scores_by_checklist() == first
    db.session.execute(db.delete(Photo))
    db.session.execute(db.delete(ItemResult))
    db.session.execute(db.delete(Submission))
    db.session.execute(db.delete(User).where(User.username.like("h%")))
    db.session.execute(db.delete(Shop))
    db.session.commit()
    seed(runner, shops=3, days=5, extra=("--seed", "7"))
    assert scores_by_checklist() == first
    seed(runner, shops=4, days=5, extra=("--seed", "7"))
    assert [row for row in scores_by_checklist() if row[0] != "H0004"] == first


def test_seeded_history_on_postgresql_is_vacuumed_so_index_only_scans_skip_the_heap(app, runner):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("VACUUM and the visibility map are PostgreSQL's")
    seed(runner, shops=3, days=4)

    pages, all_visible = db.session.execute(
        text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'shop_day_totals'")
    ).one()
    assert pages > 0 and all_visible == pages
