"""The JSON API under /api/v1 (api.md)."""

from flask import Blueprint, request

from merch.error_responses import ApiError

bp = Blueprint("api", __name__)


@bp.before_request
def _no_nul_in_query_parameters() -> None:
    """A NUL in a query parameter is a bad request: PostgreSQL refuses one in any query (a 500)."""
    for name, value in request.args.items(multi=True):
        if "\x00" in value or "\x00" in name:
            raise ApiError(400, "bad_request", name.replace("\x00", ""))


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
