"""A phone on a slow uplink holds no lock and no worker (issue 13, item 1).

A live server (threads, like gunicorn's gthread workers) receives a checklist trickled
at 250 KB/s by a raw socket. Halfway through its body the trickle pauses, holding its
connection open, while two other shops submit and two people sign in: every one of them
must be answered before the trickle resumes. Before this was fixed, the trickling
request took SQLite's write lock when it authenticated, before reading its body, and
the others waited the busy timeout out and got 503. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import http.client
import io
import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.serving import make_server

from merch.database import mark_read_only
from merch.extensions import db
from merch.models import Submission
from tests import factories
from tests.conftest import api_login

PORTS = range(5140, 5150)  # this engineer's ports (PROTOCOL.md)
RATE = 250_000  # bytes per second
CHUNK = 12_500  # 50 ms of upload


@pytest.fixture
def server(app) -> Iterator[tuple[str, int]]:
    for port in PORTS:
        try:
            live = make_server("127.0.0.1", port, app, threaded=True)
            break
        except OSError:
            continue
    else:
        pytest.skip("no free port in 5140-5149")
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", port
    finally:
        live.shutdown()
        thread.join(timeout=10)


def noisy_jpeg(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    """A photo that does not compress: a few hundred KB, like a phone's reduced copy."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(rng.getrandbits(8) for _ in range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def multipart(payload: dict[str, Any], photos: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "merch-slow-uplink-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'.encode()
        + json.dumps(payload).encode()
        + b"\r\n"
    ]
    for name, data in photos.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def submission_body(seed: int) -> tuple[bytes, str]:
    photos = {f"photo.{area}": noisy_jpeg(seed * 10 + n) for n, area in enumerate(("folded", "hanging", "window"))}
    return multipart({"shift": "opening", "answers": factories.passing_answers()}, photos)


def read_status(sock: socket.socket) -> int:
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    return response.status


def test_a_checklist_trickling_in_at_250_kb_s_holds_up_no_other_shop(app, server, staff):
    others = [factories.make_shop(code=f"ZZ10{n}", name=f"shop {n}") for n in (1, 2)]
    other_staff = [factories.make_user("staff", shop=shop, username=f"other{n}") for n, shop in enumerate(others)]
    db.session.commit()
    client = app.test_client()
    slow_headers = api_login(client, staff.username)
    other_headers = [api_login(client, user.username) for user in other_staff]
    other_names = [user.username for user in other_staff]
    # The test's own session holds nothing while the server works (and reads deferred).
    db.session.rollback()
    mark_read_only(True)
    host, port = server
    body, content_type = submission_body(1)
    assert len(body) > 1_000_000  # four seconds and more at 250 KB/s

    halfway, resume = threading.Event(), threading.Event()
    slow_result: dict[str, Any] = {}

    def trickle() -> None:
        sock = socket.create_connection((host, port), timeout=60)
        head = (
            f"POST /api/v1/submissions HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Authorization: {slow_headers['Authorization']}\r\nIdempotency-Key: {factories.new_key()}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        started = time.monotonic()
        for offset in range(0, len(body), CHUNK):
            if offset >= len(body) // 2 and not halfway.is_set():
                halfway.set()
                resume.wait(timeout=60)
            sock.sendall(body[offset : offset + CHUNK])
            time.sleep(CHUNK / RATE)
        slow_result["seconds"] = time.monotonic() - started
        slow_result["status"] = read_status(sock)
        sock.close()

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        assert halfway.wait(timeout=30)
        answered = []
        for n, headers in enumerate(other_headers):
            other_body, other_type = submission_body(10 + n)
            connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request(
                "POST",
                "/api/v1/submissions",
                body=other_body,
                headers={**headers, "Idempotency-Key": factories.new_key(), "Content-Type": other_type},
            )
            answered.append(connection.getresponse().status)
            connection.close()
        for username in other_names:
            connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request(
                "POST",
                "/api/v1/login",
                body=json.dumps({"username": username, "password": factories.PASSWORD}),
                headers={"Content-Type": "application/json"},
            )
            answered.append(connection.getresponse().status)
            connection.close()
        # Everyone was answered while the slow phone was still halfway through its upload.
        assert not resume.is_set()
        assert answered == [201, 201, 200, 200]
    finally:
        resume.set()
        thread.join(timeout=120)

    assert slow_result["status"] == 201
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 3
