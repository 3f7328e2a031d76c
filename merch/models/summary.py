"""Per shop and business date: the live opening/closing checklists' count, lateness and scores.

The rankings and area trends read these sums instead of every submission (issue 8). What is
stored does not depend on the time of reading: ``submitted``, ``late`` and the scores' sum in
whole tenths (a score has one decimal, so the sum is exact on every database). ``due`` and
``missed`` are not stored: whether a checklist is due depends on the clock (it becomes
missed once its window has passed) and on the shop's calendar (hours, opening date, active),
so they are derived from the shop's calendar when a ranking is read, in constant time per
shop (``merch.rankings.due_by_time``); ``missed = due - submitted``, a missed checklist adding
0 to the score's sum.

The sums are kept in the same transaction as the submissions they count: a listener on
every ORM flush turns each new, changed or deleted submission into a delta of its live
contribution and adds it with one upsert (``x = x + delta``: two transactions counting the
same shop and day both land). Bulk writers that bypass the ORM (seed-history, the migration)
call ``rebuild_day_totals``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, and_, case, cast, delete, event, func, insert, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.sql import ColumnElement

from merch.extensions import db
from merch.models.submissions import SENT_BACK, Submission

COUNTED_SHIFTS = ("opening", "closing")
_TRACKED = ("shop_id", "business_date", "shift", "status", "late", "score")


class ShopDayTotals(db.Model):  # type: ignore[name-defined]
    """One shop's live opening and closing checklists of one business date, summed."""

    __tablename__ = "shop_day_totals"
    __table_args__ = (
        # A period of every shop (rankings) read from this index alone, by date (PostgreSQL
        # has no skip scan of the primary key).
        Index(
            "ix_shop_day_totals_period",
            "business_date",
            "shop_id",
            "submitted",
            "late",
            "score_tenths",
            "opening",
            "closing",
        ),
        # On SQLite the rows live in the primary key's b-tree (shop, date): a period of every
        # shop is read shop by shop in key order, with no lookup of a separate table row.
        {"sqlite_with_rowid": False},
    )

    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True)
    business_date: Mapped[date] = mapped_column(primary_key=True)
    submitted: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    score_tenths: Mapped[int] = mapped_column(Integer, default=0)
    # Of ``submitted``, the opening and the closing checklist (0 or 1 each): today's and
    # yesterday's may be in before their due time, and count as due then (display-rules.md).
    opening: Mapped[int] = mapped_column(Integer, default=0)
    closing: Mapped[int] = mapped_column(Integer, default=0)


def score_tenths(score: Decimal | float | None) -> int:
    """A one-decimal score as whole tenths (None, all items N/A, as 0)."""
    if score is None:
        return 0
    return int((Decimal(str(score)) * 10).to_integral_value())


SUMMED = ("submitted", "late", "score_tenths", "opening", "closing")


def _contribution(values: dict[str, Any]) -> tuple[int, ...]:
    """What one submission adds to its shop and day, in the order of ``SUMMED``."""
    if values["shift"] not in COUNTED_SHIFTS or values["status"] == SENT_BACK:
        return (0, 0, 0, 0, 0)
    opening = 1 if values["shift"] == "opening" else 0
    return (1, 1 if values["late"] else 0, score_tenths(values["score"]), opening, 1 - opening)


def _values(submission: Submission, old: bool) -> dict[str, Any] | None:
    """The tracked columns as they are now (``old`` False) or as last flushed (``old`` True)."""
    values: dict[str, Any] = {}
    for name in _TRACKED:
        history = get_history(submission, name)
        if old:
            if history.deleted:
                values[name] = history.deleted[0]
            elif history.unchanged:
                values[name] = history.unchanged[0]
            else:
                return None  # nothing stored yet
        else:
            values[name] = getattr(submission, name)
    return values


def _add(deltas: dict[tuple[int, date], list[int]], values: dict[str, Any] | None, sign: int) -> None:
    if values is None:
        return
    added = _contribution(values)
    if added[0]:
        total = deltas[(values["shop_id"], values["business_date"])]
        for index, value in enumerate(added):
            total[index] += sign * value


def flush_deltas(session: Session) -> dict[tuple[int, date], list[int]]:
    """Per (shop, day), the change the flush under way makes to the sums."""
    deltas: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0] * len(SUMMED))
    for item in session.new:
        if isinstance(item, Submission):
            _add(deltas, _values(item, old=False), +1)
    for item in session.dirty:
        if isinstance(item, Submission) and session.is_modified(item, include_collections=False):
            _add(deltas, _values(item, old=True), -1)
            _add(deltas, _values(item, old=False), +1)
    for item in session.deleted:
        if isinstance(item, Submission):
            _add(deltas, _values(item, old=True), -1)
    return {key: value for key, value in deltas.items() if any(value)}


def _upsert(connection: Connection) -> Any:
    """INSERT … ON CONFLICT DO UPDATE adding the new values to the stored ones."""
    dialect = connection.dialect.name
    table = ShopDayTotals.__table__
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(table)
    elif dialect == "sqlite":
        statement = sqlite.insert(table)
    else:  # pragma: no cover - the app runs on SQLite and PostgreSQL only
        raise RuntimeError(f"no upsert for {dialect}")
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[table.c.shop_id, table.c.business_date],
        set_={name: table.c[name] + excluded[name] for name in SUMMED},
    )


def apply_deltas(connection: Connection, deltas: dict[tuple[int, date], list[int]]) -> None:
    """Add the deltas to the stored sums (one statement, however many days changed)."""
    if not deltas:
        return
    rows = [
        {"shop_id": shop_id, "business_date": day, **dict(zip(SUMMED, values, strict=True))}
        for (shop_id, day), values in sorted(deltas.items())
    ]
    connection.execute(_upsert(connection), rows)


def _old_value_loaded(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    return value


# Setting one of these columns loads the value it replaces, even on an expired object, so a
# flush always knows what the submission counted before.
for _name in _TRACKED:
    event.listen(getattr(Submission, _name), "set", _old_value_loaded, active_history=True, retval=True)


@event.listens_for(Session, "after_flush")
def _keep_day_totals(session: Session, _context: Any) -> None:
    """Every ORM write of submissions moves the sums in the same transaction."""
    deltas = flush_deltas(session)
    if deltas:
        apply_deltas(session.connection(), deltas)


def live_counted() -> ColumnElement[bool]:
    """Live opening and closing submissions (the literal lets SQLite use the partial index)."""
    return and_(Submission.status != literal_column(f"'{SENT_BACK}'"), Submission.shift.in_(COUNTED_SHIFTS))


def computed_day_totals(shop_ids: Iterable[int] | None = None) -> Any:
    """The sums computed from the submissions themselves: a SELECT of the table's columns.

    The reference the stored sums must equal (tests), and what ``rebuild_day_totals`` stores.
    """
    query = (
        select(
            Submission.shop_id,
            Submission.business_date,
            func.count().label("submitted"),
            func.sum(case((Submission.late, 1), else_=0)).label("late"),
            func.sum(cast(func.round(func.coalesce(Submission.score, 0) * 10), Integer)).label("score_tenths"),
            func.sum(case((Submission.shift == "opening", 1), else_=0)).label("opening"),
            func.sum(case((Submission.shift == "closing", 1), else_=0)).label("closing"),
        )
        .where(live_counted())
        .group_by(Submission.shop_id, Submission.business_date)
    )
    if shop_ids is not None:
        query = query.where(Submission.shop_id.in_(list(shop_ids)))
    return query


def rebuild_day_totals(connection: Connection, shop_ids: list[int] | None = None) -> None:
    """Recompute the sums of the given shops (or all) from their submissions, in bulk."""
    table = ShopDayTotals.__table__
    if shop_ids is None:
        connection.execute(delete(table))
    else:
        connection.execute(delete(table).where(table.c.shop_id.in_(shop_ids)))
    columns = ["shop_id", "business_date", *SUMMED]
    connection.execute(insert(table).from_select(columns, computed_day_totals(shop_ids)))
