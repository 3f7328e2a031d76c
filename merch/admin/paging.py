"""Paginated lists: a page of rows in two queries (count and rows), whatever the page size."""

from __future__ import annotations

from typing import Any

from flask import request

from merch.extensions import db

PER_PAGE = 50


def page_of(query: Any, per_page: int = PER_PAGE) -> Any:
    """The requested page (``?page=``; a bad or too large number shows the nearest page)."""
    page = request.args.get("page", default=1, type=int) or 1
    return db.paginate(query, page=max(page, 1), per_page=per_page, error_out=False, count=True)


def other_args(**changes: Any) -> dict[str, Any]:
    """The current query string with some values changed (for page links)."""
    args = {key: value for key, value in request.args.items() if value}
    args.update({key: value for key, value in changes.items()})
    return args
