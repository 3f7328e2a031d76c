"""GET /api/v1/board: the day's state of every shop of an area (api.md, "The board")."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from sqlalchemy import func, select

from merch.api import bp
from merch.api.access import requires_user
from merch.api.review import query_date
from merch.api.serializers import iso, rfc3339, score_number
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.extensions import db
from merch.models import Area, Role, User
from merch.services.board import Board, ShiftCell, area_board, board_date


def board_area(user: User, code: str | None) -> Area:
    """The area the caller asks for: a supervisor's own; an admin's named one (or the only one)."""
    if user.role == Role.SUPERVISOR:
        assert user.area is not None  # database constraint
        if code and code != user.area.code:
            raise ApiError(404, "not_found")
        return user.area
    if code:
        area = db.session.scalar(select(Area).where(Area.code == code))
        if area is None:
            raise ApiError(404, "not_found")
        return area
    if db.session.scalar(select(func.count(Area.id))) == 1:
        only = db.session.scalar(select(Area))
        assert only is not None
        return only
    raise ApiError(400, "bad_request", "area")


def shift_json(cell: ShiftCell, sent_back: bool) -> dict[str, Any]:
    submission = cell.submission
    return {
        "state": cell.state.value,
        "due_at": rfc3339(cell.due_at),
        "submission_id": submission.id if submission else None,
        "score": score_number(cell.score),
        "late": submission.late if submission else False,
        "flags": cell.flags,
        "reviewed": cell.reviewed,
        "sent_back": sent_back,
        "submitted_by": submission.user.username if submission else None,
        "submitted_by_name": submission.user.name if submission else None,
        "completed_at": iso(submission.completed_at, submission.shop) if submission else None,
        "received_at": iso(submission.received_at, submission.shop) if submission else None,
    }


def board_json(board: Board) -> dict[str, Any]:
    return {
        "date": board.day.isoformat(),
        "area": board.area.code,
        "stores": [
            {
                "store": row.shop.code,
                "name": row.shop.name,
                "opening": shift_json(row.cells["opening"], row.sent_back["opening"]),
                "closing": shift_json(row.cells["closing"], row.sent_back["closing"]),
                "window": {
                    "last_changed": row.window.last_changed.isoformat() if row.window.last_changed else None,
                    "days_since": row.window.days_since,
                    "overdue": row.window.overdue,
                },
                "open_actions": row.open_actions,
                "oldest_open_action_at": iso(row.oldest_action_at, row.shop),
                "last_visit": (
                    {"date": row.last_visit[0].isoformat(), "score": score_number(row.last_visit[1])}
                    if row.last_visit
                    else None
                ),
            }
            for row in board.rows
        ],
    }


@bp.get("/board")
@requires_user(Role.SUPERVISOR, Role.ADMIN)
def board(user: User) -> Any:
    """The board for ``date`` (default: the area's today)."""
    area = board_area(user, request.args.get("area") or None)
    now = utcnow()
    day = query_date("date") or board_date(area, now)
    return jsonify(board_json(area_board(area, day, now)))
