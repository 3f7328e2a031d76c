"""The CSV export (api.md, "export"): one row per item result of each submission in scope.

Written for spreadsheets: UTF-8 with a byte-order mark so Chinese names survive, and every
cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``,
or a tab / carriage return that hides one) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, literal, select

from merch.extensions import db
from merch.models import Area, ItemResult, Shop, Submission, User
from merch.rankings import Period
from merch.services.trends import rule_titles

COLUMNS = (
    "store",
    "name",
    "area",
    "business_date",
    "shift",
    "submission_id",
    "status",
    "submitted_by",
    "completed_at",
    "late",
    "score",
    "original_score",
    "key",
    "title",
    "passed",
    "credit",
    "reason",
    "override_comment",
)
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP's CSV injection advice)."""
    if cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def _number(value: Decimal | float | None) -> str:
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def _original_score_column() -> Any:
    """Review keeps the score before an override (issue 7); until then it is the score."""
    column = getattr(Submission, "original_score", None)
    return column if column is not None else Submission.score


def _override_comment_column() -> Any:
    column = getattr(ItemResult, "override_comment", None)
    return column if column is not None else literal("")


_SHIFT_ORDER = case({"opening": 0, "closing": 1}, value=Submission.shift, else_=2)


def export_rows(shop_ids: list[int] | None, period: Period) -> Any:
    """The export's rows, oldest submission first, in items' display order (one query)."""
    query = (
        select(
            Shop.code,
            Shop.name,
            Shop.timezone,
            Area.code,
            Submission.business_date,
            Submission.shift,
            Submission.id,
            Submission.status,
            User.username,
            Submission.completed_at,
            Submission.late,
            Submission.score,
            _original_score_column(),
            ItemResult.key,
            ItemResult.passed,
            ItemResult.credit_numerator,
            ItemResult.credit_denominator,
            ItemResult.problems,
            _override_comment_column(),
        )
        .join(Submission, Submission.id == ItemResult.submission_id)
        .join(Shop, Shop.id == Submission.shop_id)
        .join(Area, Area.id == Shop.area_id)
        .join(User, User.id == Submission.user_id)
        .where(Submission.business_date.between(period.start, period.end))
        .order_by(Submission.business_date, Shop.code, _SHIFT_ORDER, Submission.id, ItemResult.position)
    )
    if shop_ids is not None:
        query = query.where(Submission.shop_id.in_(shop_ids))
    return db.session.execute(query)


def csv_lines(
    shop_ids: list[int] | None,
    period: Period,
    language: str,
    reason: Callable[[list[dict[str, Any]]], str],
) -> Iterator[str]:
    """The CSV text in pieces: BOM and header first, then the rows."""
    titles = rule_titles(language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    zones: dict[str, ZoneInfo] = {}
    rows = export_rows(shop_ids, period).all()
    for start in range(0, len(rows), 2000):
        buffer.seek(0)
        buffer.truncate()
        for row in rows[start : start + 2000]:
            (code, name, timezone, area, day, shift, sub_id, status, username, completed, late, score,
             original, key, passed, numerator, denominator, problems, comment) = row  # fmt: skip
            zone = zones.setdefault(timezone, ZoneInfo(timezone))
            if isinstance(problems, str):
                problems = json.loads(problems)
            writer.writerow(
                [
                    neutralise(str(cell))
                    for cell in (
                        code,
                        name,
                        area,
                        day.isoformat() if isinstance(day, date) else day,
                        shift,
                        sub_id,
                        status,
                        username,
                        _local(completed, zone),
                        "true" if late else "false",
                        _number(score),
                        _number(original),
                        key,
                        titles.get(key, key),
                        "true" if passed else "false",
                        _number(round(Decimal(numerator) / Decimal(denominator), 4)),
                        reason(problems or []),
                        comment or "",
                    )
                ]
            )
        yield buffer.getvalue()


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).replace(microsecond=0).isoformat()
