"""The area supervisor's pages: review queue, board, actions, visits, rankings."""

from flask import Blueprint

bp = Blueprint("supervise", __name__, url_prefix="/supervise")

from merch.supervise import rankings  # noqa: E402,F401
