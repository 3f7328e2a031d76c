"""What the phone uploads per photo: static/js/photos.js run in Debian's Chromium.

Run by hand against a running server (any page serves the script):

    .venv/bin/python benchmarks/phone_photo_reduction.py http://127.0.0.1:5000

Two 12-megapixel JPEGs go in: a worst case of pure grain (JPEG cannot compress it) and a
photo-like one (smooth shapes with fine grain).
"""

from __future__ import annotations

import base64
import io
import sys

from PIL import Image, ImageFilter
from playwright.sync_api import sync_playwright

SIZE = (4032, 3024)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu"]
REDUCE = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const start = performance.now();
  const out = await MerchPhotos.reduce(new Blob([bytes], {type: 'image/jpeg'}));
  return {size: out.blob.size, width: out.width, height: out.height, ms: Math.round(performance.now() - start)};
}"""


def jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def main(base: str) -> int:
    grain = Image.merge("RGB", [Image.effect_noise(SIZE, 60 + 10 * i) for i in range(3)])
    smooth = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    fine = Image.merge("RGB", [Image.effect_noise(SIZE, 25)] * 3).filter(ImageFilter.GaussianBlur(1))
    cases = {"grain (worst case)": jpeg(grain, 90), "photo-like": jpeg(Image.blend(smooth, fine, 0.35), 92)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/login")
        page.add_script_tag(url="/static/js/photos.js")
        for name, data in cases.items():
            out = page.evaluate(REDUCE, base64.b64encode(data).decode())
            shape = f"{out['width']}x{out['height']}"
            print(f"{name:>20}: {len(data):>9} B in -> {out['size']:>7} B, {shape}, {out['ms']} ms")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5000"))
