"""Fixtures for the security tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from merch import create_app
from merch.extensions import db


@pytest.fixture
def make_proxied_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """The same app behind N trusted proxies (MERCH_PROXY_COUNT), on the same database."""
    made: list[Flask] = []

    def make(proxies: int = 1, **extra: Any) -> Flask:
        proxied = create_app({**app.config, "PROXY_COUNT": proxies, **extra})
        made.append(proxied)
        return proxied

    yield make
    for proxied in made:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()
