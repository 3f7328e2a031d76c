#!/usr/bin/env python3
"""Photo processing per 12-megapixel phone JPEG: merch.photos against a naive pipeline.

Run by hand from the repository root:

    .venv/bin/python benchmarks/photo_processing.py [--runs 7]

Both pipelines produce the same outputs (upright, ≤1600 px display copy and ≤320 px
thumbnail, JPEG). The naive one decodes every pixel at full size; ours decodes at reduced
scale with Pillow's JPEG draft mode. Target: ours at most half the naive time.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageOps  # noqa: E402

from merch.photos import process_photo  # noqa: E402

WIDTH, HEIGHT = 4032, 3024  # a 12 MP phone sensor


def phone_photo() -> bytes:
    """A photo-like 12 MP JPEG: smooth gradients plus sensor-like noise, EXIF-rotated."""
    red = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    green = Image.radial_gradient("L").resize((WIDTH, HEIGHT))
    noise = Image.effect_noise((WIDTH, HEIGHT), 48)
    blue = Image.blend(red.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.5)
    image = Image.merge("RGB", (Image.blend(red, noise, 0.25), Image.blend(green, noise, 0.25), blue))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def naive(data: bytes) -> tuple[bytes, bytes]:
    """What a first version would do: decode everything, then shrink."""
    image = Image.open(io.BytesIO(data))
    image.load()
    image = ImageOps.exif_transpose(image).convert("RGB")
    scale = 1600 / max(image.size)
    display = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((320, 320), Image.Resampling.LANCZOS)
    outputs = []
    for picture in (display, thumb):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=82)
        outputs.append(buffer.getvalue())
    return outputs[0], outputs[1]


def ours(data: bytes) -> tuple[bytes, bytes]:
    result = process_photo(data)
    return result.display_jpeg, result.thumb_jpeg


def timed(function, data: bytes, runs: int) -> list[float]:
    function(data)  # warm-up: imports, codec tables
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function(data)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    data = phone_photo()
    print(f"input: {WIDTH}×{HEIGHT} JPEG, {len(data) / 1_000_000:.1f} MB, {args.runs} runs each")
    naive_ms = statistics.median(timed(naive, data, args.runs))
    ours_ms = statistics.median(timed(ours, data, args.runs))
    print(f"{'pipeline':<28}{'median ms/photo':>16}")
    print(f"{'naive full-size decode':<28}{naive_ms:>16.1f}")
    print(f"{'merch.photos.process_photo':<28}{ours_ms:>16.1f}")
    print(f"ratio ours/naive: {ours_ms / naive_ms:.2f} (target ≤ 0.50)")


if __name__ == "__main__":
    main()
