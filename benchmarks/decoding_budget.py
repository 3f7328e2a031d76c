#!/usr/bin/env python3
"""What the worst photos cost to decode: CPU time, wall time and peak memory per case.

Run by hand from the repository root (``--code`` measures another checkout's merch, e.g.
the main branch before the decoding budget):

    nice -n -10 .venv/bin/python benchmarks/decoding_budget.py [--code /path/to/checkout]

Each case runs in a fresh child process, so its peak resident memory is
its own (VmHWM), and goes through ``merch.services.submissions._processed_photos``, the step of a
submission that checks and decodes the photos (no database, no HTTP):

- ``progressive``: a 7,000 x 7,000 progressive JPEG (49 MP, under the 50 MP limit) whose
  smallest scan (48 bytes) is repeated 20,000 times: 1.2 MB;
- ``png``: a 7,000 x 7,000 fully transparent PNG: 190 KB, decoded in full;
- ``png x40``: forty of those in one request.

The load average is printed beside each figure: the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SIDE = 7000


def progressive_repeating(repeats: int = 20_000) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (SIDE, SIDE), (128, 128, 128)).save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    head, *scans = data[:-2].split(b"\xff\xda")
    smallest = b"\xff\xda" + min(scans[1:], key=len)
    return data[:-2] + smallest * repeats + b"\xff\xd9"


def transparent_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (SIDE, SIDE), (0, 0, 0, 0)).save(buffer, "PNG", compress_level=9)
    return buffer.getvalue()


CASES = {"progressive": (progressive_repeating, 1), "png": (transparent_png, 1), "png x40": (transparent_png, 40)}


def child(code: str, case: str, path: str) -> None:
    sys.path.insert(0, code)
    from merch.config import Config
    from merch.services.submissions import Limits, SubmissionRefused, UploadedPhoto, _processed_photos

    _, count = CASES[case]
    data = Path(path).read_bytes()
    photos = [UploadedPhoto("photo.folded", data) for _ in range(count)]
    limits = Limits.from_config({key: getattr(Config, key) for key in dir(Config) if key.isupper()})
    before = memory()["after_mb"]
    cpu, wall = time.process_time(), time.perf_counter()
    try:
        outcome = f"stored {len(_processed_photos(photos, {}, limits))}"
    except SubmissionRefused as refused:
        outcome = f"refused {refused.status} {refused.code}"
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"outcome": outcome, "cpu": cpu, "wall": wall, **memory(), "before_mb": before}))


def memory() -> dict[str, float]:
    """This process's peak and current resident memory, in MB (VmHWM: ru_maxrss survives exec)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return {"peak_mb": int(status["VmHWM"].split()[0]) / 1024, "after_mb": int(status["VmRSS"].split()[0]) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(ROOT), help="checkout whose merch package is measured")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.code, *args.child)
        return
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / "merch-decoding-budget"
    folder.mkdir(exist_ok=True)
    print(f"code: {args.code}")
    for case, (make, _) in CASES.items():
        path = folder / f"{make.__name__}.bin"
        if not path.exists():
            path.write_bytes(make())
        load = Path("/proc/loadavg").read_text().split()[0]
        result = subprocess.run(
            [sys.executable, __file__, "--code", args.code, "--child", case, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        print(
            f"{case:12} {path.stat().st_size / 1000:7.0f} KB  {figures['outcome']:28} "
            f"CPU {figures['cpu']:6.2f} s  wall {figures['wall']:6.2f} s  "
            f"memory {figures['before_mb']:4.0f} MB, peak {figures['peak_mb']:4.0f} MB, "
            f"after {figures['after_mb']:4.0f} MB  "
            f"load {load}"
        )


if __name__ == "__main__":
    main()
