"""The CSV export (api.md, "export"): one row per item result of each submission in scope.

Written for spreadsheets: UTF-8 with a byte-order mark so Chinese names survive, and every
cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-`` or ``@``,
or a tab / carriage return that hides one) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
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


_BATCH = 500

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
    # Plain tuples: the garbage collector stops tracking them, where 1,100 rows kept for the
    # whole export were swept again and again.
    return [tuple(row) for row in db.session.connection().execute(_in_scope(query, shop_ids, period)).all()]


def export_items(shop_ids: list[int] | None, period: Period) -> Iterator[tuple[Any, ...]]:
    """The item results of the same submissions, by submission id and display order.

    Each row is the driver's own tuple: (submission id, key, passed after review, override,
    credit numerator, credit denominator, problems as JSON text, override comment). An
    area's month is about 12,000 rows, and building SQLAlchemy rows for them cost as much
    CPU as reading them; none of these columns needs converting: integers and text read the
    same, and the booleans (0/1 on SQLite) are only tested for truth and for None.
    """
    query = (
        select(
            ItemResult.submission_id,
            ItemResult.key,
            ItemResult.final_passed,  # after review
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
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Costed for a parallel plan, PostgreSQL scans every submission of every shop rather
        # than walking the area's shops by index, and takes twice as long; this transaction only.
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    result = connection.execute(_in_scope(query, shop_ids, period))
    try:
        # A batch at a time, each dropped once rendered: 12,000 rows held at once made the
        # garbage collector sweep the whole heap every few exports.
        while batch := result.cursor.fetchmany(_BATCH):
            yield from batch
    finally:
        result.close()


class _Cells:
    """CSV text of a run of cells, as ``csv.writer`` quotes them, without the line end.

    A row is its submission's cells (rendered once per submission) joined to its item's
    cells by a comma: every cell is quoted on its own, so joining two rendered runs gives
    exactly what one ``writerow`` of all the cells gives.
    """

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="")

    def text(self, cells: tuple[str, ...]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()


class _ItemCells:
    """The rendered cells of each item (key to override comment), by submission.

    Items repeat across submissions (same rule, result, credit and problems), so an item's
    text is kept by its row as read, less the submission id: neutralising, the credit's
    arithmetic and the reason's rendering happen once per distinct row, and every other row
    costs one dictionary lookup.
    """

    def __init__(self, cells: _Cells, titles: dict[str, str], reason: Callable[[list[dict[str, Any]]], str]) -> None:
        self._cells = cells
        self._titles = {key: neutralise(title) for key, title in titles.items()}
        self._reason = reason
        self._reasons: dict[str | None, str] = {}
        self._texts: dict[tuple[Any, ...], str] = {}

    def by_submission(self, rows: Iterable[tuple[Any, ...]]) -> dict[int, tuple[str, ...]]:
        """Each submission's item texts in display order (``rows`` as ``export_items`` reads them)."""
        texts = self._texts
        found: dict[int, tuple[str, ...]] = {}
        current: list[str] = []
        submission_id = -1  # none yet: ids are positive
        for row in rows:
            if row[0] != submission_id:
                if current:
                    # Kept as a tuple of strings, which the garbage collector stops tracking.
                    found[submission_id] = tuple(current)
                submission_id, current = row[0], []
            if row[7]:  # comments are free text: rendered, never kept
                current.append(self._render(row))
            else:
                seen = row[1:7]
                current.append(texts.get(seen) or texts.setdefault(seen, self._render(row)))
        if current:
            found[submission_id] = tuple(current)
        return found

    def _render(self, row: tuple[Any, ...]) -> str:
        _, key, passed, override, numerator, denominator, problems, comment = row
        if override is not None:  # an override counts 1 or 0 (display-rules.md)
            numerator, denominator = (1 if override else 0), 1
        reason = self._reasons.get(problems)
        if reason is None:
            reason = self._reasons[problems] = neutralise(self._reason(json.loads(problems) if problems else []))
        return self._cells.text(
            (
                neutralise(key),
                self._titles.get(key) or neutralise(key),
                "true" if passed else "false",
                _number(round(Decimal(numerator) / Decimal(denominator), 4)),
                reason,
                neutralise(comment) if comment else "",
            )
        )


class _SubmissionCells:
    """The rendered cells of each submission (store to original score).

    Only a submission's id and completion time are its own, and neither ever needs quoting
    (digits; an ISO time); the other cells repeat from submission to submission (shop; date
    and shift; status and author; lateness and scores), so each run of them is rendered
    once and kept.
    """

    def __init__(self, cells: _Cells) -> None:
        self._cells = cells
        self._shops: dict[tuple[str, str, str], str] = {}
        self._dates: dict[tuple[Any, str], str] = {}
        self._authors: dict[tuple[str, str], str] = {}
        self._results: dict[tuple[Any, ...], str] = {}
        self._zones: dict[str, ZoneInfo] = {}

    def text(self, row: Any) -> str:
        """``row`` as ``export_submissions`` reads it."""
        (sub_id, code, name, timezone, area, day, shift, status, username, completed, late, score,
         original) = row  # fmt: skip
        shop = self._shops.get((code, name, area))
        if shop is None:
            shop = self._shops[(code, name, area)] = self._cells.text(
                (neutralise(code), neutralise(name), neutralise(area))
            )
        when = self._dates.get((day, shift))
        if when is None:
            iso_day = day.isoformat() if isinstance(day, date) else str(day)
            when = self._dates[(day, shift)] = self._cells.text((iso_day, shift))
        author = self._authors.get((status, username))
        if author is None:
            author = self._authors[(status, username)] = self._cells.text((status, neutralise(username)))
        result = self._results.get((late, score, original))
        if result is None:
            result = self._results[(late, score, original)] = self._cells.text(
                ("true" if late else "false", _number(score), _number(original))
            )
        zone = self._zones.get(timezone)
        if zone is None:
            zone = self._zones[timezone] = ZoneInfo(timezone)
        return f"{shop},{when},{sub_id},{author},{_local(completed, zone)},{result}"


def csv_lines(
    shop_ids: list[int] | None,
    period: Period,
    language: str,
    reason: Callable[[list[dict[str, Any]]], str],
) -> Iterator[str]:
    """The CSV text in pieces: BOM and header first, then the rows (two queries in all)."""
    cells = _Cells()
    yield BOM + cells.text(COLUMNS) + "\r\n"
    submissions = export_submissions(shop_ids, period)
    items = _ItemCells(cells, rule_titles(language), reason).by_submission(export_items(shop_ids, period))
    heads = _SubmissionCells(cells)
    for start in range(0, len(submissions), 200):
        lines: list[str] = []
        for row in submissions[start : start + 200]:
            tails = items.get(row[0])
            if tails:
                # One line per item: the submission's cells, then the item's.
                prefix = heads.text(row) + ","
                lines.append(prefix + ("\r\n" + prefix).join(tails) + "\r\n")
        yield "".join(lines)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    # Whole seconds: isoformat leaves out the microseconds when asked for seconds.
    return moment.astimezone(zone).isoformat(timespec="seconds")
