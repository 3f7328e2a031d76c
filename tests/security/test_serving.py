"""gunicorn as gunicorn.conf.py sets it up: threaded workers, and gunicorn's own error
pages carry the security headers (issue 13, items 1 and 11)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("gunicorn")

ROOT = Path(__file__).resolve().parents[2]
PORT = 5143


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "gunicorn exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


@pytest.fixture
def gunicorn(tmp_path):
    env = {
        **os.environ,
        "SECRET_KEY": "a" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite'}",
        "MERCH_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MERCH_BIND": f"127.0.0.1:{PORT}",
        "MERCH_WORKERS": "1",
        "MERCH_THREADS": "2",
    }
    env.pop("FLASK_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "merch:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(PORT, process)
        yield PORT
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _headers(answer: bytes) -> dict[str, str]:
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in head)}


def test_gunicorns_own_error_page_carries_the_security_headers(gunicorn):
    answer = _raw(gunicorn, b"NOT A REQUEST LINE\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 400")
    headers = _headers(answer)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_the_app_is_served_by_threaded_workers_with_its_headers(gunicorn):
    answer = _raw(gunicorn, b"GET /login HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")

    assert answer.startswith(b"HTTP/1.1 200")
    headers = _headers(answer)
    assert headers["x-content-type-options"] == "nosniff"
    assert "no-store" in headers["cache-control"]


class _Log:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def exception(self, message: str) -> None:
        self.errors.append(message)


class _Worker:
    def __init__(self) -> None:
        self.log = _Log()


def test_each_worker_warms_the_photo_check_and_a_failed_warm_up_does_not_stop_the_server(monkeypatch):
    import runpy

    import merch.evidence

    hook = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["post_worker_init"]
    warmed: list[bool] = []
    monkeypatch.setattr(merch.evidence, "warm_up", lambda: warmed.append(True))
    worker = _Worker()
    hook(worker)
    assert warmed == [True] and worker.log.errors == []

    def broken() -> None:
        raise OSError("llvmlite will not load")

    monkeypatch.setattr(merch.evidence, "warm_up", broken)
    hook(worker)  # a worker that raised here would halt gunicorn
    assert worker.log.errors == ["the photo check's warm-up failed; the first close call will do it"]
