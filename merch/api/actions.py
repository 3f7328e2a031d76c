"""GET /api/v1/actions, POST /api/v1/actions/<id>/close and …/verify."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import MAX_ID, json_object
from merch.api.supervision_json import action_json
from merch.clock import utcnow
from merch.error_responses import ApiError
from merch.extensions import db
from merch.i18n.request import current_language
from merch.models import ACTION_STATUSES, CorrectiveAction, Role, User
from merch.services.actions import actions_query, close_action, verify_action, visible_action
from merch.services.submissions import BadPhotoField, Limits, photos_from_files
from merch.storage import storage_for

CLOSE_FIELD = "photo"


def _found(user: User, action_id: int) -> CorrectiveAction:
    action = visible_action(user, action_id)
    if action is None:
        raise ApiError(404, "not_found")
    return action


def _reloaded(action_id: int, user: User) -> dict[str, Any]:
    db.session.expire_all()
    return action_json(_found(user, action_id), current_language())


@bp.get("/actions")
@requires_user()
def list_actions(user: User) -> Any:
    """Corrective actions in the caller's scope; ``status`` open, closed, verified or all."""
    status = request.args.get("status", "all")
    if status not in (*ACTION_STATUSES, "all"):
        raise ApiError(400, "bad_request", "status")
    query = actions_query(user)
    if status != "all":
        query = query.where(CorrectiveAction.status == status)
    language = current_language()
    return jsonify({"actions": [action_json(action, language) for action in db.session.scalars(query).unique()]})


@bp.post(f"/actions/<int(max={MAX_ID}):action_id>/close")
@requires_user(Role.STAFF)
def close_action_call(user: User, action_id: int) -> Any:
    """Staff of the action's shop: a note and at least one new photo."""
    action = _found(user, action_id)
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request")
    payload = json_object(request.form.get("payload"), "payload")
    note = payload.get("note")
    if note is not None and not isinstance(note, str):
        raise ApiError(422, "invalid_answer", "note", reason="note_required")
    files = (
        (f"photo.{name}" if name == CLOSE_FIELD else name, storage.stream)
        for name, storage in request.files.items(multi=True)
    )
    try:
        photos = photos_from_files(files, current_app.config["MAX_PHOTO_BYTES"])
    except BadPhotoField as bad:
        raise ApiError(400, "bad_request", bad.field_name) from None
    if any(photo.field_name != f"photo.{CLOSE_FIELD}" for photo in photos):
        raise ApiError(400, "bad_request", "photo")
    close_action(
        action,
        user,
        note or "",
        photos,
        Limits.from_config(current_app.config),
        storage_for(current_app),
        utcnow(),
    )
    return jsonify(_reloaded(action_id, user))


@bp.post(f"/actions/<int(max={MAX_ID}):action_id>/verify")
@requires_user(Role.SUPERVISOR, Role.ADMIN)
def verify_action_call(user: User, action_id: int) -> Any:
    """Supervisors of its area and admins: verified, or reopened (back to open)."""
    action = _found(user, action_id)
    body = json_object(request.get_data(), None)
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ApiError(422, "invalid_answer", "comment", reason="bad_comment")
    verify_action(action, user, str(body.get("action", "")), comment or "", utcnow())
    db.session.commit()
    return jsonify(_reloaded(action_id, user))
