"""The brand admin's console: areas, shops, people, the rulebook, imports and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
