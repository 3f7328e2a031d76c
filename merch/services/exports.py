"""The CSV export (api.md, "export"): one row per item result of each submission in scope.

Written for spreadsheets: UTF-8 with a byte-order mark so Chinese names survive, and every
cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``,
or a tab / carriage return that hides one) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, cast, func, literal, select

from merch.extensions import db
from merch.models import Area, ItemOverride, ItemResult, Shop, Submission, User
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
    """The automatic score (issue 7 keeps it when an override changes ``score``)."""
    return func.coalesce(Submission.original_score, Submission.score)


def _final_passed_column() -> Any:
    """The result after review: the latest override, else the automatic one."""
    return func.coalesce(ItemResult.override_passed, ItemResult.passed)


def _override_comment_column() -> Any:
    """The latest override's comment, read only for items that have one."""
    latest = (
        select(ItemOverride.comment)
        .where(ItemOverride.item_result_id == ItemResult.id)
        .order_by(ItemOverride.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return case((ItemResult.override_passed.is_not(None), latest), else_=literal(""))


_SHIFT_ORDER = case({"opening": 0, "closing": 1}, value=Submission.shift, else_=2)


def _in_scope(query: Any, shop_ids: list[int] | None, period: Period) -> Any:
    query = query.where(Submission.business_date.between(period.start, period.end))
    if shop_ids is not None:
        query = query.where(Submission.shop_id.in_(shop_ids))
    return query


def export_submissions(shop_ids: list[int] | None, period: Period) -> list[Any]:
    """The submissions of the export, oldest first (one row each, with shop, area and author)."""
    query = (
        select(
            Submission.id,
            Shop.code,
            Shop.name,
            Shop.timezone,
            Area.code,
            Submission.business_date,
            Submission.shift,
            Submission.status,
            User.username,
            Submission.completed_at,
            Submission.late,
            Submission.score,
            _original_score_column(),
        )
        .join(Shop, Shop.id == Submission.shop_id)
        .join(Area, Area.id == Shop.area_id)
        .join(User, User.id == Submission.user_id)
        .order_by(Submission.business_date, Shop.code, _SHIFT_ORDER, Submission.id)
    )
    return list(db.session.connection().execute(_in_scope(query, shop_ids, period)).all())


def export_items(shop_ids: list[int] | None, period: Period) -> dict[int, list[Any]]:
    """The item results of the same submissions, in display order, by submission id."""
    query = (
        select(
            ItemResult.submission_id,
            ItemResult.key,
            _final_passed_column(),
            ItemResult.override_passed,
            ItemResult.credit_numerator,
            ItemResult.credit_denominator,
            # As text: identical problem lists (most are "[]") are rendered once.
            cast(ItemResult.problems, String),
            _override_comment_column(),
        )
        .join(Submission, Submission.id == ItemResult.submission_id)
        .order_by(ItemResult.submission_id, ItemResult.position)
    )
    items: dict[int, list[Any]] = defaultdict(list)
    # .all() fetches in one call to the driver, not row by row.
    for row in db.session.connection().execute(_in_scope(query, shop_ids, period)).all():
        items[row[0]].append(row)
    return items


class _Cells:
    """CSV text of a run of cells, as ``csv.writer`` quotes them, without the line end.

    A row is its submission's cells (rendered once per submission) joined to its item's
    cells; the item cells repeat across submissions (same rule, result, credit and reason),
    so their text is kept and reused. Joining two rendered runs with a comma gives exactly
    what one ``writerow`` of all the cells gives: every cell is quoted on its own.
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="")
        self.cache: dict[tuple[str, ...], str] = {}

    def text(self, cells: tuple[str, ...]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()

    def cached(self, cells: tuple[str, ...]) -> str:
        found = self.cache.get(cells)
        if found is None:
            found = self.cache[cells] = self.text(cells)
        return found


def csv_lines(
    shop_ids: list[int] | None,
    period: Period,
    language: str,
    reason: Callable[[list[dict[str, Any]]], str],
) -> Iterator[str]:
    """The CSV text in pieces: BOM and header first, then the rows (two queries in all)."""
    titles = rule_titles(language)
    cells = _Cells()
    yield BOM + cells.text(COLUMNS) + "\r\n"
    zones: dict[str, ZoneInfo] = {}
    reasons: dict[str | None, str] = {}
    credits: dict[tuple[int, int], str] = {}
    item_titles = {key: neutralise(title) for key, title in titles.items()}
    submissions = export_submissions(shop_ids, period)
    items = export_items(shop_ids, period)
    for start in range(0, len(submissions), 200):
        lines: list[str] = []
        for row in submissions[start : start + 200]:
            (sub_id, code, name, timezone, area, day, shift, status, username, completed, late, score,
             original) = row  # fmt: skip
            zone = zones.setdefault(timezone, ZoneInfo(timezone))
            head = cells.text(
                (
                    neutralise(code),
                    neutralise(name),
                    neutralise(area),
                    day.isoformat() if isinstance(day, date) else str(day),
                    shift,
                    str(sub_id),
                    status,
                    neutralise(username),
                    _local(completed, zone),
                    "true" if late else "false",
                    _number(score),
                    _number(original),
                )
            )
            for _, key, passed, override, numerator, denominator, problems, comment in items.get(sub_id, ()):
                if override is not None:  # an override counts 1 or 0 (display-rules.md)
                    numerator, denominator = (1 if override else 0), 1
                if problems not in reasons:
                    reasons[problems] = neutralise(reason(json.loads(problems) if problems else []))
                credit = credits.get((numerator, denominator))
                if credit is None:
                    credit = credits[(numerator, denominator)] = _number(
                        round(Decimal(numerator) / Decimal(denominator), 4)
                    )
                tail = (
                    neutralise(key),
                    item_titles.get(key) or neutralise(key),
                    "true" if passed else "false",
                    credit,
                    reasons[problems],
                )
                if comment:  # comments are free text: rendered, never kept
                    lines.append(f"{head},{cells.text((*tail, neutralise(comment)))}\r\n")
                else:
                    lines.append(f"{head},{cells.cached(tail)},\r\n")
        yield "".join(lines)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).replace(microsecond=0).isoformat()
