"""Bulk import of shops or users from a CSV file (api.md, "History and bulk data").

All or nothing: every row is checked (``merch.directory`` for the row itself, here for what
the database says), every bad row reported; only a file without one is written, in one
transaction with its audit entries. An existing code or username is updated, not
duplicated; areas named in the file are created.

Three phases, so no write lock is held while 1,500 passwords are hashed: checks in a
reading transaction, hashing outside any transaction, then one short writing
transaction (``merch.database.writing``) that re-reads what it changes and commits.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from merch import passwords
from merch.database import reading, writing
from merch.directory import FieldProblem, ParsedFile, RowError, ShopRow, UserRow, parse_csv
from merch.extensions import db
from merch.models import Area, Role, Shop, User
from merch.services.areas import create_area
from merch.services.audit import record_change
from merch.services.shops import ShopFields, create_shop, first_checklist_dates, opening_date_problem, update_shop
from merch.services.users import UserFields, create_user, update_user

CHUNK = 500
T = TypeVar("T")


@dataclass
class ImportReport:
    """What an import found and (unless dry run or refused) did."""

    kind: str
    rows: int
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    areas_created: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def applied(self) -> bool:
        return not self.errors and not self.dry_run


def _by_code(model: Any, column: Any, codes: Iterable[str], *options: Any) -> dict[str, Any]:
    """Rows whose ``column`` is in ``codes`` (chunked IN lists, freshly read), keyed by it."""
    wanted = sorted(set(codes))
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        query = select(model).where(column.in_(chunk)).options(*options).execution_options(populate_existing=True)
        for row in db.session.scalars(query):
            found[getattr(row, column.key)] = row
    return found


def _parallel(function: Any, items: Sequence[T]) -> list[Any]:
    """Password hashing on every core: argon2 releases the GIL, and 1,500 hashes add up."""
    if len(items) < 8:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        return list(pool.map(function, items))


def import_csv(data: bytes, *, actor: User | None, now: datetime, dry_run: bool, source: str) -> ImportReport:
    """Check and (if every row is good and not ``dry_run``) apply and commit an import file.

    Raises ``merch.directory.FileRefused`` when the file cannot be read at all.
    """
    parsed = parse_csv(data)
    report = ImportReport(parsed.kind, parsed.row_count + _bad_lines(parsed), list(parsed.errors), dry_run=dry_run)
    with reading():
        if parsed.kind == "shops":
            existing = _check_shops(parsed, report)
        else:
            existing = _check_users(parsed, report, actor)
    report.errors.sort(key=lambda error: error.line)
    if not report.applied:
        _count(report, parsed.shops or parsed.users, existing)
        return report
    hashes: list[str | None] = []
    if parsed.kind == "users":
        users: dict[str, User] = existing
        policy = passwords.active_policy()  # the workers have no app to ask
        hashes = _parallel(lambda row: _new_hash(row, users.get(row.username), policy), parsed.users)
    with writing():
        if parsed.kind == "shops":
            _write_shops(parsed.shops, report, actor, now, source)
        else:
            _write_users(parsed.users, hashes, report, actor, now, source)
        record_change(
            actor=actor,
            action="import.run",
            target_type="import",
            target=source[:120],
            before=None,
            after={
                "kind": report.kind,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "areas_created": report.areas_created,
            },
            now=now,
        )
    return report


def _bad_lines(parsed: ParsedFile) -> int:
    return len({error.line for error in parsed.errors})


def _count(report: ImportReport, rows: Sequence[Any], existing: dict[str, Any]) -> None:
    """For a dry run: how many rows would create and how many would update."""
    report.created = sum(1 for row in rows if _key(row) not in existing)
    report.updated = len(rows) - report.created


def _key(row: ShopRow | UserRow) -> str:
    return row.code if isinstance(row, ShopRow) else row.username


def _missing_areas(codes: set[str]) -> list[str]:
    return sorted(codes - set(_by_code(Area, Area.code, codes)))


def _areas_for(
    codes: set[str], report: ImportReport, actor: User | None, now: datetime, source: str
) -> dict[str, Area]:
    """Inside the write: the areas named, creating those still missing."""
    areas = _by_code(Area, Area.code, codes)
    missing = sorted(codes - set(areas))
    report.areas_created = missing
    for code in missing:
        areas[code] = create_area(code, code, actor=actor, now=now, via=source)
    return areas


def _check_shops(parsed: ParsedFile, report: ImportReport) -> dict[str, Shop]:
    report.areas_created = _missing_areas({row.area for row in parsed.shops})
    existing: dict[str, Shop] = _by_code(Shop, Shop.code, (row.code for row in parsed.shops))
    firsts = first_checklist_dates([shop.id for shop in existing.values()])
    for row in parsed.shops:
        shop = existing.get(row.code)
        if shop is None:
            continue
        problem = opening_date_problem(row.opened_on, firsts.get(shop.id))
        if problem is not None:
            report.errors.append(RowError(row.line, "opened_on", problem))
    return existing


def _write_shops(rows: list[ShopRow], report: ImportReport, actor: User | None, now: datetime, source: str) -> None:
    existing: dict[str, Shop] = _by_code(Shop, Shop.code, (row.code for row in rows), joinedload(Shop.area))
    areas = _areas_for({row.area for row in rows}, report, actor, now, source)
    for row in rows:
        shop = existing.get(row.code)
        fields = _shop_fields(row, areas[row.area], shop)
        if shop is None:
            create_shop(row.code, fields, actor=actor, now=now, via=source)
            report.created += 1
        elif update_shop(shop, fields, actor=actor, now=now, via=source):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()


def _shop_fields(row: ShopRow, area: Area, shop: Shop | None) -> ShopFields:
    return ShopFields(
        name=row.name,
        area=area,
        timezone=row.timezone,
        opens_at=row.opens,
        closes_at=row.closes,
        language=row.language,
        opened_on=row.opened_on,
        size_set=row.sizes,
        # The file has no "active" column: an import never reopens or closes a shop.
        active=shop.active if shop is not None else True,
    )


def _check_users(parsed: ParsedFile, report: ImportReport, actor: User | None) -> dict[str, User]:
    rows = parsed.users
    existing: dict[str, User] = _by_code(User, User.username, (row.username for row in rows))
    shops: dict[str, Shop] = _by_code(Shop, Shop.code, (row.shop for row in rows if row.shop), joinedload(Shop.area))
    for row in rows:
        problem = _user_problem(row, shops, existing, actor)
        if problem is not None:
            report.errors.append(RowError(row.line, problem[0], problem[1]))
    report.areas_created = _missing_areas({row.area for row in rows if row.role == Role.SUPERVISOR and row.area})
    return existing


def _write_users(
    rows: list[UserRow],
    hashes: list[str | None],
    report: ImportReport,
    actor: User | None,
    now: datetime,
    source: str,
) -> None:
    existing: dict[str, User] = _by_code(
        User, User.username, (row.username for row in rows), joinedload(User.shop), joinedload(User.area)
    )
    shops: dict[str, Shop] = _by_code(Shop, Shop.code, (row.shop for row in rows if row.shop))
    areas = _areas_for(
        {row.area for row in rows if row.role == Role.SUPERVISOR and row.area}, report, actor, now, source
    )
    for row, password_hash in zip(rows, hashes, strict=True):
        fields = UserFields(
            name=row.name,
            role=row.role,
            shop=shops[row.shop] if row.role == Role.STAFF and row.shop else None,
            area=areas[row.area] if row.role == Role.SUPERVISOR and row.area else None,
            language=row.language,
        )
        user = existing.get(row.username)
        if user is None:
            # Checked to have a password: a new user's hash is never None.
            create_user(row.username, fields, password_hash or "", actor=actor, now=now, via=source)
            report.created += 1
        elif update_user(user, fields, actor=actor, now=now, password_hash=password_hash, via=source):
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()


def _user_problem(
    row: UserRow, shops: dict[str, Shop], existing: dict[str, User], actor: User | None
) -> tuple[str, FieldProblem] | None:
    """What the database says against a row that is fine on its own."""
    if row.role == Role.STAFF and row.shop:
        shop = shops.get(row.shop)
        if shop is None:
            return "shop", FieldProblem("unknown_shop", {"value": row.shop})
        if row.area and row.area != shop.area.code:
            return "area", FieldProblem(
                "staff_area_mismatch", {"shop": row.shop, "shop_area": shop.area.code, "value": row.area}
            )
    if row.username not in existing and row.password is None:
        return "password", FieldProblem("password_required")
    if actor is not None and row.username == actor.username and row.role != Role.ADMIN:
        return "role", FieldProblem("own_account")
    return None


def _new_hash(row: UserRow, user: User | None, policy: passwords.PasswordPolicy) -> str | None:
    """The hash to store: a new user's, or a changed password's; None to keep the old one.

    Runs on worker threads with no transaction open: ``user`` was loaded by the checks.
    """
    if row.password is None:
        return None
    if user is not None and policy.verify(user.password_hash, row.password):
        return None
    return policy.hash(row.password)
