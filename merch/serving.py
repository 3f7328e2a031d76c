"""Production serving with gunicorn (``gunicorn.conf.py``): threaded workers, so a phone
on a slow uplink occupies one thread while its checklist arrives, not a whole worker,
and gunicorn's timeout does not cut it off (a gthread worker's timeout is its heartbeat,
not a request's duration); and gunicorn's own error pages (a malformed request line, a
header too large) carry the app's security headers like every page the app makes.

Linux only, like gunicorn; nothing here runs at import time.
"""

from __future__ import annotations

import html
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import ThreadWorker as _GunicornThreadWorker

from merch.web import SECURITY_HEADERS


def write_error_with_headers(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's own error answer, with the security headers and no caching."""
    page = (
        f"<!doctype html><html><head><title>{html.escape(reason)}</title></head>"
        f"<body><h1>{html.escape(reason)}</h1><p>{html.escape(mesg)}</p></body></html>"
    ).encode()
    headers = {
        "Connection": "close",
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": str(len(page)),
        "Cache-Control": "no-store",
        **SECURITY_HEADERS,
    }
    head = f"HTTP/1.1 {status_int} {reason}\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    util.write_nonblock(sock, head.encode("latin-1") + b"\r\n" + page)


class ThreadWorker(_GunicornThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker with the app's headers on gunicorn's own error pages."""

    def init_process(self) -> None:
        # gunicorn's workers all answer their errors through util.write_error.
        util.write_error = write_error_with_headers
        super().init_process()
