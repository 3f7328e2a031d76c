"""Pages of submissions, newest received first, read in index order however long the history.

Measured with 114,000 checklists on 500 shops: sorting every checklist in scope for each page
took 30–480 ms; read through ``ix_submissions_received`` (admins: every shop) or
``ix_submissions_shop_received`` (one shop, or a supervisor's few), a page takes well
under a millisecond to a few. Pages go on by keyset (``before`` = the last row's
``(received_at, id)``), never by OFFSET, so page 100 costs what page 1 does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import selectinload

from merch.extensions import db
from merch.models import Role, Shop, Submission, User


def recent_submissions_query(
    user: User, limit: int, before: tuple[datetime, int] | None = None
) -> Select[tuple[Submission]]:
    """A select() of the caller's submissions, newest received first (ties: newest id)."""
    query = select(Submission)
    if user.role == Role.STAFF:
        query = query.where(Submission.shop_id == user.shop_id)
    elif user.role != Role.ADMIN:
        # A supervisor's area: a short list of shops, each walked by the per-shop index.
        query = query.where(Submission.shop_id.in_(select(Shop.id).where(Shop.area_id == user.area_id)))
    # Admins see every shop: no shop condition at all, so the (received_at, id) index
    # serves the order directly and reading stops after ``limit`` rows.
    if before is not None:
        received_at, ident = before
        query = query.where(
            or_(
                Submission.received_at < received_at,
                and_(Submission.received_at == received_at, Submission.id < ident),
            )
        )
    return query.order_by(Submission.received_at.desc(), Submission.id.desc()).limit(limit)


def recent_submissions(user: User, limit: int, before: tuple[datetime, int] | None = None) -> Sequence[Submission]:
    """One page of :func:`recent_submissions_query`, with each submission's shop and who sent it."""
    query = recent_submissions_query(user, limit, before).options(
        selectinload(Submission.shop), selectinload(Submission.user)
    )
    return db.session.scalars(query).all()
