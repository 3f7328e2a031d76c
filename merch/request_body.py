"""Read the whole request body before the view runs.

A phone on a slow uplink can take minutes to send a checklist with photos. Reading the
body first means no database transaction (and on SQLite no write lock) is open while
the bytes arrive; the view then works from memory (form fields) and spooled files.
A body whose declared length is over the limit is left unread: the first access answers
413 without waiting for it, after the view's own checks (401, 403, 400) as api.md orders.
"""

from __future__ import annotations

from flask import Request

FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def read_whole_body(request: Request) -> None:
    """Parse the form (files are spooled) or cache the raw body, now."""
    if request.method not in BODY_METHODS:
        return
    length = request.content_length
    limit = request.max_content_length
    if length is not None and limit is not None and length > limit:
        return
    if request.mimetype in FORM_TYPES:
        request.form  # noqa: B018  (parses form and files)
    else:
        request.get_data()
