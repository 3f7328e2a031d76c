"""Fuzz the served API with schemathesis (issue 13, item 9): no 5xx, no answer outside its schema.

    .venv/bin/python .ci/fuzz_api.py                                   # SQLite in a temporary folder
    .venv/bin/python .ci/fuzz_api.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test

The script EMPTIES the database it is given, applies the migrations, adds the guide's rules
and the demo data (``init-db``, ``seed-demo``), starts the production server (gunicorn with
``gunicorn.conf.py``, one threaded worker) on loopback, sends one real checklist with photos
as the demo assistant (so a submission, its photos and its shop exist to be read), then runs
``schemathesis run`` against ``/api/v1/openapi.json`` once per role (assistant, supervisor,
admin), each authenticated with its own bearer token, with ``--max-examples`` per operation
and a time budget. Checks: not_a_server_error, status_code_conformance,
response_schema_conformance. ``POST /api/v1/logout`` is left out of the runs because it
would revoke the run's own token (it is covered by tests/api/test_login.py).

Exits 1 when any run found a failure (its report is printed), 0 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "fuzz-pass-123"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
ROLES = ("demo", "super1", "admin")  # the assistant of ZZ900 (open all day), its supervisor, an admin


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def empty_database(url: str, uploads: Path) -> None:
    """Drop every table (and Alembic's record), so init-db starts from nothing."""
    from sqlalchemy import inspect, text

    from merch import create_app
    from merch.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(uploads), "SECRET_KEY": "x" * 64})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            if "alembic_version" in inspect(connection).get_table_names():
                connection.execute(text("DROP TABLE alembic_version"))
        db.engine.dispose()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    try:
        return response.status, json.loads(data) if data else None
    except ValueError:
        return response.status, data


def token(port: int, username: str) -> str:
    status, body = request(
        port,
        "POST",
        "/api/v1/login",
        json.dumps({"username": username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    if status != 200:
        raise SystemExit(f"sign-in of {username} failed: {status} {body}")
    return str(body["token"])


def noisy_jpeg(seed: int) -> bytes:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.frombytes("RGB", (160, 120), bytes(rng.getrandbits(8) for _ in range(160 * 120 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def submit_one_checklist(port: int, bearer: str) -> tuple[int, int]:
    """A real opening checklist with three photos; returns (submission id, a photo id)."""
    from tests.factories import passing_answers

    boundary = "merch-fuzz-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'.encode()
        + json.dumps({"shift": "opening", "answers": passing_answers()}).encode()
        + b"\r\n"
    ]
    for n, area in enumerate(("folded", "hanging", "window")):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo.{area}"; filename="{area}.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode()
            + noisy_jpeg(n)
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    status, body = request(
        port,
        "POST",
        "/api/v1/submissions",
        b"".join(parts),
        {
            "Authorization": f"Bearer {bearer}",
            "Idempotency-Key": secrets.token_hex(16),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    if status != 201:
        raise SystemExit(f"the seed checklist was refused: {status} {body}")
    photo_ids = [photo["id"] for photos in body["photos"].values() for photo in photos]
    return int(body["id"]), int(photo_ids[0])


def write_config(path: Path, submission_id: int, photo_id: int) -> None:
    """Real identifiers for the path parameters, so the runs reach past the 404s."""
    path.write_text(
        "\n".join(
            [
                "[[operations]]",
                'include-name = "GET /api/v1/photos/{id}"',
                f'parameters = {{ "path.id" = {photo_id} }}',
                "",
                "[[operations]]",
                'include-path-regex = "^/api/v1/submissions/\\\\{id\\\\}"',
                f'parameters = {{ "path.id" = {submission_id} }}',
                "",
                "[[operations]]",
                'include-path = "/api/v1/stores/{code}/trend"',
                'parameters = { "path.code" = "ZZ900" }',
                "",
            ]
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="SQLAlchemy URL (EMPTIED first); default: SQLite in a temporary folder")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--max-examples", type=int, default=20, help="examples per operation and phase")
    parser.add_argument("--max-time", type=int, default=240, help="seconds per role's run")
    parser.add_argument("--seed", type=int, default=13, help="the same cases on every CI run; change it to explore")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))

    work = Path(tempfile.mkdtemp(prefix="merch-fuzz-"))
    url = args.database or f"sqlite:///{work / 'merch.sqlite'}"
    port = args.port or free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "MERCH_UPLOAD_FOLDER": str(work / "uploads"),
        "SECRET_KEY": secrets.token_hex(32),
        "MERCH_DEMO_PASSWORD": PASSWORD,
        "MERCH_BIND": f"127.0.0.1:{port}",
        "MERCH_WORKERS": "1",
        "PYTHONPATH": str(REPO),
    }
    for name in ("MERCH_S3_BUCKET", "MERCH_REDIS_URL"):
        env.pop(name, None)
    if args.database:
        empty_database(url, work / "uploads")
    for command in ("init-db", "seed-demo"):
        subprocess.run([BIN / "flask", "--app", "merch", command], cwd=REPO, env=env, check=True, capture_output=True)  # noqa: S603

    log = open(work / "gunicorn.log", "wb")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [BIN / "gunicorn", "-c", "gunicorn.conf.py", "merch:create_app()"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    failed = False
    try:
        for _ in range(600):
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited: {(work / 'gunicorn.log').read_text()[-3000:]}")
            try:
                if request(port, "GET", "/api/v1/openapi.json")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        tokens = {username: token(port, username) for username in ROLES}
        submission_id, photo_id = submit_one_checklist(port, tokens["demo"])
        config = work / "schemathesis.toml"
        write_config(config, submission_id, photo_id)
        for username in ROLES:
            print(f"--- schemathesis as {username}", flush=True)
            started = time.monotonic()
            run = subprocess.run(  # noqa: S603 - fixed arguments
                [
                    BIN / "schemathesis",
                    "--config-file",
                    config,
                    "run",
                    f"http://127.0.0.1:{port}/api/v1/openapi.json",
                    "--header",
                    f"Authorization: Bearer {tokens[username]}",
                    "--exclude-path",
                    "/api/v1/logout",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(args.max_examples),
                    "--max-time",
                    str(args.max_time),
                    "--workers",
                    "1",  # two threads once hit a KeyError inside hypothesis (schemathesis 4.32.5)
                    "--no-color",
                    "--seed",
                    str(args.seed),
                ],
                cwd=work,
                capture_output=True,
                text=True,
            )
            summary = [line for line in run.stdout.splitlines() if "generated" in line or "failures" in line]
            print(f"{username}: exit {run.returncode}, {time.monotonic() - started:.0f} s; {' '.join(summary).strip()}")
            if run.returncode != 0:
                failed = True
                print(run.stdout[-20000:])
                print(run.stderr[-3000:])
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
    server_errors = [line for line in (work / "gunicorn.log").read_text().splitlines() if '" 50' in line]
    if server_errors:
        failed = True
        print("--- 5xx in the server's access log:")
        print("\n".join(server_errors[:50]))
    if failed:
        print(f"--- the server's log and the database are kept in {work}")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
