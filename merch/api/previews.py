"""POST /api/v1/photos/preview: a small JPEG of a photo the phone's browser cannot decode.

Chromium and Firefox cannot decode an iPhone's HEIC. The checklist page sends such a file
here once, shows the JPEG that comes back as its preview and sends that JPEG, not the HEIC,
with the checklist, so the full-size file never goes up twice. Callers are the ones who
submit checklists (staff, supervisors); the upload limits of a submission apply, and a
worker decodes at most ``PREVIEW_DECODES_AT_ONCE`` previews at a time (a 12 MP HEIC costs
about a second of CPU): past that the answer is 503 with ``Retry-After``.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Response, current_app, request

from merch.api import bp
from merch.api.access import requires_user
from merch.database import release
from merch.error_responses import ApiError
from merch.models import Role, User
from merch.photos import PhotoRejected, preview_jpeg

_decoding_lock = threading.Lock()
_decoding: dict[int, threading.BoundedSemaphore] = {}


def _budget(limit: int) -> threading.BoundedSemaphore:
    with _decoding_lock:
        if limit not in _decoding:
            _decoding[limit] = threading.BoundedSemaphore(limit)
        return _decoding[limit]


@bp.post("/photos/preview")
@requires_user(Role.STAFF, Role.SUPERVISOR)
def photo_preview(user: User) -> Any:
    """Multipart with one file field ``photo`` → ``image/jpeg``, long side ≤ 1600 px, ≤ 400 KB."""
    if request.mimetype != "multipart/form-data":
        raise ApiError(400, "bad_request")
    files = request.files.getlist("photo")
    if len(files) != 1:
        raise ApiError(400, "bad_request", "photo")
    limit = current_app.config["MAX_PHOTO_BYTES"]
    data = files[0].stream.read(limit + 1)
    if not data:
        raise ApiError(400, "bad_request", "photo")
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", "photo", megabytes=limit // 1_000_000)
    # Nothing below needs the database: the connection goes back before the long decode.
    release()
    budget = _budget(current_app.config["PREVIEW_DECODES_AT_ONCE"])
    if not budget.acquire(blocking=False):
        raise ApiError(503, "service_unavailable", retry_after=2)
    try:
        jpeg, width, height = preview_jpeg(data, max_pixels=current_app.config["MAX_PHOTO_PIXELS"])
    except PhotoRejected as rejected:
        raise ApiError(rejected.status, rejected.code, "photo", **rejected.params) from None
    finally:
        budget.release()
    response = Response(jpeg, mimetype="image/jpeg")
    response.headers["X-Image-Width"] = str(width)
    response.headers["X-Image-Height"] = str(height)
    response.cache_control.no_store = True
    return response
