"""GET /api/v1/photos/<id>: a stored display copy or thumbnail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, request, send_file

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import MAX_ID
from merch.error_responses import ApiError
from merch.extensions import db
from merch.models import Photo, User
from merch.services.accounts import can_view_submission


@bp.get(f"/photos/<int(max={MAX_ID}):photo_id>")
@requires_user()
def photo(user: User, photo_id: int) -> Any:
    """The photo's JPEG, if the caller may see its submission (else 404, revealing nothing)."""
    size = request.args.get("size")
    if size not in (None, "thumb", "display"):
        raise ApiError(400, "bad_request", "size")
    record = db.session.get(Photo, photo_id)
    # An action's photo belongs to the action's submission, so the same people see it.
    if record is None or not can_view_submission(user, record.submission):
        raise ApiError(404, "not_found")
    relative = record.thumb_path if size == "thumb" else record.display_path
    path = Path(current_app.config["UPLOAD_FOLDER"]) / relative
    if not path.is_file():
        current_app.logger.error("photo %s file missing: %s", photo_id, path)
        raise ApiError(404, "not_found")
    response = send_file(path, mimetype="image/jpeg", max_age=86_400, conditional=True, etag=True)
    response.cache_control.private = True
    response.cache_control.public = False
    return response
