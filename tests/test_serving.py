"""Serving behind a reverse proxy: forwarded headers are believed only when configured."""

from __future__ import annotations

import pytest
from flask import request

from merch import create_app


@pytest.mark.parametrize(("proxies", "seen"), [(0, "127.0.0.1"), (1, "203.0.113.9")])
def test_the_client_address_comes_from_the_proxy_only_when_one_is_configured(tmp_path, proxies, seen):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "PROXY_COUNT": proxies,
        }
    )
    app.add_url_rule("/_address", "address", lambda: f"{request.remote_addr} {request.scheme}")

    answer = app.test_client().get(
        "/_address",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )

    assert answer.get_data(as_text=True) == f"{seen} {'https' if proxies else 'http'}"
