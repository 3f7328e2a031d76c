"""GET /api/v1/photos/<id>: a stored display copy or thumbnail, streamed from storage."""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Response, current_app, request

from merch.api import bp
from merch.api.access import requires_user
from merch.api.parsing import MAX_ID
from merch.database import release
from merch.error_responses import ApiError
from merch.extensions import db
from merch.models import Photo, User
from merch.services.accounts import can_view_submission
from merch.storage import storage_for


@bp.get(f"/photos/<int(max={MAX_ID}):photo_id>")
@requires_user()
def photo(user: User, photo_id: int) -> Any:
    """The photo's JPEG, if the caller may see its submission (else 404, revealing nothing).

    Served by the app from either storage back end, never by a public URL, so the access
    check above is the only way in; ``private`` keeps shared caches from keeping a copy.
    """
    size = request.args.get("size")
    if size not in (None, "thumb", "display"):
        raise ApiError(400, "bad_request", "size")
    record = db.session.get(Photo, photo_id)
    # An action's photo belongs to the action's submission, so the same people see it.
    if record is None or not can_view_submission(user, record.submission):
        raise ApiError(404, "not_found")
    key = record.thumb_path if size == "thumb" else record.display_path
    # Release the database connection before waiting on the storage (keeping what was
    # loaded: closing the session would detach the caller's objects).
    release()
    data = storage_for(current_app).get(key)
    if data is None:
        current_app.logger.error("photo %s file missing: %s", photo_id, key)
        raise ApiError(404, "not_found")
    response = Response(data, mimetype="image/jpeg")
    # Stored copies never change (a new photo gets a new key), so the key is a strong ETag.
    response.set_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    response.cache_control.max_age = 86_400
    response.cache_control.private = True
    response.cache_control.public = False
    return response.make_conditional(request)
