"""The app as the SIGKILL test's gunicorn serves it (test code only; see test_crash_safety.py).

``gunicorn -c gunicorn.conf.py 'tests.security.crash_app:create()'``: the production
config and worker class, the real app, with a pinned clock (``MERCH_TEST_NOW``, so the
opening checklist is open whatever the hour) and one addition: a request carrying
``X-Test-Crash: <point>[:<n>]`` kills the whole server (master and workers, SIGKILL to
its process group) at the n-th time that request reaches the point:

- ``fsync``: a photo file is written to its temporary name, not yet renamed;
- ``put``: a photo file is complete (between two files);
- ``commit``: the submission's writing transaction is flushed, its COMMIT not yet sent;
- ``committed``: the COMMIT has returned, the answer is not yet sent.

Other requests (and every request without the header) are served normally.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from merch import create_app
from merch.extensions import db
from merch.models import Submission
from merch.storage import folder

_plan = threading.local()


def _crash() -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _reached(point: str) -> None:
    wanted = getattr(_plan, "point", None)
    if wanted != point:
        return
    _plan.count += 1
    if _plan.count >= _plan.nth:
        _crash()


def _install_hooks(app: Flask) -> None:
    real_fsync = folder.os.fsync
    real_put = folder.LocalFolderStorage.put

    def fsync(fd: int) -> None:
        real_fsync(fd)
        _reached("fsync")

    def put(self: folder.LocalFolderStorage, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        real_put(self, key, data, content_type)
        _reached("put")

    folder.os.fsync = fsync  # type: ignore[assignment]
    folder.LocalFolderStorage.put = put  # type: ignore[method-assign]

    @event.listens_for(Session, "after_flush")
    def flushed(session: Session, context: Any) -> None:
        if any(isinstance(item, Submission) for item in session.new):
            _plan.submission_flushed = True

    @event.listens_for(Session, "after_commit")
    def committed(session: Session) -> None:
        if getattr(_plan, "submission_flushed", False):
            _reached("committed")

    with app.app_context():

        @event.listens_for(db.engine, "commit")
        def committing(connection: Any) -> None:
            if getattr(_plan, "submission_flushed", False):
                _reached("commit")

    inner = app.wsgi_app

    def armed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        point, _, nth = environ.get("HTTP_X_TEST_CRASH", "").partition(":")
        _plan.point = point or None
        _plan.nth = int(nth or 1)
        _plan.count = 0
        _plan.submission_flushed = False
        try:
            return inner(environ, start_response)
        finally:
            _plan.point = None
            _plan.submission_flushed = False

    app.wsgi_app = armed  # type: ignore[method-assign]


def create() -> Flask:
    """The app for gunicorn, configured from the environment like production."""
    now = datetime.fromisoformat(os.environ["MERCH_TEST_NOW"])
    app = create_app({"CLOCK": lambda: now})
    _install_hooks(app)
    return app
