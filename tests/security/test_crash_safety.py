"""A server killed in the middle of a submission keeps all of it or none (issue 13, item 10).

The real production server (gunicorn with ``gunicorn.conf.py``'s threaded worker class,
one worker, in a process group of its own) serves the app on this test's database. Twenty
times, a shop sends its checklist with three photos and the whole server is killed with
SIGKILL at another moment: while its body is still arriving, while a photo file is being
written (written, not yet renamed), between two photo files, before the COMMIT, after the
COMMIT but before the answer, or at a time-based offset once the body is sent. The server
is started again and the phone's retry (same Idempotency-Key, same bytes) is answered
201 or 200 with exactly one stored checklist holding its three photos, every file present.

Files are written before the rows that point at them, so a crash between the two leaves
files no row names: the sweep (``check-storage --remove-orphans``, the same function) finds
them and removes them all, and afterwards every file belongs to a row and every row finds
its file. On SQLite, ``PRAGMA integrity_check`` is ``ok`` after every kill.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from merch.database import mark_read_only
from merch.extensions import db
from merch.models import IdempotencyRecord, Photo, Submission
from merch.models.org import User
from merch.services.accounts import issue_token
from merch.services.storage_check import ORPHAN_GRACE, check_storage
from merch.storage import storage_for
from tests import factories
from tests.conftest import DEFAULT_NOW
from tests.security.test_slow_uplink import multipart, noisy_jpeg

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="gunicorn and process groups: Linux only")

REPO = Path(__file__).resolve().parents[2]
PORTS = range(5336, 5340)  # this engineer's ports (PROTOCOL.md)

# Where each of the 20 kills falls. body:<f> = after a fraction f of the body was sent;
# after:<s> = s seconds after the whole body was sent; the rest are crash_app's points.
PLANS = [
    "body:0.1",
    "body:0.5",
    "body:0.95",
    "fsync:1",
    "fsync:3",
    "fsync:6",
    "put:1",
    "put:2",
    "put:4",
    "put:5",
    "commit",
    "commit",
    "committed",
    "committed",
    "after:0",
    "after:0.05",
    "after:0.1",
    "after:0.2",
    "after:0.4",
    "after:0.8",
]


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 5336-5339")


class Server:
    """gunicorn in its own process group, started and killed by the test."""

    def __init__(self, app: Any, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MERCH_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
            "SECRET_KEY": secrets.token_hex(32),
            "MERCH_BIND": f"127.0.0.1:{port}",
            "MERCH_WORKERS": "1",
            "MERCH_THREADS": "4",
            "MERCH_TEST_NOW": DEFAULT_NOW.isoformat(),
        }
        for name in ("MERCH_S3_BUCKET", "MERCH_REDIS_URL"):
            self.env.pop(name, None)

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tests.security.crash_app:create()"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for _ in range(600):
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/openapi.json")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail("gunicorn did not answer within a minute")

    def kill(self) -> None:
        """SIGKILL to the whole process group (master and workers), then reap."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def dead(self) -> bool:
        return self.process is not None and self.process.poll() is not None


def send(port: int, headers: dict[str, str], body: bytes, plan: str | None, server: Server) -> int | None:
    """POST the body; kill the server where the plan says. The status, or None when cut off."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    lines = ["POST /api/v1/submissions HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines.append(f"Content-Length: {len(body)}")
    point, _, argument = (plan or "").partition(":")
    if point and point not in ("body", "after"):
        lines.append(f"X-Test-Crash: {plan}")
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        if point == "body":
            sock.sendall(body[: int(len(body) * float(argument))])
            time.sleep(0.2)  # the worker is now waiting for the rest
            server.kill()
            return None
        sock.sendall(body)
        if point == "after":
            time.sleep(float(argument))
            server.kill()
        response = http.client.HTTPResponse(sock)
        response.begin()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        sock.close()


def sqlite_integrity(app: Any) -> str | None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        return None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def test_a_server_killed_mid_submission_keeps_all_or_nothing_and_the_retry_stores_one(app, tmp_path):
    shops = [factories.make_shop(code=f"ZK{n:03d}", name=f"crash shop {n}") for n in range(len(PLANS))]
    users = []
    for n, shop in enumerate(shops):
        # The bearer token is issued directly: the test is about the submission, not sign-in.
        user = User(username=f"crash{n}", name="Crash test", role="staff", shop=shop, password_hash="!")
        db.session.add(user)
        users.append(user)
    db.session.flush()
    tokens = [issue_token(user, DEFAULT_NOW, days=1)[0] for user in users]
    db.session.commit()
    db.session.rollback()
    mark_read_only(True)

    port = free_port()
    server = Server(app, port, tmp_path / "gunicorn.log")
    server.start()
    storage = storage_for(app)
    outcomes: list[tuple[str, int | None, int | None]] = []
    try:
        for n, plan in enumerate(PLANS):
            photos = {
                f"photo.{area}": noisy_jpeg(1000 + n * 3 + i, (320, 240))
                for i, area in enumerate(("folded", "hanging", "window"))
            }
            body, content_type = multipart({"shift": "opening", "answers": factories.passing_answers()}, photos)
            headers = {
                "Authorization": f"Bearer {tokens[n]}",
                "Idempotency-Key": factories.new_key(),
                "Content-Type": content_type,
            }
            first = send(port, headers, body, plan, server)
            if not server.dead():
                server.kill()  # a plan that finished before its kill: the server dies idle
            assert server.dead()
            assert sqlite_integrity(app) in (None, "ok"), plan

            server.start()
            retry = send(port, headers, body, None, server)
            outcomes.append((plan, first, retry))
            if not plan.startswith("after"):
                assert first is None, (plan, first)  # the kill came before any answer
            assert retry in (200, 201), (plan, first, retry, server.log.read_text()[-2000:])

            db.session.rollback()
            stored = db.session.scalars(select(Submission).where(Submission.shop_id == shops[n].id)).all()
            assert len(stored) == 1, plan
            records = db.session.scalar(
                select(func.count()).select_from(IdempotencyRecord).where(IdempotencyRecord.user_id == users[n].id)
            )
            assert records == 1, plan
            assert len(stored[0].photos) == 3, plan
            for photo in stored[0].photos:
                assert storage.exists(photo.display_path) and storage.exists(photo.thumb_path), plan
            # A checklist that was stored before its kill is replayed, never stored again.
            if first in (200, 201) or plan == "committed":
                assert retry == 200, plan
    finally:
        server.kill()

    # The kills while files were written left files no row names; the sweep takes them all.
    db.session.rollback()
    later = datetime.now(UTC) + ORPHAN_GRACE * 2
    swept = check_storage(storage, later, remove_orphans=True)
    assert swept.missing == []
    after = check_storage(storage, later)
    assert (after.orphans, after.recent_orphans, after.missing) == ([], [], [])
    photos = db.session.scalar(select(func.count()).select_from(Photo))
    assert photos == 3 * len(PLANS)
    assert after.files == 2 * photos
    assert sqlite_integrity(app) in (None, "ok")
    # The kills that fell among the file writes really left files behind to sweep.
    assert len(swept.removed) >= sum(1 for plan, _, _ in outcomes if plan.startswith(("fsync", "put")))
