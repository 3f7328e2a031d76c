"""Response hardening for the API and sign-in (issue 13, item 11).

- behind HTTPS (directly or through the documented proxies, ``MERCH_PROXY_COUNT``),
  every cookie is ``Secure`` and the answer carries HSTS.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request

HSTS = "max-age=31536000; includeSubDomains"


def _harden(response: Response) -> Response:
    # Cache-Control: the page layer (merch.web.cache_control_for) gives every answer but
    # static files "private, no-store", JSON and sign-in included; tests/security checks it.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


class SecureCookiesOverHttps:
    """WSGI middleware: over HTTPS, every Set-Cookie gets ``Secure``.

    At this level it sees the cookies Flask and Flask-Login add after the app's own
    after-request hooks (the session cookie, the remember cookie). It sits inside
    ProxyFix, so "HTTPS" is what the trusted proxy reports.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("wsgi.url_scheme") != "https":
            return self.app(environ, start_response)

        def secure_start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
            fixed = [
                (name, f"{value}; Secure")
                if name.lower() == "set-cookie" and "secure" not in {part.strip().lower() for part in value.split(";")}
                else (name, value)
                for name, value in headers
            ]
            return start_response(status, fixed, *args)

        return self.app(environ, secure_start_response)


def register(app: Flask) -> None:
    app.after_request(_harden)
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
