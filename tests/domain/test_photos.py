"""Photo processing on real bytes: formats, orientation, colour, metadata, limits (pure)."""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from merch.photos import PhotoRejected, process_photo, sniff_format
from tests.images import (
    XMP_PACKET,
    display_p3_profile,
    encoded,
    marked_image,
    phone_jpeg,
    png_bytes,
    png_header_only,
)


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    image = reopen(data)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    for key in ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "photoshop"):
        assert key not in image.info, key
    assert b"Exif" not in data
    assert b"http://ns.adobe.com/xap" not in data
    assert b"SecretPhone" not in data and b"PhoneMaker" not in data
    assert b"shop secret" not in data
    assert b"\xff\xfe" not in data[:2000]  # no COM segment


def test_jpeg_with_exif_orientation_six_comes_out_upright():
    # Stored 400×300 landscape, EXIF says "rotate 90° clockwise to view".
    result = process_photo(phone_jpeg(400, 300, orientation=6))

    image = reopen(result.display_jpeg)
    assert image.size == (300, 400)
    assert (result.source_width, result.source_height) == (300, 400)
    # The stored top-left red block ends at the top-right once upright.
    red, green, _ = image.getpixel((image.width - 5, 5))
    assert red > 200 and green < 60
    assert reopen(result.display_jpeg).getpixel((5, 5))[0] < 180


def test_stored_copies_carry_no_exif_gps_xmp_icc_or_comment():
    data = phone_jpeg(640, 480, comment=b"shop secret", xmp=XMP_PACKET, icc_profile=display_p3_profile())
    original = reopen(data)
    # the input really carries all of them
    assert original.info["comment"] == b"shop secret"
    assert original.getexif().get_ifd(0x8825)
    assert "icc_profile" in original.info and b"SecretPhone" in data

    result = process_photo(data)

    assert_no_metadata(result.display_jpeg)
    assert_no_metadata(result.thumb_jpeg)


def test_capture_time_and_hash_of_the_original_are_kept():
    data = phone_jpeg()

    result = process_photo(data)

    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7, tzinfo=timezone(timedelta(hours=8)))


def test_capture_time_without_offset_is_naive_for_the_caller_to_place():
    image = marked_image(50, 40)
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:24 09:58:07"

    result = process_photo(encoded(image, "JPEG", exif=exif.tobytes()))

    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7)


def test_large_photo_is_reduced_to_1600_and_thumbnail_to_320():
    result = process_photo(encoded(marked_image(4032, 3024), "JPEG", quality=80))

    assert (result.width, result.height) == (1600, 1200)
    assert reopen(result.display_jpeg).size == (1600, 1200)
    assert reopen(result.thumb_jpeg).size == (320, 240)


def test_small_photo_is_not_enlarged():
    result = process_photo(encoded(marked_image(200, 100), "JPEG"))

    assert reopen(result.display_jpeg).size == (200, 100)


def test_png_with_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 30, 40))

    result = process_photo(png_bytes(image))

    stored = reopen(result.display_jpeg)
    assert result.source_format == "PNG"
    assert stored.getpixel((50, 20))[0] > 240  # transparent → white
    assert stored.getpixel((10, 20))[2] > 200  # blue stays blue


@pytest.mark.parametrize("mode", ["P", "I;16", "L", "CMYK", "LA"])
def test_other_pixel_modes_become_rgb(mode):
    image = marked_image(2000, 1000).convert(mode) if mode != "I;16" else Image.new("I;16", (2000, 1000), 40000)
    data = encoded(image, "JPEG" if mode == "CMYK" else "PNG")

    stored = reopen(process_photo(data).display_jpeg)

    assert stored.mode == "RGB" and stored.size == (1600, 800)


def test_webp_is_accepted():
    result = process_photo(encoded(marked_image(120, 90), "WEBP"))

    assert result.source_format == "WEBP"


def test_phones_multi_picture_jpeg_counts_as_jpeg():
    first, second = marked_image(160, 120), marked_image(80, 60)
    data = encoded(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = process_photo(data)

    assert result.source_format == "JPEG"
    assert reopen(result.display_jpeg).size == (160, 120)


def test_heic_is_accepted():
    from pillow_heif import register_heif_opener

    register_heif_opener()
    data = encoded(marked_image(128, 96), "HEIF", quality=80)
    assert sniff_format(data) == "HEIF"

    result = process_photo(data)

    assert result.source_format == "HEIF"
    assert reopen(result.display_jpeg).size == (128, 96)


def test_display_p3_colours_are_converted_to_srgb():
    data = encoded(Image.new("RGB", (40, 40), (200, 100, 50)), "PNG", icc_profile=display_p3_profile())

    result = process_photo(data)

    red, green, blue = reopen(result.display_jpeg).getpixel((20, 20))
    # The same P3 colour is more saturated in sRGB numbers: more red, less blue.
    assert red >= 210 and blue <= 35, (red, green, blue)
    assert "icc_profile" not in reopen(result.display_jpeg).info


@pytest.mark.parametrize(
    "data",
    [
        b"this is a text file, not a photo\n",
        b"",
        encoded(marked_image(20, 20), "GIF"),
        encoded(marked_image(20, 20), "BMP"),
        encoded(marked_image(20, 20), "TIFF"),
        phone_jpeg()[:600],
        b"\xff\xd8\xff" + b"\0" * 100,
        b"RIFF\0\0\0\0WEBPjunk",
    ],
    ids=["text", "empty", "gif", "bmp", "tiff", "truncated-jpeg", "jpeg-magic-only", "webp-magic-only"],
)
def test_non_images_and_other_formats_are_unsupported(data):
    with pytest.raises(PhotoRejected) as raised:
        process_photo(data)

    assert raised.value.code == "unsupported_media_type"
    assert raised.value.status == 415


def test_image_over_fifty_megapixels_is_refused_before_decoding():
    with pytest.raises(PhotoRejected) as raised:
        process_photo(png_header_only(8000, 8000))

    assert raised.value.code == "image_too_large"
    assert raised.value.status == 422
    assert raised.value.params["megapixels"] == 64.0


def test_decompression_bomb_is_refused_without_a_warning_escaping():
    bomb = encoded(Image.new("1", (10000, 10000)), "PNG")  # 100 MP in a few kilobytes
    assert len(bomb) < 100_000

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(PhotoRejected) as raised:
            process_photo(bomb)

    assert raised.value.code == "image_too_large"


def test_limit_is_a_parameter():
    with pytest.raises(PhotoRejected):
        process_photo(encoded(marked_image(300, 200), "JPEG"), max_pixels=50_000)
