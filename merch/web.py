"""The factory's register_* steps: extensions, blueprints, errors, template helpers, CLI."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request, send_from_directory
from flask_babel import get_locale
from flask_babel import refresh as refresh_babel

from merch.database import configure_engine, mark_read_only, track_writes
from merch.extensions import babel, compress, csrf, db, login_manager, migrate
from merch.http_hardening import register as register_hardening
from merch.i18n import LANGUAGE_NAMES, LANGUAGES
from merch.i18n.request import current_language, select_locale
from merch.request_body import read_whole_body

MIGRATIONS_FOLDER = Path(__file__).resolve().parent.parent / "migrations"
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Kept on g for one request; "_login_user" is where Flask-Login caches the signed-in user,
# "csrf_token" where Flask-WTF caches the session's signed token.
REQUEST_SCOPED = ("merch_language", "api_user", "api_token", "_login_user", "csrf_token")

# Pages load only their own assets; photo previews are blob: URLs made by the page.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the per-request database mode."""
    import merch.models  # noqa: F401  (registers the tables on the metadata)

    db.init_app(app)
    # Absolute, so `flask db …` works from any working directory.
    migrate.init_app(app, db, directory=str(MIGRATIONS_FOLDER))
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    from merch.auth.signin import install as install_sign_ins
    from merch.auth.signin import load_user

    login_manager.user_loader(load_user)
    install_sign_ins(app)

    with app.app_context():
        configure_engine(db.engine)
    track_writes()

    @app.before_request
    def _start_request() -> None:
        # g lives as long as the app context, which a request shares with an outer one
        # (a CLI command or a test): start each request without another request's caller.
        for name in REQUEST_SCOPED:
            g.pop(name, None)
        refresh_babel()
        mark_read_only(request.method in READ_ONLY_METHODS)
        # Before any view touches the database: a slow upload holds no transaction.
        read_whole_body(request)

    register_hardening(app)

    @app.after_request
    def _secure_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.endpoint in STATIC_ENDPOINTS:
            # send_file sets its own caching, which knows nothing of versioned URLs.
            response.headers["Cache-Control"] = cache_control_for(request.endpoint, request.args)
            if response.status_code == 200 and response.mimetype in app.config["COMPRESS_MIMETYPES"]:
                # Our assets are a few KB: read them here so they are compressed like any
                # page (brotli or gzip) and the file is closed with the response, rather
                # than by the garbage collector after a streamed compression.
                response.direct_passthrough = False
                response.make_sequence()
        else:
            response.headers.setdefault("Cache-Control", cache_control_for(request.endpoint, request.args))
        return response


STATIC_ENDPOINTS = frozenset({"static", "favicon"})
# A year: the longest a browser is asked to keep anything (RFC 9111 suggests no more).
IMMUTABLE_SECONDS = 31_536_000


def cache_control_for(endpoint: str | None, args: Any) -> str:
    """How a response may be cached, unless its view said otherwise.

    Static files whose URL carries their content hash (``asset_url``) never change, so a
    browser keeps them a year without asking. Everything else the app serves is about a
    signed-in user's shop (or is the sign-in page itself), and a shared shop phone or a
    proxy must not keep it.
    """
    if endpoint in STATIC_ENDPOINTS:
        if args.get("v"):
            return f"public, max-age={IMMUTABLE_SECONDS}, immutable"
        return "public, max-age=86400"
    return "private, no-store"


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience."""
    from merch.admin import bp as admin_bp
    from merch.api import bp as api_bp
    from merch.auth import bp as auth_bp
    from merch.staff import bp as staff_bp
    from merch.supervise import bp as supervise_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(supervise_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # the API checks X-CSRFToken itself, only for cookie sessions


def register_error_handlers(app: Flask) -> None:
    """Pages get a friendly page in the reader's language; the API gets JSON errors."""
    from merch.error_responses import register

    register(app)


@lru_cache(maxsize=256)
def _asset_digest(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def register_template_helpers(app: Flask) -> None:
    """Globals every template can use: cache-busted assets and the language list."""
    from flask import url_for

    static_folder = Path(app.static_folder or "static")

    def asset_url(filename: str) -> str:
        path = static_folder / filename
        version = _asset_digest(str(path), path.stat().st_mtime)
        return url_for("static", filename=filename, v=version)

    # Browsers ask for /favicon.ico whatever the page links; answer it from the icon set.
    app.add_url_rule(
        "/favicon.ico",
        endpoint="favicon",
        view_func=lambda: send_from_directory(static_folder / "icons", "favicon.ico", max_age=86_400),
    )

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "asset_url": asset_url,
            "languages": LANGUAGES,
            "language_names": LANGUAGE_NAMES,
            "html_lang": str(current_language()),
            "babel_locale": get_locale,
        }


def register_commands(app: Flask) -> None:
    """flask --app merch init-db | seed-demo | create-user."""
    from merch.cli import register

    register(app)
