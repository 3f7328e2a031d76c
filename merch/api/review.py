"""GET /api/v1/submissions (the list and review queue) and POST …/<id>/review."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import MAX_ID, json_object
from merch.api.serializers import submission_json
from merch.api.supervision_json import list_row_json
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.extensions import db
from merch.i18n.request import current_language
from merch.models import REVIEWED, SENT_BACK, SUBMITTED, VISIT, Role, User
from merch.rulebook import SHIFTS
from merch.services.accounts import can_view_submission
from merch.services.checklists import load_submission
from merch.services.listing import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, ListFilters, list_submissions
from merch.services.review import parse_review, review_submission

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUSES = (SUBMITTED, REVIEWED, SENT_BACK)
LIST_SHIFTS = (*SHIFTS, VISIT)


def query_date(name: str) -> date | None:
    """A ``YYYY-MM-DD`` query parameter, or ApiError 400 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "bad_request", name) from None


def _choice(name: str, allowed: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if raw not in allowed:
        raise ApiError(400, "bad_request", name)
    return raw


def parse_filters() -> tuple[ListFilters, int, str | None]:
    raw_limit = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
        raise ApiError(400, "bad_request", "limit")
    needs_review = request.args.get("needs_review", "false")
    if needs_review not in ("true", "false", "1", "0"):
        raise ApiError(400, "bad_request", "needs_review")
    store = request.args.get("store") or None
    filters = ListFilters(
        date_from=query_date("from"),
        date_to=query_date("to"),
        store=store,
        shift=_choice("shift", LIST_SHIFTS),
        status=_choice("status", STATUSES),
        needs_review=needs_review in ("true", "1"),
    )
    return filters, int(raw_limit), request.args.get("cursor") or None


@bp.get("/submissions")
@requires_user()
def list_submissions_call(user: User) -> Any:
    """A page of submissions in the caller's scope (api.md, "Calls")."""
    filters, limit, cursor = parse_filters()
    try:
        page = list_submissions(user, filters, limit, cursor)
    except BadCursor:
        raise ApiError(400, "bad_request", "cursor") from None
    return jsonify({"submissions": [list_row_json(row) for row in page.submissions], "next_cursor": page.next_cursor})


@bp.post(f"/submissions/<int(max={MAX_ID}):submission_id>/review")
@requires_user(Role.SUPERVISOR, Role.ADMIN)
def review_call(user: User, submission_id: int) -> Any:
    """Override items, mark reviewed or send back, open corrective actions."""
    submission = load_submission(submission_id)
    if submission is None or not can_view_submission(user, submission):
        raise ApiError(404, "not_found")
    body = json_object(request.get_data(), None)
    review_submission(submission, user, parse_review(body), utcnow())
    db.session.commit()
    db.session.expire_all()
    reloaded = load_submission(submission_id)
    assert reloaded is not None
    return jsonify(submission_json(reloaded, current_language(), user))
