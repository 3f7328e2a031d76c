"""``seed-history``: many shops with a long, realistic and repeatable past (api.md, "History").

Every random choice comes from a generator seeded by ``--seed`` and the shop's code, so a
shop's history does not depend on how many other shops are seeded. Items are scored by the
real scoring functions (from a small pool of answers per rule, scored once per variant;
the window rule is scored day by day against the shop's own change history), so a
submission's score is exactly what the app would have computed. Rows go in with Core
``insert()`` executemany, one batch of shops at a time.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import func, insert, select, text

from merch import passwords
from merch.checklists import ShopHours, business_date_of, due_at
from merch.extensions import db
from merch.models import REVIEWED, SENT_BACK, SUBMITTED, Area, ItemResult, Photo, RuleVersion, Shop, Submission, User
from merch.models.summary import rebuild_day_totals
from merch.photos import process_photo
from merch.rulebook import CLOSING, OPENING, SHIFTS
from merch.scoring import ScoringContext, score_item, submission_score
from merch.services.setup import install_guide_rules
from merch.storage import PhotoStorage

SHOPS_PER_AREA = 20
POOL_SIZE = 6
MISSED_RATE = 0.05
LATE_RATE = 0.10
SENT_BACK_RATE = 0.01
REVIEWED_RATE = 0.15
BATCH_SHOPS = 20


@dataclass(frozen=True)
class Variant:
    """One answer to a rule and what scoring made of it."""

    answer: dict[str, Any]
    credit: Fraction
    passed: bool
    problems: list[dict[str, Any]]


@dataclass(frozen=True)
class RulePlan:
    version_id: int
    key: str
    kind: str
    area: str
    params: dict[str, Any]
    weight: int
    photo_required: bool
    passes: list[Variant]
    fails: list[Variant]


@dataclass(frozen=True)
class SeedResult:
    shops: int
    submissions: int
    items: int
    photos: int


def _answers_for(kind: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plausible answers of a kind meant to pass, and ones meant to fail (scoring decides)."""
    if kind == "stack_count":
        return (
            [{"stacks": [{"thickness": "thin", "count": 5}, {"thickness": "thick", "count": 3}]}],
            [
                {"stacks": [{"thickness": "thin", "count": 7}, {"thickness": "thick", "count": 3}]},
                {"stacks": [{"thickness": "thin", "count": 8}, {"thickness": "thick", "count": 6}]},
            ],
        )
    if kind == "count_range":
        return ([{"counts": [3, 2, 4]}], [{"counts": [1, 3, 4]}, {"counts": [6, 1, 3]}])
    if kind == "size_order":
        return (
            [{"sizes": ["XL", "L", "M", "S"]}, {"sizes": ["S", "M", "L", "XL"]}],
            [{"sizes": ["L", "XL", "M", "S"]}, {"sizes": ["M", "S", "L", "XL"]}],
        )
    if kind == "colour_order":
        return (
            [{"colours": ["#F5F0E6", "#C8A27A", "#3B2F2F"]}, {"colours": ["#3B2F2F", "#C8A27A", "#F5F0E6"]}],
            [{"colours": ["#C8A27A", "#F5F0E6", "#3B2F2F"]}, {"colours": ["#3B2F2F", "#F5F0E6", "#8A6E52"]}],
        )
    if kind == "yes_no":
        return ([{"ok": True}], [{"ok": False}])
    return ([], [])


def _variant(version: RuleVersion, answer: dict[str, Any], context: ScoringContext) -> Variant:
    outcome = score_item(
        version.rule.kind,
        version.params,
        answer,
        photo_required=version.photo_required,
        has_photo=True,
        context=context,
    )
    return Variant(answer, outcome.credit, outcome.passed, [problem.to_json() for problem in outcome.problems])


def rule_plans(shift: str) -> list[RulePlan]:
    """The current rules of a shift with their scored answer pools."""
    from merch.services.checklists import rule_versions_for

    context = ScoringContext(business_date=date(2000, 1, 1))
    plans = []
    for version in rule_versions_for(shift):
        passes, fails = _answers_for(version.rule.kind)
        variants = [_variant(version, answer, context) for answer in passes + fails]
        plans.append(
            RulePlan(
                version_id=version.id,
                key=version.rule.key,
                kind=version.rule.kind,
                area=version.rule.area,
                params=dict(version.params),
                weight=version.weight,
                photo_required=version.photo_required,
                passes=[v for v in variants if v.passed] or variants,
                fails=[v for v in variants if not v.passed] or variants,
            )
        )
    return plans


def _pool_image(index: int) -> bytes:
    """A small, distinct picture standing for a display photo."""
    rng = random.Random(index)
    image = Image.new("RGB", (800, 600), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x, y = rng.randrange(760), rng.randrange(560)
        draw.rectangle(
            (x, y, x + rng.randrange(40, 240), y + rng.randrange(40, 200)),
            fill=tuple(rng.randrange(256) for _ in range(3)),
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@dataclass(frozen=True)
class PoolPhoto:
    sha256: str
    width: int
    height: int
    display_path: str
    thumb_path: str


def photo_pool(storage: PhotoStorage) -> list[PoolPhoto]:
    """A few really processed photos, written once, that history rows share."""
    pool = []
    for index in range(POOL_SIZE):
        result = process_photo(_pool_image(index))
        display_key = f"history-pool/pool-{index}.jpg"
        thumb_key = f"history-pool/pool-{index}.thumb.jpg"
        display = storage.get(display_key)
        if display is None:
            storage.put(display_key, result.display_jpeg)
            storage.put(thumb_key, result.thumb_jpeg)
            display = result.display_jpeg
        pool.append(
            PoolPhoto(
                sha256=hashlib.sha256(display).hexdigest(),
                width=result.width,
                height=result.height,
                display_path=display_key,
                thumb_path=thumb_key,
            )
        )
    return pool


def shop_code(number: int) -> str:
    return f"H{number:04d}"


def area_code(number: int) -> str:
    return f"H-{number:02d}"


def _is_taipei(number: int) -> bool:
    return number % 10 == 0


def seed_history(
    shops: int,
    days: int,
    seed: int,
    now: datetime,
    password: str,
    storage: PhotoStorage,
    progress: Callable[[str], None] = lambda message: None,
) -> SeedResult:
    """Add ``shops`` history shops with ``days`` days of checklists ending yesterday.

    Shops that already exist are left alone with their history, so a rerun adds nothing.
    Commits after each batch of shops.
    """
    install_guide_rules(now)
    plans = {shift: rule_plans(shift) for shift in SHIFTS}
    pool = photo_pool(storage)
    password_hash = passwords.hash_password(password)
    existing = set(db.session.scalars(select(Shop.code).where(Shop.code.like("H%"))))
    numbers = [n for n in range(1, shops + 1) if shop_code(n) not in existing]
    totals = [0, 0, 0]
    wire = _Wire()
    for start in range(0, len(numbers), BATCH_SHOPS):
        batch = numbers[start : start + BATCH_SHOPS]
        shop_rows = _ensure_shops(batch, days, now, password_hash)
        counts = _insert_history(shop_rows, days, seed, now, plans, pool, wire)
        db.session.commit()
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        progress(f"{start + len(batch)}/{len(numbers)} shops")
    if numbers:
        _settle_after_bulk_load()
    return SeedResult(len(numbers), *totals)


def _settle_after_bulk_load() -> None:
    """Fresh statistics, so the planner picks the period indexes for the new volume.

    On PostgreSQL also VACUUM: a bulk-loaded table has no visibility map yet, so an
    index-only scan (the rankings' summary, the export's items) visits every heap page
    until autovacuum gets round to it, which made a freshly seeded database read 2-3x
    slower than the same database a few minutes later. VACUUM cannot run inside a
    transaction, hence the autocommit connection.
    """
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _ensure_shops(numbers: list[int], days: int, now: datetime, password_hash: str) -> list[Shop]:
    areas: dict[str, Area] = {}
    for number in numbers:
        code = area_code(math.ceil(number / SHOPS_PER_AREA))
        if code not in areas:
            area = db.session.scalar(select(Area).where(Area.code == code))
            if area is None:
                area = Area(code=code, name=f"歷史{code[2:]}區")
                db.session.add(area)
                db.session.flush()
                supervisor = f"hsup{code[2:]}"
                if db.session.scalar(select(User.id).where(User.username == supervisor)) is None:
                    db.session.add(
                        User(
                            username=supervisor,
                            name=f"督導{code[2:]}",
                            password_hash=password_hash,
                            role="supervisor",
                            area_id=area.id,
                        )
                    )
            areas[code] = area
    created = []
    for number in numbers:
        taipei = _is_taipei(number)
        timezone = "Asia/Taipei" if taipei else "Asia/Shanghai"
        shop = Shop(
            code=shop_code(number),
            name=(f"歷史示範店{number:04d}" if taipei else f"历史示范店{number:04d}"),
            area=areas[area_code(math.ceil(number / SHOPS_PER_AREA))],
            timezone=timezone,
            opens_at=time(10, 0),
            closes_at=time(22, 0),
            language="zh-Hant" if taipei else "zh-Hans",
            opened_on=business_date_of(now, timezone) - timedelta(days=days),
        )
        db.session.add(shop)
        created.append(shop)
    db.session.flush()
    usernames = {f"hstaff{n:04d}" for n in numbers}
    taken = set(db.session.scalars(select(User.username).where(User.username.in_(usernames))))
    users = [
        {
            "username": f"hstaff{shop.code[1:]}",
            "name": f"导购{shop.code[1:]}",
            "password_hash": password_hash,
            "role": "staff",
            "shop_id": shop.id,
            "active": True,
        }
        for shop in created
        if f"hstaff{shop.code[1:]}" not in taken
    ]
    if users:
        db.session.execute(insert(User), users)
    return created


_SUBMISSION_COLUMNS = (
    "id",
    "shop_id",
    "user_id",
    "shift",
    "business_date",
    "status",
    "completed_at",
    "received_at",
    "due_at",
    "late",
    "score",
    "original_score",
)
_ITEM_COLUMNS = (
    "submission_id",
    "rule_version_id",
    "position",
    "key",
    "kind",
    "area",
    "params",
    "weight",
    "photo_required",
    "answer",
    "credit",
    "credit_numerator",
    "credit_denominator",
    "passed",
    "problems",
    "marks_change",
)
_PHOTO_COLUMNS = (
    "submission_id",
    "area",
    "field_name",
    "sha256",
    "source_format",
    "width",
    "height",
    "display_path",
    "thumb_path",
    "captured_at",
    "uploaded_at",
    "duplicate_of_id",
)


def _bulk_insert(table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """One executemany per chunk, values already in the driver's types (no per-row ORM work)."""
    marker = "?" if db.engine.dialect.paramstyle == "qmark" else "%s"
    quoted = ", ".join(f'"{column}"' for column in columns)
    # Table and column names are this module's constants, never input; values are bound.
    statement = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(marker for _ in columns)})"  # nosec B608
    connection = db.session.connection()
    for start in range(0, len(rows), 50_000):
        connection.exec_driver_sql(statement, rows[start : start + 50_000])


class _Wire:
    """One run's rows as the database driver takes them (SQLite stores text and floats),
    with what is the same across many rows worked out once."""

    def __init__(self) -> None:
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.tails: dict[tuple[int, int, int, bool], tuple[Any, ...]] = {}
        self.scores: dict[tuple[tuple[int, int, int], ...], Decimal | None] = {}
        self.refresh: dict[tuple[int, bool, int | None], Variant] = {}

    def refresh_variant(self, plan: RulePlan, day: date, changed: bool, last_change: date | None) -> Variant:
        """The window rule scored against the shop's own change record."""
        since = None if last_change is None else (day - last_change).days
        key = (plan.version_id, changed, since)
        if key not in self.refresh:
            answer = {"changed_today": changed}
            outcome = score_item(
                plan.kind,
                plan.params,
                answer,
                photo_required=plan.photo_required,
                has_photo=True,
                context=ScoringContext(business_date=day, last_window_change=last_change),
            )
            self.refresh[key] = Variant(
                answer, outcome.credit, outcome.passed, [problem.to_json() for problem in outcome.problems]
            )
        return self.refresh[key]

    def item_tail(self, plan: RulePlan, position: int, variant: Variant, changed: bool) -> tuple[Any, ...]:
        """An item row after its submission id, JSON already encoded (once per variant)."""
        key = (plan.version_id, position, id(variant), changed)
        tail = self.tails.get(key)
        if tail is None:
            tail = (
                plan.version_id,
                position,
                plan.key,
                plan.kind,
                plan.area,
                json.dumps(plan.params),
                plan.weight,
                plan.photo_required,
                json.dumps(variant.answer),
                float(variant.credit),
                variant.credit.numerator,
                variant.credit.denominator,
                variant.passed,
                json.dumps(variant.problems),
                plan.kind == "refresh" and changed,
            )
            self.tails[key] = tail
        return tail

    def submission_score(self, scored: list[tuple[int, int, int]]) -> Decimal | None:
        """submission_score() of the items, remembered: most checklists repeat a few patterns."""
        key = tuple(scored)
        if key not in self.scores:
            self.scores[key] = submission_score((weight, Fraction(num, den)) for weight, num, den in scored)
        return self.scores[key]

    def moment(self, value: datetime) -> Any:
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else value

    def day(self, value: date) -> Any:
        return value.isoformat() if self.sqlite else value

    def score(self, value: Decimal | None) -> Any:
        if value is None:
            return None
        return float(value) if self.sqlite else value


def _insert_history(
    shops: list[Shop],
    days: int,
    seed: int,
    now: datetime,
    plans: dict[str, list[RulePlan]],
    pool: list[PoolPhoto],
    wire: _Wire,
) -> tuple[int, int, int]:
    if not shops:
        return (0, 0, 0)
    staff = dict(
        db.session.execute(select(User.shop_id, User.id).where(User.shop_id.in_([shop.id for shop in shops])))
        .tuples()
        .all()
    )
    next_id = (db.session.scalar(select(func.max(Submission.id))) or 0) + 1
    submissions: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    photos: list[tuple[Any, ...]] = []
    for shop in shops:
        next_id = _shop_history(
            shop, staff[shop.id], days, seed, now, plans, pool, next_id, wire, (submissions, items, photos)
        )
    _bulk_insert(Submission.__tablename__, _SUBMISSION_COLUMNS, submissions)
    # The rows bypass the ORM (and its listener): the new shops' day sums in one INSERT … SELECT.
    rebuild_day_totals(db.session.connection(), [shop.id for shop in shops])
    _bulk_insert(ItemResult.__tablename__, _ITEM_COLUMNS, items)
    _bulk_insert(Photo.__tablename__, _PHOTO_COLUMNS, photos)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval('submissions_id_seq', (SELECT max(id) FROM submissions))"))
    return (len(submissions), len(items), len(photos))


def _shop_history(
    shop: Shop,
    user_id: int,
    days: int,
    seed: int,
    now: datetime,
    plans: dict[str, list[RulePlan]],
    pool: list[PoolPhoto],
    next_id: int,
    wire: _Wire,
    out: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]],
) -> int:
    submissions, items, photos = out
    rng = random.Random(f"{seed}:{shop.code}")
    hours = ShopHours(shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on)
    # How well the shop keeps the guide, and how hard each rule is for it.
    care = rng.uniform(0.01, 0.22)
    difficulty = {plan.key: rng.uniform(0.3, 2.0) for plan in plans[OPENING] + plans[CLOSING]}
    today = business_date_of(now, shop.timezone)
    first = today - timedelta(days=days)
    last_change: date | None = None
    next_change = first + timedelta(days=rng.randint(0, 2))
    for offset in range(days):
        day = first + timedelta(days=offset)
        changed = day == next_change
        change_recorded = False
        if changed:
            next_change = day + timedelta(days=rng.randint(2, 4))
        for shift in SHIFTS:
            if rng.random() < MISSED_RATE:
                continue
            due = due_at(hours, shift, day)
            sent_back = rng.random() < SENT_BACK_RATE
            attempts = [True, False] if sent_back else [False]
            for first_attempt_sent_back in attempts:
                late = rng.random() < LATE_RATE or (sent_back and not first_attempt_sent_back)
                if late and not first_attempt_sent_back and sent_back:
                    completed = due + timedelta(hours=rng.randint(2, 10))
                elif late:
                    completed = due + timedelta(minutes=rng.randint(5, 80))
                else:
                    completed = due - timedelta(minutes=rng.randint(5, 55))
                status = (
                    SENT_BACK if first_attempt_sent_back else (REVIEWED if rng.random() < REVIEWED_RATE else SUBMITTED)
                )
                scored: list[tuple[int, int, int]] = []
                areas: set[str] = set()
                for position, plan in enumerate(plans[shift]):
                    if plan.kind == "refresh":
                        variant = wire.refresh_variant(plan, day, changed, last_change)
                        change_recorded = change_recorded or (changed and not first_attempt_sent_back)
                    else:
                        failing = rng.random() < care * difficulty[plan.key] * (2 if first_attempt_sent_back else 1)
                        variant = rng.choice(plan.fails if failing else plan.passes)
                    if plan.photo_required:
                        areas.add(plan.area)
                    scored.append((plan.weight, variant.credit.numerator, variant.credit.denominator))
                    items.append((next_id, *wire.item_tail(plan, position, variant, changed)))
                received = completed + timedelta(seconds=rng.randint(1, 90))
                submissions.append(
                    (
                        next_id,
                        shop.id,
                        user_id,
                        shift,
                        wire.day(day),
                        status,
                        wire.moment(completed),
                        wire.moment(received),
                        wire.moment(due),
                        completed > due,
                        wire.score(wire.submission_score(scored)),
                        wire.score(wire.submission_score(scored)),
                    )
                )
                uploaded = wire.moment(received)
                for area in sorted(areas):
                    picture = pool[rng.randrange(len(pool))]
                    photos.append(
                        (
                            next_id,
                            area,
                            f"photo.{area}",
                            picture.sha256,
                            "JPEG",
                            picture.width,
                            picture.height,
                            picture.display_path,
                            picture.thumb_path,
                            None,
                            uploaded,
                            None,
                        )
                    )
                next_id += 1
        if change_recorded:
            last_change = day
    return next_id
