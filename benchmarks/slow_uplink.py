#!/usr/bin/env python3
"""Slow phones against gunicorn as gunicorn.conf.py serves the app (issue 13, item 1).

Run by hand from the repository root (ports 5140-5149 are this benchmark's):

    .venv/bin/python benchmarks/slow_uplink.py [--slow 4] [--rate 250000] [--megabytes 9.7]
    MERCH_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/merch_i13 \\
        .venv/bin/python benchmarks/slow_uplink.py      # on PostgreSQL (its tables are recreated)

``--slow`` phones each send a checklist of three photos (``--megabytes`` in all) at
``--rate`` bytes per second; while they trickle, other shops submit small checklists,
people sign in and a page is viewed. Then ``--signins`` sign-ins from 8 threads measure
sign-ins per second. Prints every status and the latencies.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

PASSWORD = "bench-pass-123"
PORT = 5144


def noisy_jpeg(seed: int, megabytes: float) -> bytes:
    """A photo that does not compress, of about ``megabytes``."""
    side = int((megabytes * 1_000_000 / 0.98) ** 0.5)
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def multipart(payload: dict, photos: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n{json.dumps(payload)}\r\n'.encode()
    ]
    for name, data in photos.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def zone_at_nine() -> str:
    """A fixed-offset zone where it is now 09:xx: the opening checklist (10:00) is open."""
    offset = 9 - datetime.now(UTC).hour
    if offset < -12:
        offset += 24
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{'+' if offset < 0 else '-'}{abs(offset)}"


def prepare(database_url: str, uploads: str, shops: int) -> None:
    from merch import create_app
    from merch.extensions import db
    from merch.services.setup import install_guide_rules
    from tests import factories

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": uploads})
    with app.app_context():
        db.drop_all()
        db.create_all()
        install_guide_rules(datetime(2026, 1, 1, tzinfo=UTC))
        area = factories.make_area(code="B-01")
        zone = zone_at_nine()
        for number in range(shops):
            shop = factories.make_shop(code=f"B{number:04d}", name=f"bench {number}", area=area, timezone=zone)
            factories.make_user("staff", shop=shop, username=f"bench{number:04d}", password=PASSWORD)
        db.session.commit()
        db.engine.dispose()


def request(method: str, path: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, float, bytes]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, time.monotonic() - started, data


def login(username: str) -> tuple[int, float, str | None]:
    body = json.dumps({"username": username, "password": PASSWORD}).encode()
    status, seconds, data = request("POST", "/api/v1/login", body, {"Content-Type": "application/json"})
    return status, seconds, json.loads(data).get("token") if status == 200 else None


def submit(token: str, body: bytes, content_type: str) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type, "Idempotency-Key": str(uuid.uuid4())}
    status, seconds, _ = request("POST", "/api/v1/submissions", body, headers)
    return status, seconds


def trickle(token: str, body: bytes, content_type: str, rate: int) -> tuple[int, float]:
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=300)
    head = (
        f"POST /api/v1/submissions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Idempotency-Key: {uuid.uuid4()}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    )
    sock.sendall(head.encode())
    chunk = rate // 20
    for offset in range(0, len(body), chunk):
        sock.sendall(body[offset : offset + chunk])
        time.sleep(0.05)
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    sock.close()
    return response.status, time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slow", type=int, default=4)
    parser.add_argument("--rate", type=int, default=250_000)
    parser.add_argument("--megabytes", type=float, default=9.7)
    parser.add_argument("--others", type=int, default=10)
    parser.add_argument("--signins", type=int, default=200)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="merch-bench-"))
    database_url = os.environ.get("MERCH_BENCH_DATABASE_URL") or f"sqlite:///{work / 'bench.sqlite'}"
    shops = args.slow + args.others
    prepare(database_url, str(work / "uploads"), shops)
    env = {
        **os.environ,
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": database_url,
        "MERCH_UPLOAD_FOLDER": str(work / "uploads"),
        "MERCH_BIND": f"127.0.0.1:{PORT}",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "merch:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),  # noqa: SIM115
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        from tests.factories import passing_answers

        print(f"database: {database_url.split(':')[0]}; gunicorn.conf.py; the clock is the machine's", flush=True)
        tokens = [login(f"bench{number:04d}")[2] for number in range(shops)]
        payload = {"shift": "opening", "answers": passing_answers()}
        per_photo = args.megabytes / 3
        big = [noisy_jpeg(n, per_photo) for n in range(3)]
        slow_bodies = [
            multipart(payload, {"photo.folded": big[0] + bytes([n]), "photo.hanging": big[1], "photo.window": big[2]})
            for n in range(args.slow)
        ]
        print(f"slow checklists: {args.slow} x {len(slow_bodies[0][0]) / 1e6:.1f} MB at {args.rate / 1000:.0f} KB/s")
        with ThreadPoolExecutor(max_workers=args.slow) as pool:
            slow = [
                pool.submit(trickle, token, body, kind, args.rate)
                for token, (body, kind) in zip(tokens[: args.slow], slow_bodies, strict=True)
            ]
            time.sleep(3)
            fast = []
            for number, token in enumerate(tokens[args.slow :]):
                body, kind = multipart(payload, {"photo.folded": noisy_jpeg(1000 + number, 0.3)})
                fast.append(("submit", *submit(token, body, kind)))
                fast.append(("sign-in", *login(f"bench{args.slow + number:04d}")[:2]))
                fast.append(("page", *request("GET", "/login")[:2]))
            slow_results = [future.result() for future in slow]
        print("while they uploaded:")
        for kind in ("submit", "sign-in", "page"):
            rows = [row for row in fast if row[0] == kind]
            statuses = sorted({row[1] for row in rows})
            seconds = [row[2] for row in rows]
            print(
                f"  {kind:8} {len(rows)} statuses {statuses} median {statistics.median(seconds) * 1000:.0f} ms"
                f" max {max(seconds) * 1000:.0f} ms"
            )
        print(f"  slow uploads: statuses {[row[0] for row in slow_results]}, {[round(r[1]) for r in slow_results]} s")

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(lambda n: login(f"bench{n % shops:04d}")[0], range(args.signins)))
        elapsed = time.monotonic() - started
        counts = {status: results.count(status) for status in sorted(set(results))}
        print(f"{args.signins} sign-ins from 8 threads: {elapsed:.1f} s, {args.signins / elapsed:.1f}/s, {counts}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
