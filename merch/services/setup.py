"""Creating the schema, the guide's rulebook, demo data and users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select

from merch.checklists import business_date_of
from merch.extensions import db
from merch.models import Area, Role, Rule, RuleVersion, Shop, User
from merch.rulebook import GUIDE_RULES


def install_guide_rules(now: datetime) -> int:
    """Add the guide's rules that are not in the rulebook yet; returns how many were added.

    Rules already present are left alone: an admin's later versions must survive a rerun.
    """
    existing = set(db.session.scalars(select(Rule.key)))
    added = 0
    for position, seed in enumerate(GUIDE_RULES):
        if seed.key in existing:
            continue
        rule = Rule(key=seed.key, area=seed.area, kind=seed.kind, position=position)
        rule.versions.append(
            RuleVersion(
                version=1,
                params=dict(seed.params),
                weight=seed.weight,
                photo_required=seed.photo_required,
                shifts=list(seed.shifts),
                titles=dict(seed.titles),
                allow_na=seed.allow_na,
                created_at=now,
            )
        )
        db.session.add(rule)
        added += 1
    db.session.flush()
    return added


@dataclass(frozen=True)
class DemoShop:
    code: str
    name: str
    area: str
    opens_at: time = time(10, 0)
    closes_at: time = time(22, 0)


DEMO_AREAS = {"HN-ZZ": "鄭州區", "HN-LY": "洛陽區"}
# api.md's three shops, plus one whose opening window spans the whole day (it opens at
# 01:00, so its window opens at 00:00 and stays open to midnight): whoever tries the demo,
# at whatever hour, has a checklist to fill in at once.
ANY_HOUR_SHOP = "ZZ900"
DEMO_SHOPS = (
    DemoShop("ZZ001", "郑州二七店", "HN-ZZ"),
    DemoShop("ZZ002", "郑州花园路店", "HN-ZZ"),
    DemoShop("LY001", "洛阳王城店", "HN-LY"),
    DemoShop(ANY_HOUR_SHOP, "郑州演示店（全天可填）", "HN-ZZ", opens_at=time(1, 0), closes_at=time(23, 0)),
)
DEMO_TIMEZONE = "Asia/Shanghai"


def seed_demo(now: datetime, password: str) -> list[str]:
    """api.md's demo data; idempotent, and existing users keep their passwords.

    Returns the usernames it created.
    """
    install_guide_rules(now)
    areas: dict[str, Area] = {}
    for code, name in DEMO_AREAS.items():
        area = db.session.scalar(select(Area).where(Area.code == code))
        if area is None:
            area = Area(code=code, name=name)
            db.session.add(area)
        areas[code] = area
    opened_on = business_date_of(now, DEMO_TIMEZONE) - timedelta(days=30)
    shops: dict[str, Shop] = {}
    for demo in DEMO_SHOPS:
        shop = db.session.scalar(select(Shop).where(Shop.code == demo.code))
        if shop is None:
            shop = Shop(
                code=demo.code,
                name=demo.name,
                area=areas[demo.area],
                timezone=DEMO_TIMEZONE,
                opens_at=demo.opens_at,
                closes_at=demo.closes_at,
                language="zh-Hans",
                opened_on=opened_on,
            )
            db.session.add(shop)
        shops[demo.code] = shop
    db.session.flush()
    people = [
        ("admin", "系统管理员", Role.ADMIN, None, None),
        ("super1", "王督导", Role.SUPERVISOR, None, areas["HN-ZZ"]),
        ("staff1", "李导购", Role.STAFF, shops["ZZ001"], None),
        ("staff2", "张导购", Role.STAFF, shops["LY001"], None),
        ("demo", "演示导购", Role.STAFF, shops[ANY_HOUR_SHOP], None),
    ]
    created = []
    for username, name, role, shop, area in people:
        if db.session.scalar(select(User).where(User.username == username)) is not None:
            continue
        create_user(username, name, role, password, shop=shop, area=area)
        created.append(username)
    db.session.flush()
    return created


class UserSetupError(ValueError):
    """A create-user request that cannot be met (message says why)."""


def create_user(
    username: str,
    name: str,
    role: str,
    password: str,
    *,
    shop: Shop | None = None,
    area: Area | None = None,
    language: str | None = None,
) -> User:
    """Add a user with a hashed password; staff need a shop, supervisors an area."""
    if role not in tuple(Role):
        raise UserSetupError(f"unknown role {role!r}: use staff, supervisor or admin")
    if role == Role.STAFF and shop is None:
        raise UserSetupError("staff need a shop (--shop CODE)")
    if role == Role.SUPERVISOR and area is None:
        raise UserSetupError("supervisors need an area (--area CODE)")
    if len(password) < 8:
        raise UserSetupError("the password needs at least 8 characters")
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise UserSetupError(f"user {username!r} already exists")
    user = User(
        username=username,
        name=name,
        role=str(role),
        shop=shop if role == Role.STAFF else None,
        area=area if role == Role.SUPERVISOR else None,
        language=language,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user
