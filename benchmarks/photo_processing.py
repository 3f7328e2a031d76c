#!/usr/bin/env python3
"""Photo processing per 12-megapixel phone JPEG: merch.photos against a naive pipeline.

Run by hand from the repository root:

    .venv/bin/python benchmarks/photo_processing.py [--runs 9]

Both pipelines make the same outputs from the same bytes: an upright display copy with a
long side of 1600 px and a 320 px thumbnail, both JPEG at quality 82. The naive one decodes
every pixel at full size, turns the full-size image and resizes it with Lanczos; ours
decodes at reduced scale with Pillow's JPEG draft mode and turns only the small copy.
Runs alternate between the two, so background load on the machine falls on both alike.
Target: ours at most half the naive time.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runnable as a script from anywhere: the repository root holds the merch package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageOps  # noqa: E402

from merch.photos import process_photo  # noqa: E402

WIDTH, HEIGHT = 4032, 3024  # a 12 MP phone sensor, stored landscape
DISPLAY_LONG_SIDE, THUMB_LONG_SIDE, QUALITY = 1600, 320, 82
TARGET_RATIO = 0.5


def phone_photo() -> bytes:
    """A photo-like 12 MP JPEG (quality 92) with EXIF orientation 6, as a phone held upright.

    Smooth gradients with sensor-like noise on top: flat colour would compress to almost
    nothing and decode unrealistically fast, pure noise would be unrealistically slow.
    """
    noise = Image.effect_noise((WIDTH, HEIGHT), 24)
    across = Image.linear_gradient("L").rotate(90).resize((WIDTH, HEIGHT))
    down = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    radial = Image.radial_gradient("L").resize((WIDTH, HEIGHT))
    image = Image.merge(
        "RGB",
        (
            Image.blend(across, noise, 0.2),
            Image.blend(radial, noise, 0.2),
            Image.blend(down, noise, 0.2),
        ),
    )
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8769)[0x9003] = "2026:11:24 09:58:07"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def naive(data: bytes) -> tuple[bytes, bytes]:
    """What a first version would do: decode everything, turn it, then shrink."""
    with Image.open(io.BytesIO(data)) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened).convert("RGB")
    scale = DISPLAY_LONG_SIDE / max(image.size)
    display = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    thumb = display.copy()
    thumb.thumbnail((THUMB_LONG_SIDE, THUMB_LONG_SIDE), Image.Resampling.LANCZOS)
    outputs = []
    for picture in (display, thumb):
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=QUALITY)
        outputs.append(buffer.getvalue())
    return outputs[0], outputs[1]


def ours(data: bytes) -> tuple[bytes, bytes]:
    result = process_photo(data, display_long_side=DISPLAY_LONG_SIDE, thumb_long_side=THUMB_LONG_SIDE, quality=QUALITY)
    return result.display_jpeg, result.thumb_jpeg


def milliseconds(function: Callable[[bytes], object], data: bytes) -> float:
    start = time.perf_counter()
    function(data)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each pipeline (default 9)")
    args = parser.parse_args()

    data = phone_photo()
    # Same outputs, checked once (and a warm-up: imports, codec tables).
    naive_sizes = [Image.open(io.BytesIO(jpeg)).size for jpeg in naive(data)]
    our_sizes = [Image.open(io.BytesIO(jpeg)).size for jpeg in ours(data)]
    assert naive_sizes == our_sizes == [(1200, 1600), (240, 320)], (naive_sizes, our_sizes)

    times: dict[str, list[float]] = {"naive": [], "ours": []}
    for _ in range(args.runs):
        times["naive"].append(milliseconds(naive, data))
        times["ours"].append(milliseconds(ours, data))
    naive_ms = statistics.median(times["naive"])
    ours_ms = statistics.median(times["ours"])
    ratio = ours_ms / naive_ms

    print(
        f"input: {WIDTH}×{HEIGHT} JPEG q92, EXIF orientation 6, {len(data) / 1_000_000:.1f} MB; {args.runs} runs each"
    )
    print(f"{'pipeline':<44}{'median ms':>10}{'min ms':>9}{'max ms':>9}")
    for label, key in (
        ("naive (full decode, exif_transpose, Lanczos)", "naive"),
        ("merch.photos.process_photo", "ours"),
    ):
        values = times[key]
        print(f"{label:<44}{statistics.median(values):>10.1f}{min(values):>9.1f}{max(values):>9.1f}")
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"ratio ours/naive: {ratio:.2f} (target ≤ {TARGET_RATIO:.2f}: {verdict})")


if __name__ == "__main__":
    main()
