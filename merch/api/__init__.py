"""The JSON API under /api/v1 (api.md)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from merch.api import actions, board, checklist, login, openapi, photos, rankings, review, rules, submissions  # noqa: E402,F401
