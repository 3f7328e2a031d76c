"""The shop assistant's pages: today's checklists, filling one in, the result."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from merch.staff import routes  # noqa: E402,F401
