#!/usr/bin/env python3
"""The HEIC preview a phone's browser asks for (POST /api/v1/photos/preview), per photo.

Run by hand from the repository root (root may raise its priority, as PROTOCOL asks):

    nice -n -10 .venv/bin/python benchmarks/heic_preview.py [--runs 5]

Makes a 12-megapixel photo-like HEIC (4032×3024: smooth gradients with fine detail, as a
camera's), then reports the HEIC's size, the CPU time (``time.process_time``) and wall time
of ``merch.photos.preview_jpeg`` (median of the runs), the JPEG's size and pixel size, and
the load average at the end.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageFilter  # noqa: E402

from merch.photos import preview_jpeg  # noqa: E402


def camera_heic() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    width, height = 4032, 3024
    gradient = Image.linear_gradient("L").resize((width, height))
    detail = Image.effect_noise((width, height), 24).filter(ImageFilter.GaussianBlur(1))
    red = Image.blend(gradient, detail, 0.3)
    green = Image.blend(gradient.rotate(90).resize((width, height)), detail, 0.3)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), detail, 0.3)
    buffer = io.BytesIO()
    Image.merge("RGB", (red, green, blue)).save(buffer, "HEIF", quality=80)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    data = camera_heic()
    cpu, wall = [], []
    jpeg, width, height = b"", 0, 0
    for _ in range(runs):
        started_cpu, started = time.process_time(), time.perf_counter()
        jpeg, width, height = preview_jpeg(data)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    print(f"HEIC 4032x3024: {len(data) / 1e6:.2f} MB")
    print(f"preview JPEG: {len(jpeg) / 1000:.0f} KB, {width}x{height}")
    print(f"CPU {statistics.median(cpu):.2f} s, wall {statistics.median(wall):.2f} s (median of {runs})")
    print("load average:", " ".join(f"{value:.2f}" for value in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
