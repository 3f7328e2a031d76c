"""merch: keeps a clothing brand's shop displays the way its merchandising guide says."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from merch.config import Config, settings_from_environment

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then the environment, then ``config`` (tests pass theirs)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_object(Config)
    app.config.update(settings_from_environment(os.environ))
    if config:
        app.config.update(config)
    _fill_paths(app)
    from merch import passwords

    passwords.install(app.extensions, app.config)
    _check_brand_timezone(app.config.get("BRAND_TIMEZONE"))

    from merch.web import (
        register_blueprints,
        register_commands,
        register_error_handlers,
        register_extensions,
        register_template_helpers,
    )

    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Outermost: the client's address and scheme as the documented proxies report them; only
        # the last PROXY_COUNT hops are trusted, so a client cannot forge its address.
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    return app


def _check_brand_timezone(name: Any) -> None:
    """Refuse to start with a BRAND_TIMEZONE (MERCH_BRAND_TIMEZONE) that names no zone."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(str(name))
    except (ValueError, KeyError, OSError) as error:
        raise RuntimeError(f"BRAND_TIMEZONE must be an IANA time zone such as Asia/Shanghai, not {name!r}") from error


def _fill_paths(app: Flask) -> None:
    """Derive the instance-folder defaults: the SQLite file, uploads and the secret key."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'merch.sqlite'}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(PROJECT_ROOT / "uploads")
    if not app.config.get("SECRET_KEY"):
        if _serving() and not (app.debug or app.testing):
            raise RuntimeError(NO_SECRET_KEY)
        app.config["SECRET_KEY"] = _instance_secret(instance)
    elif _serving() and not (app.debug or app.testing) and not _is_real_secret(app.config["SECRET_KEY"]):
        raise RuntimeError(NO_SECRET_KEY)


NO_SECRET_KEY = (
    "SECRET_KEY is not set or is a placeholder: set it to a long random value, the same on every "
    "app server, e.g. SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))'). "
    "(python3 dev.py run makes one for you.)"
)
PLACEHOLDER_SECRETS = frozenset({"dev", "secret", "changeme", "change-me", "test", "test-secret", "secret-key"})


def _is_real_secret(value: Any) -> bool:
    text = str(value)
    return len(text) >= 24 and text.lower() not in PLACEHOLDER_SECRETS


def _serving() -> bool:
    """Whether this app is built to answer requests (a WSGI server or ``flask run``),
    rather than for a ``flask`` command such as ``db upgrade``, which signs nothing."""
    import click

    context = click.get_current_context(silent=True)
    return context is None or context.command.name == "run"


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so sessions survive restarts.

    Several app servers must share one key: set SECRET_KEY in their environment.
    """
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
