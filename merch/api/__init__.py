"""The JSON API under /api/v1 (api.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from merch.api import (  # noqa: E402,F401
    actions,
    board,
    checklist,
    login,
    openapi,
    photos,
    previews,
    rankings,
    review,
    rules,
    submissions,
)
