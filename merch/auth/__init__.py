"""Signing in and out of the pages, and choosing a language."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from merch.auth import routes  # noqa: E402,F401
