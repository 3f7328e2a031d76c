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
    _trust_proxies(app)

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
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind nginx (MERCH_PROXY_COUNT=1) the client's address and scheme come from its headers."""
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def _fill_paths(app: Flask) -> None:
    """Derive the instance-folder defaults: the SQLite file, uploads and the secret key."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'merch.sqlite'}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(PROJECT_ROOT / "uploads")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)


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
