"""Lists of submissions in a caller's scope: newest first, or what needs a look first."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from merch.extensions import db
from merch.models import SUBMITTED, Shop, Submission, User
from merch.services.accounts import shops_visible_to
from merch.services.flags import submission_flags

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


class BadCursor(ValueError):
    """A cursor this server did not make."""


@dataclass(frozen=True)
class ListFilters:
    date_from: date | None = None
    date_to: date | None = None
    store: str | None = None
    shift: str | None = None
    status: str | None = None
    needs_review: bool = False


@dataclass(frozen=True)
class Page:
    submissions: list[Submission]
    next_cursor: str | None


MAX_CURSOR = 2**31 - 1


def encode_cursor(kind: str, value: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    prefix, _, number = text.partition(":")
    # Ids and offsets past the 32-bit INTEGER columns cannot be real and would fail the
    # query on PostgreSQL (and overflow SQLite's 64-bit integers): a bad cursor.
    if prefix != kind or not number.isdigit() or len(number) > 10 or int(number) > MAX_CURSOR:
        raise BadCursor(cursor)
    return int(number)


def _base_query(user: User, filters: ListFilters) -> Select[tuple[Submission]]:
    query = (
        select(Submission)
        .where(Submission.shop_id.in_(shops_visible_to(user)))
        .options(
            joinedload(Submission.shop),
            joinedload(Submission.user),
            selectinload(Submission.items),
            selectinload(Submission.photos),
        )
    )
    if filters.date_from is not None:
        query = query.where(Submission.business_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Submission.business_date <= filters.date_to)
    if filters.store is not None:
        query = query.where(Submission.shop_id.in_(select(Shop.id).where(Shop.code == filters.store)))
    if filters.shift is not None:
        query = query.where(Submission.shift == filters.shift)
    if filters.status is not None:
        query = query.where(Submission.status == filters.status)
    return query


def needs_review_key(submission: Submission) -> tuple[int, float, object, int]:
    """Most flags first, then lowest score, then oldest (api.md)."""
    flags = submission_flags(submission)
    score = float(submission.score) if submission.score is not None else -1.0
    return (-len(flags), score, submission.received_at, submission.id)


def list_submissions(user: User, filters: ListFilters, limit: int, cursor: str | None) -> Page:
    """One page of submissions; the cursor says where the last page ended."""
    query = _base_query(user, filters)
    if not filters.needs_review:
        if cursor is not None:
            query = query.where(Submission.id < decode_cursor(cursor, "i"))
        rows = list(db.session.scalars(query.order_by(Submission.id.desc()).limit(limit + 1)).unique())
        more = len(rows) > limit
        rows = rows[:limit]
        return Page(rows, encode_cursor("i", rows[-1].id) if more else None)
    # What needs review is ranked by its flags, which are read from the loaded rows.
    offset = decode_cursor(cursor, "o") if cursor is not None else 0
    candidates = [
        submission
        for submission in db.session.scalars(query.where(Submission.status == SUBMITTED)).unique()
        if submission_flags(submission)
    ]
    candidates.sort(key=needs_review_key)
    rows = candidates[offset : offset + limit]
    more = offset + limit < len(candidates)
    return Page(rows, encode_cursor("o", offset + limit) if more else None)
