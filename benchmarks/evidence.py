#!/usr/bin/env python3
"""Evidence: fingerprint cost next to photo processing, and lookup against a big index.

Run by hand from the repository root:

    .venv/bin/python benchmarks/evidence.py timing [--runs 7]
    .venv/bin/python benchmarks/evidence.py lookup --url sqlite:////tmp/evidence-bench.sqlite [--photos 1000000]
    .venv/bin/python benchmarks/evidence.py lookup --url postgresql+psycopg://postgres@127.0.0.1:5432/merch_i10
    .venv/bin/python benchmarks/evidence.py close [--runs 3]

``timing``: a 12-megapixel phone JPEG of a synthetic display (tests/evidence_images.py)
through ``process_photo`` with and without the fingerprint (in ABBA order), and the
fingerprint and probe alone (``merch.evidence.analyse`` on the display copy), median ms;
also analyse's own CPU time inside process_photo, the overhead with no noise from a
second run.

``lookup``: fills the database at ``--url`` with the full schema and ``--photos`` stored
fingerprints (random 64-bit hashes, eight band rows each; foreign keys off while
filling), plus the real fingerprints of two displays' histories, 21 shots of one and 64
of another (a month of openings and closings with the dressing unchanged); then times
``find_reused`` for a copy of each display's first shot (found: the detailed check runs),
a new shot of each (all its alike shots are near candidates, none a copy), and unrelated
new photos (nothing found, the common case), with peak Python memory of one lookup
(tracemalloc).

``close``: the close call alone (``Probe.matches``, no database: the index part is what
``lookup`` times with no near candidate), CPU per photo with 0, 1, 10, 20 and 64 close
candidates: alike shots of one display (scene 11 and 12, hand-held re-shots), the
original among them first or last, for a mixed-crop copy, a cropped screenshot and a new
re-shot of the display; and whether the original was found and is the closest match (the
one ``find_reused`` names) for a copy, or nothing for a re-shot.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from merch import create_app  # noqa: E402
from merch.evidence import Analysis, Probe, analyse  # noqa: E402
from merch.evidence.fingerprints import BANDS  # noqa: E402
from merch.extensions import db  # noqa: E402
from merch.models.evidence import PhotoFingerprint, PhotoHashBand  # noqa: E402
from merch.photos import process_photo  # noqa: E402
from merch.services.evidence import CORE, WHOLE, find_reused  # noqa: E402
from merch.services.evidence import band_keys as pack_band_keys  # noqa: E402
from tests.evidence_images import COPIES, FIRST_SHOT, RESHOTS, Camera, jpeg, scene, shoot  # noqa: E402

WIDTH, HEIGHT = 4032, 3024


def phone_jpeg(seed: int) -> bytes:
    shot = shoot(scene(seed), FIRST_SHOT).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((WIDTH, HEIGHT), 12).convert("RGB")
    return jpeg(Image.blend(shot, noise, 0.08), 92)


def timing(runs: int) -> None:
    """process_photo with and without the fingerprint, and analyse alone; CPU and wall.

    The two process_photo variants run in pairs whose order alternates (with, without,
    then without, with: ABBA), after one warm-up of each, so drift in the machine's load
    and cache warmth falls on both alike. The overhead is given three ways: from the
    medians of the two variants; as the median of each pair's own ratio (less hurt by
    load that changes over the run); and from analyse's own CPU time measured inside the
    "with" runs, over the rest of that same call (no second run to compare with at all).
    """
    import merch.photos

    data = phone_jpeg(11)
    processed = process_photo(data)
    display = Image.open(io.BytesIO(processed.display_jpeg)).convert("RGB")
    thumb = Image.open(io.BytesIO(processed.thumb_jpeg)).convert("RGB")
    real = merch.photos.analyse
    inside: list[float] = []

    def timed_analyse(image: Image.Image, small: Image.Image | None = None) -> Analysis | None:
        started_cpu = time.process_time()
        result = real(image, small=small)
        inside.append(time.process_time() - started_cpu)
        return result

    def without(image: Image.Image, small: Image.Image | None = None) -> None:
        return None

    cpu: dict[str, list[float]] = {"with": [], "without": [], "analyse": []}
    wall: dict[str, list[float]] = {"with": [], "without": [], "analyse": []}

    def run(name: str, call: object, keep: bool = True) -> None:
        merch.photos.analyse = {"with": timed_analyse, "without": without}.get(name, real)  # type: ignore[attr-defined]
        started, started_cpu = time.perf_counter(), time.process_time()
        call()  # type: ignore[operator]
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        merch.photos.analyse = real  # type: ignore[attr-defined]
        if keep:
            wall[name].append(elapsed)
            cpu[name].append(elapsed_cpu)

    # Warm-up: first-call costs, caches.
    run("with", lambda: process_photo(data), keep=False)
    run("without", lambda: process_photo(data), keep=False)
    run("analyse", lambda: analyse(display, small=thumb), keep=False)
    inside.clear()
    for round_ in range(runs):
        order = ("with", "without") if round_ % 2 == 0 else ("without", "with")
        for name in order:
            run(name, lambda: process_photo(data))
        run("analyse", lambda: analyse(display, small=thumb))
    print(f"12 MP JPEG ({len(data) / 1e6:.1f} MB), {runs} rounds (with/without ABBA), median ms; load {_load()}")
    print("| measure | CPU ms | wall ms |")
    print("|---|---|---|")
    for name, label in (
        ("without", "process_photo without the fingerprint"),
        ("with", "process_photo, fingerprint included"),
        ("analyse", "fingerprint + probe alone (analyse)"),
    ):
        print(f"| {label} | {statistics.median(cpu[name]) * 1000:.1f} | {statistics.median(wall[name]) * 1000:.1f} |")
    print(f"| analyse inside process_photo (CPU) | {statistics.median(inside) * 1000:.1f} | |")
    for clock, figures in (("CPU", cpu), ("wall", wall)):
        added = statistics.median(figures["with"]) / statistics.median(figures["without"]) - 1
        paired = statistics.median(a / b - 1 for a, b in zip(figures["with"], figures["without"], strict=True))
        alone = statistics.median(figures["analyse"]) / statistics.median(figures["without"])
        print(
            f"| added by the fingerprint ({clock}) | {added:.0%} from medians, {paired:.0%} paired "
            f"(analyse alone: {alone:.0%}); target < 20 % | |"
        )
    rest = [total - part for total, part in zip(cpu["with"], inside, strict=True)]
    share = statistics.median(part / other for part, other in zip(inside, rest, strict=True))
    print(f"| analyse's CPU over the rest of the same process_photo call | {share:.0%}; target < 20 % | |")


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as handle:
        return " ".join(handle.read().split()[:3])


def _analysed(data: bytes) -> Analysis:
    result = process_photo(data).evidence
    assert result is not None
    return result


def _fill(count: int) -> None:
    """Random fingerprints in bulk (once: they do not depend on the fingerprint's make).

    Made with numpy and inserted in key order, so a million photos (nine million rows)
    load in minutes rather than hours.
    """
    rng = np.random.default_rng(7)
    ids = np.arange(1, count + 1, dtype=np.int64)
    hashes = rng.integers(0, 2**63, size=(count, 2), dtype=np.int64) * 2 + rng.integers(0, 2, size=(count, 2))
    signed = hashes.astype(np.int64)  # the bit pattern, read as BIGINT holds it
    unsigned = signed.view(np.uint64)
    detail = rng.integers(0, 256, size=(count, 128), dtype=np.uint8)
    layout = rng.integers(-127, 128, size=(count, 192), dtype=np.int8)
    # Each photo's four whole-hash keys, then all four core-hash keys, as the app packs them.
    band_keys = np.concatenate([pack_band_keys(kind, unsigned[:, kind]) for kind in (WHOLE, CORE)])
    band_ids = np.tile(np.repeat(ids, BANDS), 2)
    order = np.lexsort((band_ids, band_keys))
    band_keys, band_ids = band_keys[order], band_ids[order]

    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    sqlite = db.engine.dialect.name == "sqlite"
    if sqlite:
        cursor.execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or SQLite ignores it
        cursor.execute("BEGIN")
    else:
        cursor.execute("SET session_replication_role = replica")
    marker = "?" if sqlite else "%s"
    insert_print = "INSERT INTO photo_fingerprints (photo_id, phash, core, detail, layout) VALUES "
    insert_band = "INSERT INTO photo_hash_bands (band_key, photo_id) VALUES "
    batch = 50_000
    if not sqlite:
        _copy_fill(raw, cursor, ids, signed, detail, layout, band_keys, band_ids)
        raw.close()
        return
    for start in range(0, count, batch):
        stop = min(start + batch, count)
        rows = [
            (int(ids[n]), int(signed[n, 0]), int(signed[n, 1]), detail[n].tobytes(), layout[n].tobytes())
            for n in range(start, stop)
        ]
        cursor.executemany(insert_print + f"({', '.join([marker] * 5)})", rows)
    print(f"  {count:,} fingerprints", flush=True)
    for start in range(0, len(band_keys), batch * 4):
        stop = min(start + batch * 4, len(band_keys))
        cursor.executemany(
            insert_band + f"({marker}, {marker})",
            list(zip(band_keys[start:stop].tolist(), band_ids[start:stop].tolist(), strict=True)),
        )
    print(f"  {len(band_keys):,} band rows", flush=True)
    if sqlite:
        cursor.execute("COMMIT")
    else:
        raw.commit()
        cursor.execute("ANALYZE photo_hash_bands")
        cursor.execute("ANALYZE photo_fingerprints")
        raw.commit()
    raw.close()


def _copy_fill(
    raw: object,
    cursor: object,
    ids: np.ndarray,
    signed: np.ndarray,
    detail: np.ndarray,
    layout: np.ndarray,
    band_keys: np.ndarray,
    band_ids: np.ndarray,
) -> None:
    """PostgreSQL: the same rows through COPY (executemany of nine million rows takes hours)."""
    with cursor.copy("COPY photo_fingerprints (photo_id, phash, core, detail, layout) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for n in range(len(ids)):
            copy.write_row(
                (int(ids[n]), int(signed[n, 0]), int(signed[n, 1]), detail[n].tobytes(), layout[n].tobytes())
            )
    print(f"  {len(ids):,} fingerprints", flush=True)
    with cursor.copy("COPY photo_hash_bands (band_key, photo_id) FROM STDIN") as copy:  # type: ignore[attr-defined]
        for key, photo_id in zip(band_keys.tolist(), band_ids.tolist(), strict=True):
            copy.write_row((key, photo_id))
    print(f"  {len(band_keys):,} band rows", flush=True)
    raw.commit()  # type: ignore[attr-defined]
    # VACUUM, not only ANALYZE: a freshly loaded table has no visibility map, so every
    # "index-only" scan of the band index reads the heap too (4,300 heap fetches a lookup),
    # which a production table that autovacuum has seen does not. VACUUM needs autocommit.
    raw.driver_connection.autocommit = True  # type: ignore[attr-defined]
    try:
        cursor.execute("VACUUM ANALYZE photo_hash_bands")  # type: ignore[attr-defined]
        cursor.execute("VACUUM ANALYZE photo_fingerprints")  # type: ignore[attr-defined]
    finally:
        raw.driver_connection.autocommit = False  # type: ignore[attr-defined]


def _plant(count: int, planted: list[Analysis]) -> None:
    """The real fingerprints, with ids after the random ones, replacing earlier plants."""
    from merch.services.evidence import band_rows

    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    sqlite = db.engine.dialect.name == "sqlite"
    marker = "?" if sqlite else "%s"
    if sqlite:
        cursor.execute("PRAGMA foreign_keys=OFF")  # no photos rows in this database
        cursor.execute("BEGIN")
    else:
        cursor.execute("SET session_replication_role = replica")
    cursor.execute(f"DELETE FROM photo_hash_bands WHERE photo_id > {marker}", (count,))
    cursor.execute(f"DELETE FROM photo_fingerprints WHERE photo_id > {marker}", (count,))
    for offset, analysis in enumerate(planted, start=count + 1):
        fingerprint = analysis.fingerprint
        phash, core = fingerprint.to_signed()
        values = ", ".join([marker] * 5)
        cursor.execute(
            f"INSERT INTO photo_fingerprints (photo_id, phash, core, detail, layout) VALUES ({values})",
            (offset, phash, core, fingerprint.detail, fingerprint.layout),
        )
        cursor.executemany(
            f"INSERT INTO photo_hash_bands (band_key, photo_id) VALUES ({marker}, {marker})",
            [(row.band_key, offset) for row in band_rows(offset, fingerprint)],
        )
    if sqlite:
        cursor.execute("COMMIT")
    else:
        raw.commit()
    raw.close()


def _display_history(world: Image.Image, first: Image.Image, count: int) -> list[Analysis]:
    """A display's stored shots: the first, the labelled hand-held re-shots, then jittered ones."""
    shots = [_analysed(jpeg(first, 92))]
    shots += [_analysed(jpeg(shoot(world, camera), 92)) for camera in RESHOTS.values()]
    seeds = range(400, 400 + count - len(shots))
    shots += [_analysed(jpeg(shoot(world, Camera(seed=seed, jitter=0.02)), 92)) for seed in seeds]
    return shots


def lookup(url: str, photos: int, runs: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        db.create_all()
        stored = db.session.scalar(select(func.count()).select_from(PhotoFingerprint))
        db.session.rollback()
        if not stored:
            started = time.perf_counter()
            _fill(photos)
            print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)
        if "--fill-only" in sys.argv:
            return
        world, long_world = scene(11), scene(12)
        first, long_first = shoot(world, FIRST_SHOT), shoot(long_world, FIRST_SHOT)
        # Display 11 photographed 21 times; display 12, 64 times (a month of openings and
        # closings with the dressing unchanged: MAX_CLOSE, the most the close call judges).
        planted = _display_history(world, first, 21) + _display_history(long_world, long_first, 64)
        _plant(photos, planted)
        total = db.session.scalar(select(func.count()).select_from(PhotoFingerprint))
        bands = db.session.scalar(select(func.count()).select_from(PhotoHashBand))
        copy = _analysed(COPIES["cropped_mixed_recompressed"](first)).probe
        reshot = _analysed(jpeg(shoot(world, Camera(seed=500, jitter=0.015)), 92)).probe
        long_copy = _analysed(COPIES["cropped_mixed_recompressed"](long_first)).probe
        long_reshot = _analysed(jpeg(shoot(long_world, Camera(seed=500, jitter=0.015)), 92)).probe
        strangers = [_analysed(jpeg(shoot(scene(600 + n), FIRST_SHOT), 90)).probe for n in range(3)]
        db.session.rollback()

        def timed(probe_: Probe) -> tuple[float, float, object]:
            start, start_cpu = time.perf_counter(), time.process_time()
            found = find_reused(probe_)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            db.session.rollback()
            return elapsed, elapsed_cpu, found

        find_reused(copy)  # warm the cache, as a running server's is
        cases = {
            "a mixed-crop copy of a stored photo, among its 20 alike shots": [timed(copy) for _ in range(runs)],
            "a new shot of that display (20 alike near candidates, no copy)": [timed(reshot) for _ in range(runs)],
            "an unrelated new photo (no near candidate)": [timed(strangers[n % 3]) for n in range(runs)],
            "a mixed-crop copy of a stored photo, among its 64 alike shots": [timed(long_copy) for _ in range(runs)],
            "a new shot of that display (64 alike near candidates, no copy)": [timed(long_reshot) for _ in range(runs)],
        }
        tracemalloc.start()
        find_reused(strangers[0])
        _, peak_miss = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        find_reused(copy)
        _, peak_hit = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.rollback()
        print(
            f"{db.engine.dialect.name}: {total:,} fingerprints, {bands:,} band rows; {runs} runs, median; "
            f"load {_load()}"
        )
        print("| lookup | found | wall ms | CPU ms |")
        print("|---|---|---|---|")
        for label, results in cases.items():
            walls, cpus, founds = zip(*results, strict=True)
            print(
                f"| {label} | {founds[0] is not None} | {statistics.median(walls) * 1000:.1f} "
                f"| {statistics.median(cpus) * 1000:.1f} |"
            )
        print(
            f"| peak Python memory of one lookup | {peak_miss / 1e6:.1f} MB (no near candidate), "
            f"{peak_hit / 1e6:.1f} MB (copy found) | | |"
        )
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                plan = connection.execute(
                    text("EXPLAIN QUERY PLAN SELECT photo_id FROM photo_hash_bands WHERE band_key IN (1, 2)")
                ).all()
                print("plan:", [row[-1] for row in plan])
            else:
                plan = connection.execute(
                    text(
                        "EXPLAIN SELECT photo_id FROM photo_hash_bands WHERE band_key IN (1, 2) "
                        "GROUP BY photo_id HAVING count(*) >= 2"
                    )
                ).all()
                print("plan:", [row[0] for row in plan])


def close(runs: int) -> None:
    """CPU and wall of ``Probe.matches`` per photo against 0/1/10/20/64 alike near candidates."""
    from dataclasses import replace

    counts = (0, 1, 10, 20, 64)
    print(f"close call alone, {runs} runs, median; load {_load()}", flush=True)
    print("| scene | probe | candidates | original stored | result | CPU ms | wall ms |")
    print("|---|---|---|---|---|---|---|")
    for seed in (11, 12):
        world = scene(seed)
        first = shoot(world, FIRST_SHOT)
        original = _analysed(jpeg(first, 92)).fingerprint
        alike = [_analysed(jpeg(shoot(world, camera), 92)).fingerprint for camera in RESHOTS.values()]
        alike += [_analysed(jpeg(shoot(world, Camera(seed=400 + n, jitter=0.02)), 92)).fingerprint for n in range(57)]
        probes = {
            "mixed-crop copy": _analysed(COPIES["cropped_mixed_recompressed"](first)).probe,
            "cropped screenshot": _analysed(COPIES["cropped_screenshot"](first)).probe,
            "new re-shot": _analysed(jpeg(shoot(world, Camera(seed=500, jitter=0.015)), 92)).probe,
        }
        for label, probe_ in probes.items():
            for count in counts:
                for place in ("first", "last") if count > 1 else ("first",):
                    stored = ([original] + alike)[:count]
                    if place == "last":
                        stored = stored[1:] + stored[:1]
                    cpus, walls = [], []
                    for _ in range(runs):
                        fresh = replace(
                            probe_, _core_array=None, _whole_array=None
                        )  # its lookup arrays made anew each time
                        start, start_cpu = time.perf_counter(), time.process_time()
                        found = fresh.matches(stored)
                        walls.append(time.perf_counter() - start)
                        cpus.append(time.process_time() - start_cpu)
                    index = stored.index(original) if count else -1
                    if not count:
                        result = "-"
                    elif found[index] is not None:
                        # find_reused names the closest match: is that the original?
                        closest = min((m.detail_distance, n) for n, m in enumerate(found) if m is not None)[1]
                        result = "original found" if closest == index else "original found, an alike shot closer"
                    elif any(found):
                        result = "an alike shot matched"
                    else:
                        result = "nothing"
                    print(
                        f"| {seed} | {label} | {count} | {place if count else '-'} | {result} "
                        f"| {statistics.median(cpus) * 1000:.0f} | {statistics.median(walls) * 1000:.0f} |",
                        flush=True,
                    )
    print(f"load at the end {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    timing_parser = sub.add_parser("timing")
    timing_parser.add_argument("--runs", type=int, default=7)
    lookup_parser = sub.add_parser("lookup")
    lookup_parser.add_argument(
        "--url", default=os.environ.get("EVIDENCE_BENCH_URL", "sqlite:////tmp/evidence-bench.sqlite")
    )
    lookup_parser.add_argument("--photos", type=int, default=1_000_000)
    lookup_parser.add_argument("--runs", type=int, default=9)
    lookup_parser.add_argument("--fill-only", action="store_true")
    close_parser = sub.add_parser("close")
    close_parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.command == "timing":
        timing(args.runs)
    elif args.command == "close":
        close(args.runs)
    else:
        lookup(args.url, args.photos, args.runs)


if __name__ == "__main__":
    main()
