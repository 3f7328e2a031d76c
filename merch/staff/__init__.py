"""The shop assistant's pages: today's checklists, filling one in, the result, the installable app."""

from flask import Blueprint

bp = Blueprint("staff", __name__)

from merch.staff import actions, offline, routes, switch  # noqa: E402,F401
