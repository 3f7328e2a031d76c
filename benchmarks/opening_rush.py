#!/usr/bin/env python3
"""The opening rush: N shops each submit an opening checklist with three photos within a minute.

Run by hand, on loopback only, from the repository root, e.g.:

    .venv/bin/python benchmarks/opening_rush.py --database postgresql://postgres@127.0.0.1:5432/merch_i12 \\
        --photos full --workers 4 --port 5131
    .venv/bin/python benchmarks/opening_rush.py --database sqlite --photos reduced

It empties the database it is given (``sqlite`` means a fresh file under /tmp), makes the
shops and their staff, starts gunicorn with ``--workers`` sync workers on 127.0.0.1:PORT,
signs every shop in, then lets each shop submit at a random moment within ``--window``
seconds, the way phones do: a fresh Idempotency-Key per checklist, and on a dropped
connection, a 5xx or a timeout the same request again with the same key (at most 3 tries).
Afterwards it counts in the database what was stored: every shop's checklist exactly once,
with all its photos, and prints completed / failed / duplicated, latency percentiles, and
the CPU time the app workers spent per checklist. Bounded: at most --shops requests (plus
retries) and --deadline seconds; gunicorn is stopped at the end whatever happens.

Photos: ``reduced`` is what the phone page sends after reducing (1600 px, about 300 KB),
``full`` a camera original (4032x3024 JPEG, about 4 MB), ``heic`` an iPhone's 12 MP HEIC.
Scenes: with ``--scenes distinct`` (the default) every shop photographs its own display: each
photo is a different picture (the base picture with the shop's own garments, coloured blocks at
places of its own), as in a real rush, where the evidence check finds nothing close. With
``--scenes copies`` every shop sends the same three pictures, only made byte-unique (a comment
segment in a JPEG, a trailing ``free`` box in HEIC): from the second shop on, every photo is a
perceptual copy of an earlier one, so each one goes through the evidence check's detailed
comparison and is flagged ``reused`` — the worst case for the lookup, not a realistic rush.
Distinct scenes are made once per kind and shop number and cached under /tmp.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image  # noqa: E402

AREAS = ("folded", "hanging", "window")
PASSWORD = "rush-pass-1234"
SECRET = "rush-benchmark-" + "9f2c4e7a1b3d5f6081a2c3e4d5f60718"  # loopback only


# --- photos ----------------------------------------------------------------------------


def _photo_like(width: int, height: int, seed: int) -> Image.Image:
    """Gradients with sensor-like noise: decodes like a photo, not like flat colour."""
    random.seed(seed)
    noise = Image.effect_noise((width, height), 20 + seed)
    across = Image.linear_gradient("L").rotate(90 * (seed % 4)).resize((width, height))
    down = Image.linear_gradient("L").resize((width, height))
    radial = Image.radial_gradient("L").resize((width, height))
    bands = [Image.blend(band, noise, 0.18) for band in (across, radial, down)]
    return Image.merge("RGB", bands)


def base_photos(kind: str) -> list[bytes]:
    """Three photos (one per area) of the requested kind, made once and kept in /tmp."""
    photos = []
    for seed in range(3):
        cached = Path(tempfile.gettempdir()) / f"merch-rush-{kind}-{seed}.img"
        if cached.exists():
            photos.append(cached.read_bytes())
            continue
        buffer = io.BytesIO()
        if kind == "reduced":
            _photo_like(1600, 1200, seed).save(buffer, "JPEG", quality=88)
        elif kind == "full":
            _photo_like(4032, 3024, seed).save(buffer, "JPEG", quality=95)
        elif kind == "heic":
            if seed:  # one HEIC encode is slow (x265): the areas share it, made unique per upload
                photos.append(photos[0])
                continue
            import pillow_heif

            pillow_heif.register_heif_opener()
            _photo_like(4032, 3024, seed).save(buffer, "HEIF", quality=80, enc_params={"preset": "ultrafast"})
        else:
            raise SystemExit(f"unknown photo kind {kind!r}")
        cached.write_bytes(buffer.getvalue())
        photos.append(buffer.getvalue())
    return photos


def _encode(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    if kind == "reduced":
        image.save(buffer, "JPEG", quality=88)
    elif kind == "full":
        image.save(buffer, "JPEG", quality=95)
    else:
        import pillow_heif

        pillow_heif.register_heif_opener()
        image.save(buffer, "HEIF", quality=80, enc_params={"preset": "ultrafast"})
    return buffer.getvalue()


def distinct_photos(kind: str, shops: int) -> list[list[bytes]]:
    """Three photos per shop, each a different picture: the base gradients with the shop's
    own garments (coloured blocks of its own sizes and places), so no two are alike."""
    size = (1600, 1200) if kind == "reduced" else (4032, 3024)
    cache = Path(tempfile.gettempdir()) / f"merch-rush-distinct-{kind}"
    cache.mkdir(exist_ok=True)
    bases = [_photo_like(*size, seed) for seed in range(3)]
    made: list[list[bytes]] = []
    for shop in range(1, shops + 1):
        photos = []
        for area in range(3):
            cached = cache / f"{shop}-{area}.img"
            if not cached.exists():
                picture = bases[area].copy()
                chooser = random.Random(shop * 10 + area)
                for _ in range(12):
                    width = chooser.randrange(size[0] // 8, size[0] // 3)
                    height = chooser.randrange(size[1] // 6, size[1] // 2)
                    left = chooser.randrange(0, size[0] - width)
                    top = chooser.randrange(0, size[1] - height)
                    colour = tuple(chooser.randrange(256) for _ in range(3))
                    picture.paste(colour, (left, top, left + width, top + height))
                cached.write_bytes(_encode(picture, kind))
            photos.append(cached.read_bytes())
        made.append(photos)
    return made


def unique(photo: bytes, tag: str) -> bytes:
    """The same picture with different bytes: a JPEG comment segment or a HEIF ``free`` box."""
    payload = tag.encode()
    if photo[:2] == b"\xff\xd8":
        segment = b"\xff\xfe" + (len(payload) + 2).to_bytes(2, "big") + payload
        return photo[:2] + segment + photo[2:]
    return photo + (len(payload) + 8).to_bytes(4, "big") + b"free" + payload


# --- the shops -------------------------------------------------------------------------


def prepare_database(url: str, shops: int, upload_folder: Path) -> None:
    """Empty the database, apply the migrations, add the rulebook and the rush shops."""
    from sqlalchemy import inspect, text

    from merch import create_app
    from merch.extensions import db
    from merch.models import Area, Shop, User
    from merch.schema import upgrade_schema
    from merch.services.setup import install_guide_rules

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(upload_folder), "SECRET_KEY": SECRET})
    utc_now = datetime.now(UTC)
    # The shops' zone puts their clock near 10:00, so their day never crosses midnight during
    # the run, whatever the hour; opening is 20 minutes from now: the window is open, nothing late.
    hours_ahead = (10 - utc_now.hour + 12) % 24 - 12  # -12 … +11: Etc/GMT-N is N hours ahead of UTC
    zone = "UTC" if hours_ahead == 0 else f"Etc/GMT{-hours_ahead:+d}"
    local_now = utc_now + timedelta(hours=hours_ahead)
    now = utc_now
    opens = (local_now + timedelta(minutes=20)).time().replace(second=0, microsecond=0)
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            if "alembic_version" in inspect(connection).get_table_names():
                connection.execute(text("DROP TABLE alembic_version"))
        upgrade_schema()
        install_guide_rules(now)
        area = Area(code="RUSH", name="Rush area")
        db.session.add(area)
        db.session.flush()
        template = User(username="x", name="x", role="staff")
        template.set_password(PASSWORD)
        for number in range(1, shops + 1):
            shop = Shop(
                code=f"R{number:03d}",
                name=f"Rush shop {number}",
                area=area,
                timezone=zone,
                opens_at=opens,
                closes_at=(local_now + timedelta(hours=1)).time().replace(second=0, microsecond=0),
                opened_on=local_now.date() - timedelta(days=30),
                language="en",
            )
            db.session.add(shop)
            db.session.add(
                User(
                    username=f"rush{number:03d}",
                    name=f"Rush {number}",
                    role="staff",
                    shop=shop,
                    password_hash=template.password_hash,
                )
            )
        db.session.commit()
        db.engine.dispose()


def count_stored(url: str, upload_folder: Path) -> dict[str, int]:
    from sqlalchemy import func, select

    from merch import create_app
    from merch.extensions import db
    from merch.models import Photo, Submission
    from merch.storage import storage_for

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_FOLDER": str(upload_folder), "SECRET_KEY": SECRET})
    with app.app_context():
        submissions = db.session.scalar(select(func.count(Submission.id))) or 0
        shops = db.session.scalar(select(func.count(func.distinct(Submission.shop_id)))) or 0
        photos = db.session.scalar(select(func.count(Photo.id))) or 0
        files = sum(1 for _ in storage_for(app).files())
        db.engine.dispose()
    return {"submissions": submissions, "shops": shops, "photos": photos, "files": files}


# --- the server ------------------------------------------------------------------------


def start_server(
    url: str, upload_folder: Path, port: int, workers: int, worker_class: str, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "MERCH_UPLOAD_FOLDER": str(upload_folder),
        "SECRET_KEY": SECRET,
    }
    for variable in ("MERCH_S3_BUCKET", "MERCH_TEST_DATABASE_URL"):
        environment.pop(variable, None)
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        # Given on the command line, these override ./gunicorn.conf.py, which gunicorn reads too.
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "merch:create_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited; see {log}")
        time.sleep(0.1)
    server.kill()
    raise SystemExit(f"gunicorn did not answer on port {port}; see {log}")


def worker_cpu_seconds(master: int) -> float:
    """User + system CPU of gunicorn's worker processes so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # ppid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# --- the rush --------------------------------------------------------------------------


@dataclass
class Outcome:
    shop: int
    status: int | None = None
    attempts: int = 0
    latency: float = 0.0
    errors: list[str] = field(default_factory=list)


def multipart(payload: dict[str, object], photos: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n\r\n'.encode()
        + json.dumps(payload).encode()
        + b"\r\n"
    ]
    for name, data in photos:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.img"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def login(port: int, username: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": username, "password": PASSWORD})
    connection.request("POST", "/api/v1/login", body=body, headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    answer = json.loads(response.read())
    if response.status != 200:
        raise SystemExit(f"sign-in of {username} failed: {response.status} {answer}")
    return str(answer["token"])


def answers() -> dict[str, object]:
    return {
        "stack_count": {"stacks": [{"thickness": "thin", "count": 5}, {"thickness": "thick", "count": 3}]},
        "folded_size_order": {"sizes": ["XL", "L", "M", "S"]},
        "folded_colour_order": {"colours": ["#F5F0E6", "#C8A27A", "#3B2F2F"]},
        "hang_count": {"counts": [3, 2, 4]},
        "hanging_size_order": {"sizes": ["S", "M", "L"]},
        "window_refresh": {"changed_today": True},
        "window_clean": {"ok": True},
    }


def submit(port: int, token: str, body: bytes, content_type: str, outcome: Outcome, timeout: float) -> None:
    key = str(uuid.uuid4())
    started = time.perf_counter()
    for attempt in range(1, 4):
        outcome.attempts = attempt
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            connection.request(
                "POST",
                "/api/v1/submissions",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": content_type},
            )
            response = connection.getresponse()
            response.read()
            connection.close()
            outcome.status = response.status
            if response.status < 500:
                break
            outcome.errors.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as error:
            outcome.status = None
            outcome.errors.append(type(error).__name__)
        time.sleep(1)
    outcome.latency = time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="sqlite", help="'sqlite' (a fresh file) or a PostgreSQL URL to EMPTY")
    parser.add_argument("--photos", choices=["reduced", "full", "heic"], default="reduced")
    parser.add_argument(
        "--scenes",
        choices=["distinct", "copies"],
        default="distinct",
        help="distinct: every photo its own picture; copies: the same three pictures for every shop",
    )
    parser.add_argument("--shops", type=int, default=200)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the shops start")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", help="sync, or merch.serving.ThreadWorker")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (threaded workers only)")
    parser.add_argument("--port", type=int, default=5131)
    parser.add_argument("--timeout", type=float, default=120.0, help="a phone's patience per try, seconds")
    parser.add_argument("--deadline", type=float, default=900.0, help="give up on the run after this many seconds")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    if not 1 <= options.shops <= 1000:
        raise SystemExit("--shops must be 1–1000")

    from merch.config import normalise_database_url

    work = Path(tempfile.mkdtemp(prefix="merch-rush-"))
    uploads = work / "uploads"
    url = f"sqlite:///{work / 'rush.sqlite'}" if options.database == "sqlite" else options.database
    url = normalise_database_url(url)
    print(
        f"# {options.shops} shops, {options.photos} photos, {options.workers} {options.worker_class} workers"
        f" x {options.threads} threads, {url.split('@')[-1]}"
    )
    print("# making photos …", flush=True)
    bases = base_photos(options.photos)
    scenes = distinct_photos(options.photos, options.shops) if options.scenes == "distinct" else None
    if scenes is not None:
        bases = scenes[0]
    print(f"#   {', '.join(f'{len(photo) / 1e6:.2f} MB' for photo in bases)}", flush=True)
    prepare_database(url, options.shops, uploads)
    server = start_server(
        url, uploads, options.port, options.workers, options.worker_class, options.threads, work / "gunicorn.log"
    )
    try:
        tokens = [login(options.port, f"rush{number:03d}") for number in range(1, options.shops + 1)]
        bodies = []
        for number in range(1, options.shops + 1):
            own = scenes[number - 1] if scenes is not None else [unique(base, f"shop {number}") for base in bases]
            photos = [(f"photo.{area}", own[i]) for i, area in enumerate(AREAS)]
            bodies.append(multipart({"shift": "opening", "answers": answers()}, photos))
        random.seed(options.seed)
        starts = sorted(random.uniform(0, options.window) for _ in range(options.shops))
        outcomes = [Outcome(shop=number) for number in range(1, options.shops + 1)]
        cpu_before = worker_cpu_seconds(server.pid)
        print("# rush …", flush=True)
        began = time.perf_counter()

        def shop_run(index: int) -> None:
            delay = began + starts[index] - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            body, content_type = bodies[index]
            submit(options.port, tokens[index], body, content_type, outcomes[index], options.timeout)

        threads = [threading.Thread(target=shop_run, args=(index,), daemon=True) for index in range(options.shops)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, began + options.deadline - time.perf_counter()))
        elapsed = time.perf_counter() - began
        cpu = worker_cpu_seconds(server.pid) - cpu_before
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()

    stored = count_stored(url, uploads)
    completed = [o for o in outcomes if o.status in (200, 201)]
    failed = [o for o in outcomes if o.status not in (200, 201)]
    latencies = [o.latency for o in completed]
    retried = sum(1 for o in outcomes if o.attempts > 1)
    duplicated = stored["submissions"] - stored["shops"]
    photo_bytes = sum(len(photo) for photo in bases) / 3
    print(
        json.dumps(
            {
                "shops": options.shops,
                "photos": options.photos,
                "scenes": options.scenes,
                "photo_mb": round(photo_bytes / 1e6, 2),
                "workers": options.workers,
                "worker_class": options.worker_class,
                "threads": options.threads,
                "database": "sqlite" if url.startswith("sqlite") else "postgresql",
                "completed": len(completed),
                "failed": len(failed),
                "retried": retried,
                "duplicated": duplicated,
                "stored": stored,
                "all_stored_once": stored["shops"] == len(completed)
                and duplicated == 0
                and stored["photos"] == 3 * len(completed)
                and stored["files"] == 2 * stored["photos"],
                "p50_s": round(percentile(latencies, 0.5), 3),
                "p95_s": round(percentile(latencies, 0.95), 3),
                "max_s": round(max(latencies, default=float("nan")), 3),
                "elapsed_s": round(elapsed, 1),
                "app_cpu_s": round(cpu, 1),
                "app_cpu_s_per_checklist": round(cpu / max(1, len(completed)), 3),
                "errors": sorted({error for o in outcomes for error in o.errors}),
                "cores": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 2),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
