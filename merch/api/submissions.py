"""POST /api/v1/submissions and GET /api/v1/submissions/<id>."""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app, jsonify, request

from merch.api import bp
from merch.api.access import check_csrf, requires_user
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
    role_may_submit,
    submit_checklist,
)
from merch.storage import storage_for


def declared_shift() -> str | None:
    """The shift the payload names, if it is readable and one we know; else None (the
    parser answers that 400 in its turn).

    A body over the size cap is not read here: its header-level 400s and then its 413
    come first, in api.md's order.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.mimetype != "multipart/form-data" or request.content_length is None or request.content_length > limit:
        return None
    try:
        shift = json_object(request.form.get("payload"), "payload").get("shift")
    except ApiError:
        return None
    return shift if shift in (*SHIFTS, VISIT) else None


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


@bp.post("/submissions")
@requires_user(Role.STAFF, Role.SUPERVISOR, csrf=False)
def create_submission(user: User) -> Any:
    """Submit a checklist: staff their shop's opening or closing, supervisors a visit."""
    # Whether the caller's role may submit this shift is in the payload; api.md puts
    # that 403 before a cookie call's missing CSRF token (400).
    shift = declared_shift()
    if shift is not None and not role_may_submit(user.role, shift):
        raise ApiError(403, "forbidden")
    check_csrf()
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
