"""The console's start page: one link per section."""

from __future__ import annotations

from typing import Any

from flask import render_template

from merch.admin import bp


@bp.get("/")
def home() -> Any:
    return render_template("admin/home.html")
