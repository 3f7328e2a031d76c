"""Decoding cost is a budget (issue 13, item 4): what a photo may cost is bounded by its
structure, not only by its header's megapixels, and a request's photos together by the
pixels they decode. Each refusal is the contract's JSON, and nothing is stored.

The files are made here and small: what is refused is read from their markers and
headers, before any pixel is decoded.
"""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from merch.photos import MAX_JPEG_SCANS, PhotoRejected, check_photo_header, jpeg_structure, process_photo
from tests.images import png_header_only
from tests.security.test_hostile_input import post_api, post_phone, snapshot


def noise_jpeg(width: int = 64, height: int = 48, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((width, height), 50).convert("RGB").save(buffer, "JPEG", quality=90, **options)
    return buffer.getvalue()


def claiming_more_than_it_holds(width: int = 7000, height: int = 7000) -> bytes:
    """A 16 x 16 JPEG whose frame header claims ``width`` x ``height``: libjpeg fills the rest grey."""
    data = bytearray(noise_jpeg(16, 16))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def repeating_scans(repeats: int) -> bytes:
    """A progressive JPEG whose smallest scan is repeated: each repeat is one more pass over every block."""
    data = noise_jpeg(64, 64, progressive=True)
    head, *scans = data[:-2].split(b"\xff\xda")
    smallest = b"\xff\xda" + min(scans[1:], key=len)
    return data[:-2] + smallest * repeats + b"\xff\xd9"


def arithmetic_coded() -> bytes:
    """A JPEG whose frame says arithmetic coding (SOF9): no phone writes one."""
    data = bytearray(noise_jpeg())
    data[data.index(b"\xff\xc0") + 1] = 0xC9
    return bytes(data)


def test_a_header_claiming_more_than_its_scan_data_holds_is_refused_like_a_truncated_jpeg(app, client, staff_headers):
    before = snapshot(app)

    response = post_api(client, staff_headers, {"photo.folded": claiming_more_than_it_holds()})

    assert response.status_code == 415
    error = response.get_json()["error"]
    assert error["code"] == "unsupported_media_type" and error["field"] == "photo.folded"
    assert "not a photo we can read" in error["message"]
    assert snapshot(app) == before


def test_the_phone_form_refuses_it_too_in_the_users_language(app, client, signed_in_staff):
    before = snapshot(app)

    response = post_phone(client, {"photo.folded": (claiming_more_than_it_holds(), "folded.jpg")}, language="zh-Hant")

    assert response.status_code == 415
    message = response.get_json()["errors"]["photo.folded"]
    assert message and not message.isascii()  # 繁體中文
    assert snapshot(app) == before


def test_a_progressive_jpeg_of_too_many_scans_is_refused_before_decoding(app, client, staff_headers):
    before = snapshot(app)

    response = post_api(client, staff_headers, {"photo.window": repeating_scans(200)})

    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "image_too_large" and error["field"] == "photo.window"
    scans = jpeg_structure(noise_jpeg(64, 64, progressive=True)).scans + 200
    assert error["message"] == (
        f"This photo is saved in too many passes ({scans}, at most {MAX_JPEG_SCANS}): save it as a plain JPEG."
    )
    assert snapshot(app) == before


def test_photos_that_together_decode_too_many_pixels_are_refused_before_any_is_decoded(app, client, staff_headers):
    # Five PNGs of 7,000 x 7,000 (49 MP each, under the 50 MP a photo): 245 MP decoded in
    # full, over the 200 MP a request may cost. Their pixel data is never read.
    before = snapshot(app)
    pngs = [png_header_only(7000, 7000) for _ in range(5)]

    response = post_api(client, staff_headers, {"photo.folded": pngs}, language="zh-Hans")

    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "payload_too_large" and error["field"] == "photo.folded"
    assert error["message"] == "这些照片的像素合计太多：一次最多 200 百万像素。"
    assert snapshot(app) == before


def test_the_budget_counts_what_is_decoded_so_forty_phone_photos_fit():
    # A 12 MP phone JPEG is decoded at half scale; a PNG, WebP or HEIF and a progressive
    # JPEG decode every pixel.
    phone = Image.new("RGB", (4032, 3024), (90, 120, 150))
    baseline, progressive = io.BytesIO(), io.BytesIO()
    phone.save(baseline, "JPEG", quality=80)
    phone.save(progressive, "JPEG", quality=80, progressive=True)

    assert check_photo_header(baseline.getvalue()) == 2016 * 1512
    assert check_photo_header(progressive.getvalue()) == 4032 * 3024
    assert check_photo_header(png_header_only(4032, 3024)) == 4032 * 3024
    assert 40 * check_photo_header(baseline.getvalue()) <= 200_000_000


def test_real_jpegs_pass_the_structure_check():
    for data in (noise_jpeg(), noise_jpeg(640, 480, progressive=True), noise_jpeg(333, 77, subsampling=0)):
        structure = jpeg_structure(data)

        assert structure.complete and 1 <= structure.scans <= MAX_JPEG_SCANS
        assert process_photo(data).width == structure.width


@pytest.mark.parametrize("make", [claiming_more_than_it_holds, arithmetic_coded], ids=["short-scan-data", "arithmetic"])
def test_unreadable_jpeg_structures_are_unsupported(make):
    with pytest.raises(PhotoRejected) as refused:
        process_photo(make())

    assert (refused.value.code, refused.value.status) == ("unsupported_media_type", 415)
