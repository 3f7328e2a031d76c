"""The area board: every shop's opening and closing state for a date, computed on read.

States come from the schedule at the moment anyone looks (no job writes them). The number
of SQL statements is fixed whatever the number of shops: one query per kind of fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from merch.checklists import ChecklistState, SubmissionFacts, checklist_state, due_at
from merch.checklists.board import ShiftSummary, WindowStatus, needs_look_key, window_status
from merch.extensions import db
from merch.models import (
    ACTION_OPEN,
    REVIEWED,
    SENT_BACK,
    VISIT,
    Area,
    CorrectiveAction,
    ItemResult,
    Photo,
    Rule,
    Shop,
    Submission,
    current_versions_query,
)
from merch.rulebook import SHIFTS
from merch.services.checklists import shop_hours, shop_today
from merch.services.flags import submission_flags

# The photo columns evidence_flags reads (besides the submission and its shop).
_FLAG_PHOTO_COLUMNS = (
    Photo.submission_id,
    Photo.action_id,
    Photo.captured_at,
    Photo.duplicate_of_id,
    Photo.reused_of_id,
    Photo.window_match_id,
)


@dataclass(frozen=True)
class ShiftCell:
    shift: str
    state: ChecklistState
    due_at: datetime
    submission: Submission | None
    flags: list[str]

    @property
    def score(self) -> Decimal | None:
        return self.submission.score if self.submission is not None else None

    @property
    def reviewed(self) -> bool:
        return self.submission is not None and self.submission.status == REVIEWED


@dataclass(frozen=True)
class BoardRow:
    shop: Shop
    cells: dict[str, ShiftCell]
    sent_back: dict[str, bool]
    window: WindowStatus
    open_actions: int
    oldest_action_at: datetime | None
    last_visit: tuple[date, Decimal | None] | None


@dataclass(frozen=True)
class Board:
    day: date
    area: Area
    rows: list[BoardRow]


def board_date(area: Area, now: datetime) -> date:
    """Today of the area's shops (its first shop's zone; the server's UTC date if none)."""
    first = db.session.scalar(select(Shop).where(Shop.area_id == area.id).order_by(Shop.code).limit(1))
    return shop_today(first, now) if first is not None else now.date()


def _refresh_max_days() -> int | None:
    versions = db.session.scalars(current_versions_query().where(Rule.kind == "refresh")).all()
    days = [version.params.get("max_days") for version in versions]
    numbers = [value for value in days if isinstance(value, int)]
    return min(numbers) if numbers else None


def with_failed_items(submission_ids: list[int]) -> set[int]:
    """Which of the submissions have an item that fails after review (override, else automatic)."""
    return set(
        db.session.scalars(
            select(ItemResult.submission_id)
            .where(ItemResult.submission_id.in_(submission_ids), ItemResult.final_passed.is_(False))
            .distinct()
        )
    )


def last_window_changes_query(shop_ids: list[int], day: date) -> Any:
    """Each shop's id and its last window change on or before ``day`` (None: none on record).

    Newest first, one shop at a time, stopping at the first change: a year of history
    grouped whole read every item of every checklist (100 ms for 20 shops on SQLite, 145 ms
    on PostgreSQL), where a change is usually a few days back (3 ms and 5 ms). A shop with
    no change on record still reads its whole history, as before.
    """
    newest = (
        select(Submission.business_date)
        .join(ItemResult, ItemResult.submission_id == Submission.id)
        .where(
            Submission.shop_id == Shop.id,
            Submission.status != SENT_BACK,
            Submission.business_date <= day,
            ItemResult.marks_change.is_(True),
            ItemResult.kind == "refresh",
            ItemResult.override_passed.is_not(False),
        )
        .order_by(Submission.business_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    return select(Shop.id, newest).where(Shop.id.in_(shop_ids))


def last_window_changes(shop_ids: list[int], day: date) -> dict[int, date]:
    """Each shop's last window change on or before ``day`` (shops with none are left out)."""
    rows = db.session.execute(last_window_changes_query(shop_ids, day)).all()
    return {shop_id: changed for shop_id, changed in rows if changed is not None}


def area_board(area: Area, day: date, now: datetime) -> Board:
    shops = db.session.scalars(select(Shop).where(Shop.area_id == area.id).order_by(Shop.code)).all()
    ids = [shop.id for shop in shops]
    submissions = db.session.scalars(
        select(Submission)
        .where(Submission.shop_id.in_(ids), Submission.business_date == day, Submission.shift.in_(SHIFTS))
        .options(
            # Only what the flags read (merch.services.flags): whole photos, and every item
            # as an object with its JSON parsed, were most of the board's CPU and garbage.
            selectinload(Submission.photos).load_only(*_FLAG_PHOTO_COLUMNS),
            joinedload(Submission.user),
        )
        .order_by(Submission.id)
    ).unique()
    latest: dict[tuple[int, str], Submission] = {}
    for submission in submissions:
        key = (submission.shop_id, submission.shift)
        current = latest.get(key)
        # The live submission wins over sent-back ones; among equals the newest.
        if current is None or current.status == SENT_BACK or submission.status != SENT_BACK:
            latest[key] = submission

    failing = with_failed_items([submission.id for submission in latest.values()])
    last_changes = last_window_changes(ids, day)
    actions = {
        shop_id: (count, oldest)
        for shop_id, count, oldest in db.session.execute(
            select(CorrectiveAction.shop_id, func.count(CorrectiveAction.id), func.min(CorrectiveAction.opened_at))
            .where(CorrectiveAction.shop_id.in_(ids), CorrectiveAction.status == ACTION_OPEN)
            .group_by(CorrectiveAction.shop_id)
        ).all()
    }
    newest_visit = (
        select(func.max(Submission.id).label("id"))
        .where(
            Submission.shop_id.in_(ids),
            Submission.shift == VISIT,
            Submission.status != SENT_BACK,
            Submission.business_date <= day,
        )
        .group_by(Submission.shop_id)
        .subquery()
    )
    visits = {
        shop_id: (visit_day, score)
        for shop_id, visit_day, score in db.session.execute(
            select(Submission.shop_id, Submission.business_date, Submission.score).join(
                newest_visit, newest_visit.c.id == Submission.id
            )
        ).all()
    }
    max_days = _refresh_max_days()

    rows: list[BoardRow] = []
    for shop in shops:
        hours = shop_hours(shop)
        cells: dict[str, ShiftCell] = {}
        sent_back: dict[str, bool] = {}
        for shift in SHIFTS:
            found = latest.get((shop.id, shift))
            live = found if found is not None and found.status != SENT_BACK else None
            # A sent-back checklist counts as not submitted until the shop redoes it.
            facts = SubmissionFacts(late=live.late, sent_back=False) if live is not None else None
            cells[shift] = ShiftCell(
                shift=shift,
                state=checklist_state(hours, shift, day, now, facts),
                due_at=due_at(hours, shift, day).astimezone(hours.zone),
                submission=live,
                flags=submission_flags(live, live.id in failing) if live is not None else [],
            )
            sent_back[shift] = found is not None and live is None
        count, oldest = actions.get(shop.id, (0, None))
        rows.append(
            BoardRow(
                shop=shop,
                cells=cells,
                sent_back=sent_back,
                window=window_status(day, last_changes.get(shop.id), shop.opened_on, max_days),
                open_actions=count,
                oldest_action_at=oldest,
                last_visit=visits.get(shop.id),
            )
        )
    rows.sort(
        key=lambda row: needs_look_key(
            row.shop.code,
            [ShiftSummary(cell.state, bool(cell.flags), cell.score) for cell in row.cells.values()],
        )
    )
    return Board(day=day, area=area, rows=rows)
