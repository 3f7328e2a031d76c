"""The installable app: its web manifest and the service worker that opens it offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from merch.staff import bp

# What the phone keeps to open the checklist with no network (static/js/sw.js).
SHELL_ASSETS = (
    "css/app.css",
    "js/store.js",
    "js/photos.js",
    "js/colours.js",
    "js/checklist.js",
    "icons/icon-192.png",
)


@bp.get("/sw.js")
def service_worker() -> Any:
    """Served from the root so its scope covers every page; the asset list versions it."""
    folder = Path(current_app.static_folder or "static")
    body = render_template("sw.js", assets=[name for name in SHELL_ASSETS if (folder / name).is_file()])
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest() -> Any:
    """The web manifest, named in the reader's language."""
    body = {
        "name": _("merch: shop displays"),
        "short_name": "merch",
        "start_url": url_for("staff.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#1f2937",
        "icons": [
            {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response
