"""Test data: each test arranges what it needs through these."""

from __future__ import annotations

import io
import itertools
import json
import uuid
from datetime import date, time
from typing import Any

from PIL import Image

from merch.extensions import db
from merch.models import Area, Role, Shop, User

PASSWORD = "correct-horse-9"
_sequence = itertools.count(1)


def make_area(code: str | None = None, name: str = "Test area") -> Area:
    area = Area(code=code or f"AR-{next(_sequence)}", name=name)
    db.session.add(area)
    db.session.flush()
    return area


def make_shop(
    code: str | None = None,
    area: Area | None = None,
    timezone: str = "Asia/Shanghai",
    opens_at: time = time(10, 0),
    closes_at: time = time(22, 0),
    opened_on: date = date(2026, 1, 1),
    language: str = "zh-Hans",
    name: str | None = None,
) -> Shop:
    code = code or f"SH{next(_sequence):03d}"
    shop = Shop(
        code=code,
        name=name or f"Shop {code}",
        area=area or make_area(),
        timezone=timezone,
        opens_at=opens_at,
        closes_at=closes_at,
        opened_on=opened_on,
        language=language,
    )
    db.session.add(shop)
    db.session.flush()
    return shop


def make_user(
    role: str = Role.STAFF,
    shop: Shop | None = None,
    area: Area | None = None,
    username: str | None = None,
    language: str | None = None,
    password: str = PASSWORD,
) -> User:
    if role == Role.STAFF and shop is None:
        shop = make_shop()
    if role == Role.SUPERVISOR and area is None:
        area = make_area()
    user = User(
        username=username or f"user{next(_sequence)}",
        name="Test user",
        role=str(role),
        shop=shop if role == Role.STAFF else None,
        area=area if role == Role.SUPERVISOR else None,
        language=language,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def jpeg_bytes(width: int = 64, height: int = 48, colour: tuple[int, int, int] = (200, 120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


_colour_counter = itertools.count(1)


def unique_jpeg() -> bytes:
    """A small JPEG whose bytes differ from every other one made in this run.

    Near colours can quantise to the same JPEG bytes, so the counter also goes into a
    comment segment: the colour varies the picture, the comment makes the bytes unique.
    """
    n = next(_colour_counter)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (n % 256, (n // 256) % 256, 90)).save(
        buffer, "JPEG", quality=85, comment=f"unique {n}".encode()
    )
    return buffer.getvalue()


def passing_answers() -> dict[str, Any]:
    """Opening answers that meet every rule of the guide."""
    return {
        "stack_count": {"stacks": [{"thickness": "thin", "count": 5}, {"thickness": "thick", "count": 3}]},
        "folded_size_order": {"sizes": ["XL", "L", "M", "S"]},
        "folded_colour_order": {"colours": ["#F5F0E6", "#C8A27A", "#3B2F2F"]},
        "folded_grouping": {"ok": True},
        "folded_mannequin": {"ok": True},
        "hang_count": {"counts": [3, 2, 4]},
        "hanging_size_order": {"sizes": ["S", "M", "L"]},
        "hanging_colour_order": {"colours": ["#FFFFFF", "#888888", "#111111"]},
        "same_hanger": {"ok": True},
        "hanging_tidy": {"ok": True},
        "window_refresh": {"changed_today": True},
        "window_clean": {"ok": True},
        "window_promo": {"ok": True},
        "window_seasonal": {"ok": True},
        "focal_point": {"ok": True},
        "featured_style": {"ok": True},
    }


CLOSING_KEYS = ("stack_count", "hang_count", "hanging_tidy", "window_clean", "window_promo")


def passing_closing_answers() -> dict[str, Any]:
    answers = passing_answers()
    return {key: answers[key] for key in CLOSING_KEYS}


def all_area_photos() -> dict[str, bytes]:
    return {f"photo.{area}": unique_jpeg() for area in ("folded", "hanging", "window")}


def submission_form(
    answers: dict[str, Any] | None = None,
    shift: str = "opening",
    photos: dict[str, bytes | list[bytes]] | None = None,
    **payload_extra: Any,
) -> dict[str, Any]:
    """A multipart body for POST /api/v1/submissions as the test client takes it."""
    payload = {"shift": shift, "answers": passing_answers() if answers is None else answers, **payload_extra}
    data: dict[str, Any] = {"payload": json.dumps(payload)}
    for field, content in (all_area_photos() if photos is None else photos).items():
        items = content if isinstance(content, list) else [content]
        data[field] = [(io.BytesIO(item), f"{field}.jpg") for item in items]
    return data


def new_key() -> str:
    return str(uuid.uuid4())


def make_submission(
    shop: Shop,
    day: Any,
    shift: str = "opening",
    score: str | None = "100.0",
    late: bool = False,
    status: str = "submitted",
    failed: tuple[str, ...] = (),
    user: User | None = None,
) -> Any:
    """A stored submission with one item per ``failed`` key (failed) plus one passed item.

    For reading features (rankings, trends, export) that need history, not the submit path.
    """
    from datetime import timedelta
    from decimal import Decimal

    from merch.checklists import ShopHours, due_at
    from merch.models import ItemResult, RuleVersion, Submission
    from merch.scoring import Problem

    hours = ShopHours(shop.timezone, shop.opens_at, shop.closes_at, shop.opened_on)
    due = due_at(hours, shift, day)
    completed = due + timedelta(minutes=20) if late else due - timedelta(minutes=20)
    author = user or db.session.scalar(db.select(User).where(User.shop_id == shop.id).limit(1))
    if author is None:
        author = make_user("staff", shop=shop)
    submission = Submission(
        shop_id=shop.id,
        user_id=author.id,
        shift=shift,
        business_date=day,
        status=status,
        completed_at=completed,
        received_at=completed,
        due_at=due,
        late=late,
        score=None if score is None else Decimal(score),
    )
    versions = {version.rule.key: version for version in db.session.scalars(db.select(RuleVersion))}
    keys = [*failed, "window_clean"] if "window_clean" not in failed else list(failed)
    for position, key in enumerate(keys):
        version = versions[key]
        passed = key not in failed
        submission.items.append(
            ItemResult(
                rule_version_id=version.id,
                position=position,
                key=key,
                kind=version.rule.kind,
                area=version.rule.area,
                params=dict(version.params),
                weight=version.weight,
                photo_required=version.photo_required,
                answer={"ok": passed} if version.rule.kind == "yes_no" else None,
                credit=1.0 if passed else 0.0,
                credit_numerator=1 if passed else 0,
                credit_denominator=1,
                passed=passed,
                problems=[] if passed else [Problem("not_answered", {}).to_json()],
            )
        )
    db.session.add(submission)
    db.session.flush()
    return submission
