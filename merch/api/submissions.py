"""POST /api/v1/submissions and GET /api/v1/submissions/<id>."""

from __future__ import annotations

import json
import uuid
from functools import wraps
from typing import Any

from flask import current_app, jsonify, request
from flask_login import current_user

from merch.api import bp
from merch.api.access import bearer_token, requires_user
from merch.api.parsing import MAX_ID, json_object
from merch.api.serializers import submission_json
from merch.clock import utcnow
from merch.database import reading
from merch.error_responses import ApiError
from merch.i18n.request import current_language
from merch.models import VISIT, Role, Submission, User
from merch.rulebook import SHIFTS
from merch.services.accounts import can_view_submission
from merch.services.checklists import load_submission
from merch.services.submissions import (
    BadPhotoField,
    Limits,
    SubmissionRequest,
    photos_from_files,
    submit_checklist,
)
from merch.storage import storage_for


def parse_submission(user: User) -> SubmissionRequest:
    """The wire format to a SubmissionRequest, with api.md's 400s.

    What the headers alone say (content type, Idempotency-Key) is checked before the body
    is read, so those 400s come before a 413 for a body over the limit, as api.md orders.
    """
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request")
    key = request.headers.get("Idempotency-Key", "").strip()
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        raise ApiError(400, "bad_request", "Idempotency-Key") from None
    payload = json_object(request.form.get("payload"), "payload")
    answers = payload.get("answers", {})
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ApiError(400, "bad_request", "answers")
    shift = payload.get("shift")
    if shift not in (*SHIFTS, VISIT):
        raise ApiError(400, "bad_request", "shift")
    files = ((name, storage.stream) for name, storage in request.files.items(multi=True))
    try:
        photos = photos_from_files(files, current_app.config["MAX_PHOTO_BYTES"])
    except BadPhotoField as bad:
        raise ApiError(400, "bad_request", bad.field_name) from None
    return SubmissionRequest(
        user=user,
        shift=shift,
        answers=answers,
        idempotency_key=key,
        received_at=utcnow(),
        payload=payload,
        photos=photos,
        business_date=payload.get("business_date"),
        completed_at=payload.get("completed_at"),
        store=payload.get("store"),
    )


def submit(request_data: SubmissionRequest) -> tuple[Submission, bool]:
    """Run the submission operation, turning its refusals into API errors."""
    # A SubmissionRefused answers as the contract's error body (merch.errors).
    outcome = submit_checklist(request_data, Limits.from_config(current_app.config), storage_for(current_app))
    return outcome.submission, outcome.created


def _payload_shift() -> Any:
    """The payload's ``shift``, best effort (None when there is no readable payload)."""
    try:
        return json.loads(request.form.get("payload") or "null").get("shift")
    except (ValueError, RecursionError, AttributeError):
        return None


def _refuse_role_first(user: Any) -> None:
    """api.md puts 403 before every 400 (csrf_failed too): a supervisor may only send a visit."""
    if user is not None and user.role == Role.SUPERVISOR and _payload_shift() != VISIT:
        raise ApiError(403, "forbidden")


def role_first(view: Any) -> Any:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if bearer_token() is None and current_user and current_user.is_authenticated:
            _refuse_role_first(current_user)
        return view(*args, **kwargs)

    return wrapper


@bp.post("/submissions")
@role_first
@requires_user(Role.STAFF, Role.SUPERVISOR)
def create_submission(user: User) -> Any:
    """Submit a checklist: staff their shop's opening or closing, supervisors a visit."""
    _refuse_role_first(user)
    stored, created = submit(parse_submission(user))
    with reading():
        submission = load_submission(stored.id) or stored
        body = submission_json(submission, current_language(), user)
    response = jsonify(body)
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/api/v1/submissions/{submission.id}"
    return response


@bp.get(f"/submissions/<int(max={MAX_ID}):submission_id>")
@requires_user()
def get_submission(user: User, submission_id: int) -> Any:
    """One submission, if the caller's role and scope cover it (else 404)."""
    submission = load_submission(submission_id)
    if submission is None or not can_view_submission(user, submission):
        raise ApiError(404, "not_found")
    return jsonify(submission_json(submission, current_language(), user))
