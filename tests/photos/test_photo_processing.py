"""merch.photos on real bytes: formats, orientation, colour, metadata, limits, refusals.

Plain pytest, no Flask: every image is made here with Pillow (or by hand, byte by byte,
where the point is a header that lies about what follows). Run with ``-W error``: no
warning may escape from processing a stranger's file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import struct
import subprocess
import sys
import warnings
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin

from merch.photos import PhotoRejected, ProcessedPhoto, process_photo, sniff_format

REPO_ROOT = Path(__file__).resolve().parents[2]

RED, GREEN, BLUE, YELLOW, GREY = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (128, 128, 128)

XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="SecretPhoneModel"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
COMMENT = b"shop 42 back office"


# --- making images ---------------------------------------------------------------------


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def quadrants(width: int, height: int) -> Image.Image:
    """Red top-left, green top-right, blue bottom-left, yellow bottom-right."""
    image = Image.new("RGB", (width, height), YELLOW)
    half_w, half_h = width // 2, height // 2
    image.paste(RED, (0, 0, half_w, half_h))
    image.paste(GREEN, (half_w, 0, width, half_h))
    image.paste(BLUE, (0, half_h, half_w, height))
    return image


def corner_marked(width: int, height: int) -> Image.Image:
    """Grey with a red block in the top-left corner."""
    image = Image.new("RGB", (width, height), GREY)
    image.paste(RED, (0, 0, width // 4, height // 4))
    return image


def phone_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: orientation, maker, capture time with offset, GPS."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:25 08:00:00"  # DateTime: a later edit, must not win
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2026:11:24 09:58:07"
    details[0x9011] = "+08:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (34.0, 45.0, 36.0)
    gps[3] = "E"
    gps[4] = (113.0, 37.0, 12.0)
    return exif


def phone_jpeg(image: Image.Image | None = None, orientation: int = 1, **options: object) -> bytes:
    image = image if image is not None else corner_marked(400, 300)
    return encoded(image, "JPEG", quality=90, exif=phone_exif(orientation).tobytes(), **options)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_header_only(width: int, height: int) -> bytes:
    """A valid PNG signature and IHDR (correct CRC) claiming a size, and no pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small real JPEG whose frame header (SOF0) is rewritten to claim another size."""
    data = bytearray(encoded(Image.new("RGB", (16, 16), GREY), "JPEG"))
    sof = data.index(b"\xff\xc0")
    # FFC0, length (2), precision (1), height (2), width (2)
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def s15fixed16(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def srgb_encode(linear: float) -> float:
    return 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


def srgb_decode(encoded_value: float) -> float:
    return encoded_value / 12.92 if encoded_value <= 0.04045 else ((encoded_value + 0.055) / 1.055) ** 2.4


def display_p3_profile() -> bytes:
    """An ICC v2 display profile for Display P3, as iPhones embed.

    P3 primaries with the D65 white point, adapted to the D50 connection space (the
    colorants Apple's "Display P3" profile carries), and the sRGB tone curve as a
    1024-entry table. Pillow cannot build one (ImageCms.createProfile knows only sRGB, LAB
    and XYZ), so it is written out tag by tag.
    """

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15fixed16(x) + s15fixed16(y) + s15fixed16(z)

    table = [round(srgb_decode(i / 1023) * 65535) for i in range(1024)]
    curve = b"curv\0\0\0\0" + struct.pack(">I", len(table)) + struct.pack(f">{len(table)}H", *table)
    text = b"Display P3 (test)\0"
    # textDescriptionType: ASCII, then an empty Unicode and an empty ScriptCode part
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + struct.pack(">II", 0, 0) + b"\0\0\0" + b"\0" * 67
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", xyz(0.1571, 0.0666, 0.7841)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    directory, bodies = b"", b""
    for signature, body in tags:
        directory += signature + struct.pack(">II", offset + len(bodies), len(body))
        bodies += body + b"\0" * (-len(body) % 4)
    header = (
        struct.pack(">I", offset + len(bodies))
        + b"\0\0\0\0"  # preferred CMM
        + bytes([2, 0x10, 0, 0])  # version 2.1
        + b"mntrRGB XYZ "
        + b"\0" * 12  # date
        + b"acsp"
        + b"\0" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # perceptual
        + s15fixed16(0.9642)
        + s15fixed16(1.0)
        + s15fixed16(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + directory + bodies


def p3_to_srgb(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """The expected sRGB value of a Display P3 colour, from the standard linear matrix."""
    matrix = (
        (1.2249, -0.2247, 0.0),
        (-0.0420, 1.0419, 0.0),
        (-0.0197, -0.0786, 1.0979),
    )
    linear = [srgb_decode(channel / 255) for channel in rgb]
    out = [sum(m * c for m, c in zip(row, linear, strict=True)) for row in matrix]
    return tuple(round(255 * srgb_encode(min(1.0, max(0.0, value)))) for value in out)  # type: ignore[return-value]


# --- reading the results back ----------------------------------------------------------


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, payload) of each JPEG segment before the image data."""
    assert data[:2] == b"\xff\xd8"
    position = 2
    while position < len(data):
        assert data[position] == 0xFF, f"not a marker at {position}"
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        yield marker, data[position + 4 : position + 2 + length]
        position += 2 + length


def assert_pixels_only(data: bytes) -> None:
    """A JPEG with no EXIF, GPS, XMP, ICC profile or comment, by every reading of it."""
    image = reopen(data)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    for key in ("exif", "icc_profile", "comment", "xmp", "XML:com.adobe.xmp", "photoshop", "adobe", "mp"):
        assert key not in image.info, key
    # Only the JFIF header among the application segments, and no comment segment.
    markers = [(marker, payload) for marker, payload in jpeg_segments(data)]
    extra = [hex(marker) for marker, _ in markers if 0xE1 <= marker <= 0xEF or marker == 0xFE]
    assert extra == [], extra
    assert [payload[:5] for marker, payload in markers if marker == 0xE0] == [b"JFIF\0"]
    for needle in (b"Exif", b"http://ns.adobe.com/xap", b"ICC_PROFILE", b"SecretPhoneModel", b"PhoneMaker", COMMENT):
        assert needle not in data, needle


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# --- orientation -----------------------------------------------------------------------


def test_jpeg_with_exif_orientation_6_comes_out_upright():
    # Stored 400×300 landscape; EXIF 6 says "turn 90° clockwise to view".
    result = process_photo(phone_jpeg(corner_marked(400, 300), orientation=6))

    display = reopen(result.display_jpeg)
    assert display.size == (300, 400) == (result.width, result.height)
    assert (result.source_width, result.source_height) == (300, 400)
    # The red block stored top-left is top-right once turned clockwise.
    assert close(display.getpixel((display.width - 10, 10)), RED)
    assert close(display.getpixel((10, 10)), GREY)
    assert close(display.getpixel((10, display.height - 10)), GREY)
    thumb = reopen(result.thumb_jpeg)
    assert thumb.size == (240, 320)
    assert close(thumb.getpixel((thumb.width - 5, 5)), RED)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_is_turned_as_exif_transpose_turns_it(orientation):
    data = phone_jpeg(quadrants(64, 48), orientation=orientation)
    expected = ImageOps.exif_transpose(reopen(data))

    stored = reopen(process_photo(data).display_jpeg)

    assert stored.size == expected.size
    w, h = stored.size
    for point in ((w // 4, h // 4), (3 * w // 4, h // 4), (w // 4, 3 * h // 4), (3 * w // 4, 3 * h // 4)):
        assert close(stored.getpixel(point), expected.getpixel(point)), (orientation, point)


@pytest.mark.parametrize("orientation", [0, 9, 300])
def test_a_nonsense_orientation_is_read_as_upright(orientation):
    result = process_photo(phone_jpeg(corner_marked(80, 60), orientation=orientation))

    assert (result.width, result.height) == (80, 60)
    assert close(reopen(result.display_jpeg).getpixel((5, 5)), RED)


# --- metadata --------------------------------------------------------------------------


@pytest.mark.parametrize("with_profile", [True, False], ids=["p3-profile", "no-profile"])
@pytest.mark.parametrize("orientation", [1, 6])
def test_stored_copies_carry_no_exif_gps_xmp_icc_or_comment(orientation, with_profile):
    profile = {"icc_profile": display_p3_profile()} if with_profile else {}
    data = phone_jpeg(corner_marked(2400, 1800), orientation, comment=COMMENT, xmp=XMP_PACKET, **profile)
    original = reopen(data)
    # The input really carries every kind of metadata.
    assert original.info["comment"] == COMMENT
    assert original.getexif().get_ifd(0x8825)[2] == (34.0, 45.0, 36.0)
    assert original.getexif().get_ifd(0x8769)[0x9003] == "2026:11:24 09:58:07"
    assert ("icc_profile" in original.info) == with_profile
    assert b"http://ns.adobe.com/xap" in data and b"SecretPhoneModel" in data

    result = process_photo(data)

    assert_pixels_only(result.display_jpeg)
    assert_pixels_only(result.thumb_jpeg)


def test_small_upright_jpeg_passed_through_unresized_still_loses_its_metadata():
    # Nothing to shrink, turn or colour-convert: the one path where the original's pixels
    # could be saved as they are.
    data = encoded(corner_marked(120, 90), "JPEG", comment=COMMENT, xmp=XMP_PACKET, exif=phone_exif().tobytes())

    result = process_photo(data)

    assert (result.width, result.height) == (120, 90)
    assert_pixels_only(result.display_jpeg)
    assert_pixels_only(result.thumb_jpeg)


def test_png_and_webp_metadata_is_not_kept_either():
    image = corner_marked(200, 150)
    for data in (
        encoded(image, "PNG", exif=phone_exif().tobytes(), icc_profile=display_p3_profile()),
        encoded(image, "WEBP", exif=phone_exif().tobytes(), xmp=XMP_PACKET, icc_profile=display_p3_profile()),
    ):
        result = process_photo(data)
        assert_pixels_only(result.display_jpeg)
        assert_pixels_only(result.thumb_jpeg)
        assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7, tzinfo=timezone(timedelta(hours=8)))


def test_capture_time_keeps_the_cameras_offset():
    result = process_photo(phone_jpeg())

    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7, tzinfo=timezone(timedelta(hours=8)))
    assert result.captured_at.utcoffset() == timedelta(hours=8)


def test_capture_time_without_offset_is_naive_for_the_caller_to_place():
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:24 09:58:07"

    result = process_photo(encoded(corner_marked(50, 40), "JPEG", exif=exif.tobytes()))

    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7)
    assert result.captured_at.tzinfo is None


def test_capture_time_falls_back_to_datetime_with_its_own_offset():
    exif = Image.Exif()
    exif[0x0132] = "2026:11:24 07:01:02"
    exif.get_ifd(0x8769)[0x9010] = "-03:30"

    result = process_photo(encoded(corner_marked(50, 40), "JPEG", exif=exif.tobytes()))

    assert result.captured_at == datetime(2026, 11, 24, 7, 1, 2, tzinfo=timezone(-timedelta(hours=3, minutes=30)))


@pytest.mark.parametrize(
    ("stamp", "offset"),
    [
        ("    :  :     :  :  ", "+08:00"),
        ("0000:00:00 00:00:00", "+08:00"),
        ("yesterday", None),
        ("2026:13:45 99:00:00", None),
    ],
    ids=["blank", "zeros", "words", "impossible"],
)
def test_unreadable_capture_time_is_none(stamp, offset):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = stamp
    if offset:
        exif.get_ifd(0x8769)[0x9011] = offset

    assert process_photo(encoded(corner_marked(50, 40), "JPEG", exif=exif.tobytes())).captured_at is None


@pytest.mark.parametrize("offset", ["+99:00", "8 hours", "+08:75"])
def test_an_impossible_offset_leaves_the_time_naive(offset):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:24 09:58:07"
    exif.get_ifd(0x8769)[0x9011] = offset

    result = process_photo(encoded(corner_marked(50, 40), "JPEG", exif=exif.tobytes()))

    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7)


def test_no_exif_means_no_capture_time():
    assert process_photo(encoded(corner_marked(50, 40), "JPEG")).captured_at is None


def test_a_damaged_exif_block_costs_the_metadata_not_the_photo():
    clean = encoded(corner_marked(60, 40), "JPEG")
    garbage = b"Exif\0\0MM\0*\0\0\0\x08\xff\xff" + b"\x01" * 40
    data = clean[:2] + b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage + clean[2:]

    result = process_photo(data)

    assert (result.width, result.height) == (60, 40)
    assert result.captured_at is None
    assert_pixels_only(result.display_jpeg)


def test_sha256_is_of_the_uploaded_bytes():
    data = phone_jpeg()

    assert process_photo(data).sha256 == hashlib.sha256(data).hexdigest()


def test_result_is_frozen():
    result = process_photo(encoded(corner_marked(20, 20), "JPEG"))

    assert isinstance(result, ProcessedPhoto)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.sha256 = "0" * 64  # type: ignore[misc]


# --- sizes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "orientation", "display", "thumb"),
    [
        ((4032, 3024), 1, (1600, 1200), (320, 240)),
        ((4032, 3024), 6, (1200, 1600), (240, 320)),
        ((3024, 4032), 1, (1200, 1600), (240, 320)),
        ((6000, 1000), 1, (1600, 267), (320, 53)),
        ((1601, 1601), 1, (1600, 1600), (320, 320)),
    ],
)
def test_long_side_is_limited_to_1600_and_320(size, orientation, display, thumb):
    result = process_photo(phone_jpeg(corner_marked(*size), orientation=orientation))

    assert (result.width, result.height) == display
    assert reopen(result.display_jpeg).size == display
    assert reopen(result.thumb_jpeg).size == thumb
    w, h = size
    assert (result.source_width, result.source_height) == ((h, w) if orientation == 6 else (w, h))


@pytest.mark.parametrize("size", [(200, 100), (320, 200), (1600, 900)])
def test_small_photo_is_not_enlarged(size):
    result = process_photo(encoded(corner_marked(*size), "JPEG"))

    assert reopen(result.display_jpeg).size == size
    thumb = reopen(result.thumb_jpeg).size
    assert max(thumb) == min(320, max(size))


def test_sizes_are_parameters():
    result = process_photo(encoded(corner_marked(1000, 500), "PNG"), display_long_side=800, thumb_long_side=100)

    assert reopen(result.display_jpeg).size == (800, 400)
    assert reopen(result.thumb_jpeg).size == (100, 50)


def test_large_jpeg_is_decoded_at_reduced_scale_but_never_below_the_display_size(monkeypatch):
    decoded: list[tuple[int, int]] = []
    real_draft = JpegImagePlugin.JpegImageFile.draft

    def spying_draft(self, mode, size):
        answer = real_draft(self, mode, size)
        decoded.append(self.size)
        return answer

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spying_draft)

    big = process_photo(phone_jpeg(corner_marked(4032, 3024), orientation=6))
    # 1/2 scale leaves 2016×1512, enough for 1600 on the long side; 1/4 would not be.
    assert decoded == [(2016, 1512)]
    assert (big.width, big.height) == (1200, 1600)

    decoded.clear()
    huge = process_photo(encoded(corner_marked(7000, 6500), "JPEG", quality=60))
    assert decoded == [(1750, 1625)]  # 1/4 scale
    assert (huge.width, huge.height) == (1600, 1486)

    decoded.clear()
    # Halving 3100 px would give 1550 < 1600: decoded at full size.
    process_photo(encoded(corner_marked(3100, 2000), "JPEG"))
    assert decoded == [(3100, 2000)]


# --- formats ---------------------------------------------------------------------------


def test_png_with_alpha_is_flattened_on_white():
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 30, 40))

    result = process_photo(encoded(image, "PNG"))

    stored = reopen(result.display_jpeg)
    assert result.source_format == "PNG"
    assert stored.mode == "RGB"
    assert close(stored.getpixel((50, 20)), (255, 255, 255), 8)  # transparent -> white, not black
    assert close(stored.getpixel((10, 20)), (0, 0, 255), 16)


def test_half_transparent_png_is_blended_with_white():
    result = process_photo(encoded(Image.new("RGBA", (40, 40), (0, 0, 0, 128)), "PNG"))

    assert close(reopen(result.display_jpeg).getpixel((20, 20)), (127, 127, 127), 6)


@pytest.mark.parametrize("mode", ["P", "P-alpha-table", "LA"])
def test_palette_and_grey_alpha_pngs_are_flattened_on_white(mode):
    options: dict[str, object] = {}
    if mode.startswith("P"):
        # palette entry 0 (black) is transparent, entry 1 is the red
        image = Image.new("P", (2400, 1200), 0)
        image.putpalette([0, 0, 0, 200, 30, 30])
        image.paste(1, (0, 0, 1200, 1200))
        # a single transparent index, or a table of alpha per palette entry
        options["transparency"] = 0 if mode == "P" else b"\x00\xff"
    else:
        base = Image.new("RGBA", (2400, 1200), (0, 0, 0, 0))
        base.paste((200, 30, 30, 255), (0, 0, 1200, 1200))
        image = base.convert(mode)
    data = encoded(image, "PNG", **options)
    assert reopen(data).mode == mode[:2].rstrip("-")
    assert mode == "LA" or "transparency" in reopen(data).info

    result = process_photo(data)

    stored = reopen(result.display_jpeg)
    assert stored.mode == "RGB" and stored.size == (1600, 800)
    assert close(stored.getpixel((1500, 400)), (255, 255, 255), 8)
    assert not close(stored.getpixel((100, 400)), (255, 255, 255), 40)


def test_colour_keyed_rgb_png_is_flattened_on_white():
    image = Image.new("RGB", (40, 40), (0, 255, 0))
    image.paste((10, 20, 200), (0, 0, 20, 40))
    data = encoded(image, "PNG", transparency=(0, 255, 0))

    stored = reopen(process_photo(data).display_jpeg)

    assert close(stored.getpixel((30, 20)), (255, 255, 255), 8)
    assert close(stored.getpixel((5, 20)), (10, 20, 200), 16)


def test_sixteen_bit_grey_png_keeps_its_brightness():
    image = Image.new("I;16", (2000, 1000), 40000)  # 40000/65535 of white
    data = encoded(image, "PNG")
    assert reopen(data).mode.startswith("I")

    stored = reopen(process_photo(data).display_jpeg)

    assert stored.mode == "RGB" and stored.size == (1600, 800)
    assert close(stored.getpixel((800, 400)), (156, 156, 156), 3)


@pytest.mark.parametrize("mode", ["L", "1"])
def test_grey_and_bilevel_pngs_are_fine(mode):
    image = corner_marked(2000, 1000).convert(mode)

    stored = reopen(process_photo(encoded(image, "PNG")).display_jpeg)

    assert stored.mode == "RGB" and stored.size == (1600, 800)


def test_grey_jpeg_is_fine():
    stored = reopen(process_photo(encoded(corner_marked(2000, 1000).convert("L"), "JPEG")).display_jpeg)

    assert stored.mode == "RGB" and stored.size == (1600, 800)


def test_cmyk_jpeg_becomes_rgb_with_its_colours():
    image = Image.new("CMYK", (3400, 1700), (0, 255, 255, 0))  # red ink mix
    data = encoded(image, "JPEG")
    assert reopen(data).mode == "CMYK"

    result = process_photo(data)

    stored = reopen(result.display_jpeg)
    assert stored.mode == "RGB" and stored.size == (1600, 800)
    assert close(stored.getpixel((800, 400)), RED)


def test_webp_is_accepted():
    result = process_photo(encoded(corner_marked(120, 90), "WEBP", quality=90))

    assert result.source_format == "WEBP"
    assert reopen(result.display_jpeg).size == (120, 90)


def test_lossless_webp_with_alpha_is_flattened_on_white():
    image = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 30, 40))

    stored = reopen(process_photo(encoded(image, "WEBP", lossless=True)).display_jpeg)

    assert close(stored.getpixel((50, 20)), (255, 255, 255), 8)
    assert close(stored.getpixel((10, 20)), RED)


def test_phones_multi_picture_jpeg_counts_as_jpeg():
    first, second = corner_marked(160, 120), Image.new("RGB", (80, 60), BLUE)
    data = encoded(first, "MPO", save_all=True, append_images=[second], exif=phone_exif(6).tobytes())
    assert reopen(data).format == "MPO"
    assert sniff_format(data) == "JPEG"

    result = process_photo(data)

    assert result.source_format == "JPEG"
    # the first picture, turned upright; the second (a depth map, a preview) is ignored
    assert reopen(result.display_jpeg).size == (120, 160)
    assert_pixels_only(result.display_jpeg)
    assert result.captured_at is not None


@pytest.fixture
def heif_writer() -> None:
    from pillow_heif import register_heif_opener

    register_heif_opener()


def test_heic_is_accepted(heif_writer):
    data = encoded(corner_marked(128, 96), "HEIF", quality=90, exif=phone_exif().tobytes())
    assert sniff_format(data) == "HEIF"

    result = process_photo(data)

    assert result.source_format == "HEIF"
    assert reopen(result.display_jpeg).size == (128, 96)
    assert close(reopen(result.display_jpeg).getpixel((5, 5)), RED)
    assert result.captured_at == datetime(2026, 11, 24, 9, 58, 7, tzinfo=timezone(timedelta(hours=8)))
    assert_pixels_only(result.display_jpeg)


def test_heic_orientation_is_applied_once(heif_writer):
    # pillow_heif turns the picture itself and resets the EXIF orientation it read.
    data = encoded(corner_marked(128, 96), "HEIF", quality=90, exif=phone_exif(6).tobytes())

    result = process_photo(data)

    stored = reopen(result.display_jpeg)
    assert stored.size == (96, 128)
    assert (result.source_width, result.source_height) == (96, 128)
    assert close(stored.getpixel((stored.width - 5, 5)), RED)


def test_large_heic_is_reduced(heif_writer):
    result = process_photo(encoded(corner_marked(2000, 1500), "HEIF", quality=50))

    assert reopen(result.display_jpeg).size == (1600, 1200)
    assert reopen(result.thumb_jpeg).size == (320, 240)


def test_heif_support_is_registered_on_first_use_not_at_import():
    script = (
        "import sys\n"
        "import merch.photos\n"
        "assert 'pillow_heif' not in sys.modules, 'imported at import time'\n"
        "from PIL import Image\n"
        "assert 'HEIF' not in Image.OPEN\n"
        "try:\n"
        "    merch.photos.process_photo(b'\\x00\\x00\\x00\\x18ftypheic' + b'\\x00' * 40)\n"
        "except merch.photos.PhotoRejected:\n"
        "    pass\n"
        "assert 'HEIF' in Image.OPEN\n"
    )
    completed = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )

    assert completed.returncode == 0, completed.stderr


# --- colour ----------------------------------------------------------------------------


def test_the_test_p3_profile_is_read_as_display_p3():
    profile = ImageCms.ImageCmsProfile(io.BytesIO(display_p3_profile()))

    assert ImageCms.getProfileDescription(profile).strip() == "Display P3 (test)"
    assert profile.profile.xcolor_space == "RGB "


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_display_p3_colours_are_converted_to_srgb(fmt):
    colour = (200, 100, 50)
    image = Image.new("RGB", (64, 64), colour)
    data = encoded(image, fmt, icc_profile=display_p3_profile(), **({"quality": 95} if fmt == "JPEG" else {}))

    result = process_photo(data)

    stored = reopen(result.display_jpeg)
    expected = p3_to_srgb(colour)  # about (216, 93, 31): P3 numbers are less saturated
    assert close(stored.getpixel((32, 32)), expected, 4), (stored.getpixel((32, 32)), expected)
    assert not close(stored.getpixel((32, 32)), colour, 6)
    assert "icc_profile" not in stored.info
    thumb = reopen(result.thumb_jpeg)
    assert close(thumb.getpixel((32, 32)), expected, 4)


def test_srgb_tagged_and_untagged_images_keep_their_numbers():
    colour = (200, 100, 50)
    image = Image.new("RGB", (64, 64), colour)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()

    for data in (encoded(image, "PNG"), encoded(image, "PNG", icc_profile=srgb)):
        stored = reopen(process_photo(data).display_jpeg)
        assert close(stored.getpixel((32, 32)), colour, 4)
        assert "icc_profile" not in stored.info


def test_a_profile_that_does_not_fit_the_image_is_ignored():
    # A LAB profile embedded in an RGB PNG, and one that is not a profile at all.
    lab = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    image = Image.new("RGB", (64, 64), (200, 100, 50))

    for profile in (lab, b"not an icc profile at all"):
        stored = reopen(process_photo(encoded(image, "PNG", icc_profile=profile)).display_jpeg)
        assert stored.mode == "RGB"
        assert "icc_profile" not in stored.info


# --- refusals --------------------------------------------------------------------------


def truncated_photo() -> bytes:
    data = phone_jpeg(Image.effect_noise((800, 600), 40).convert("RGB"))
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    "data",
    [
        b"this is a text file, not a photo\n",
        b"",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        encoded(corner_marked(20, 20), "GIF"),
        encoded(corner_marked(20, 20), "BMP"),
        encoded(corner_marked(20, 20), "TIFF"),
        encoded(corner_marked(20, 20), "AVIF"),
        truncated_photo(),
        b"\xff\xd8\xff" + b"\0" * 100,
        encoded(corner_marked(200, 100), "PNG")[:120],
        b"RIFF\0\0\0\0WEBPjunk",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 100,
    ],
    ids=[
        "text", "empty", "svg", "gif", "bmp", "tiff", "avif",
        "truncated-jpeg", "jpeg-magic-only", "truncated-png", "webp-magic-only", "heic-magic-only",
    ],
)  # fmt: skip
def test_non_images_and_other_formats_are_unsupported(data):
    with pytest.raises(PhotoRejected) as raised:
        process_photo(data)

    assert raised.value.code == "unsupported_media_type"
    assert raised.value.status == 415
    assert raised.value.params == {}


def test_a_gif_named_like_a_jpeg_is_judged_by_its_content(tmp_path):
    path = tmp_path / "display.jpg"
    path.write_bytes(encoded(corner_marked(20, 20), "GIF"))

    with pytest.raises(PhotoRejected) as raised:
        process_photo(path.read_bytes())

    assert raised.value.code == "unsupported_media_type"


def test_image_over_fifty_megapixels_is_refused_from_its_header():
    # No pixel data follows the header: had anything been decoded, this would be a 415.
    with pytest.raises(PhotoRejected) as raised:
        process_photo(png_header_only(8000, 8000))

    assert raised.value.code == "image_too_large"
    assert raised.value.status == 422
    assert raised.value.params == {"megapixels": 64.0, "limit": 50}


def test_a_jpeg_claiming_63_megapixels_is_refused_from_its_header():
    with pytest.raises(PhotoRejected) as raised:
        process_photo(jpeg_claiming(9000, 7000))

    assert raised.value.code == "image_too_large"
    assert raised.value.params == {"megapixels": 63.0, "limit": 50}


def test_fifty_megapixels_exactly_is_within_the_limit():
    # 50 MP is allowed; one pixel row more is not. Both refused or passed before decoding,
    # so the header alone decides (the 50 MP one then fails to decode: no pixel data).
    with pytest.raises(PhotoRejected) as at_limit:
        process_photo(png_header_only(10000, 5000))
    assert at_limit.value.code == "unsupported_media_type"

    with pytest.raises(PhotoRejected) as over:
        process_photo(png_header_only(10000, 5001))
    assert over.value.code == "image_too_large"
    assert over.value.params == {"megapixels": 50.1, "limit": 50}


def test_limit_is_a_parameter():
    data = encoded(corner_marked(300, 200), "JPEG")

    with pytest.raises(PhotoRejected) as raised:
        process_photo(data, max_pixels=50_000)

    assert raised.value.code == "image_too_large"
    assert raised.value.params == {"megapixels": 0.1, "limit": 0.05}
    assert process_photo(data, max_pixels=60_000).width == 300


@pytest.mark.parametrize("mode", ["1", "P"])
def test_decompression_bomb_is_refused_without_a_warning_escaping(mode):
    # 100 MP in a few kilobytes: over Pillow's own bomb limit (about 89 MP), which warns.
    bomb = encoded(Image.new(mode, (10000, 10000)), "PNG")
    assert len(bomb) < 200_000
    filters_before = list(warnings.filters)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(PhotoRejected) as raised:
            process_photo(bomb)

    assert caught == []
    assert raised.value.code == "image_too_large"
    assert raised.value.params == {"megapixels": 100.0, "limit": 50}
    assert warnings.filters == filters_before


def test_bomb_beyond_pillows_hard_limit_is_too_large_not_an_error():
    # 200 MP: Pillow raises DecompressionBombError instead of warning.
    bomb = encoded(Image.new("1", (20000, 10000)), "PNG")

    with pytest.raises(PhotoRejected) as raised:
        process_photo(bomb)

    assert raised.value.code == "image_too_large"
    assert raised.value.params == {"megapixels": 200.0, "limit": 50}


def test_bomb_is_refused_even_when_the_limit_is_set_above_pillows():
    bomb = encoded(Image.new("1", (10000, 10000)), "PNG")

    with pytest.raises(PhotoRejected) as raised:
        process_photo(bomb, max_pixels=150_000_000)

    assert raised.value.code == "image_too_large"


# --- sniffing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xe0\0\x10JFIF", "JPEG"),
        (b"\xff\xd8\xff\xe1\0\x10Exif", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "PNG"),
        (b"RIFF\x10\0\0\0WEBPVP8 ", "WEBP"),
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "HEIF"),
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic", "HEIF"),
        (b"\0\0\0\x1cftypmsf1\0\0\0\0msf1hevc", "HEIF"),
        (b"\0\0\0\x18ftypmiaf\0\0\0\0miafheic", "HEIF"),  # heic among compatible brands
        (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", None),
        (b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom", None),  # a video
        (b"GIF89a", None),
        (b"BM", None),
        (b"II*\0", None),
        (b"RIFF\x10\0\0\0WAVEfmt ", None),
        (b"%PDF-1.7", None),
        (b"", None),
        (b"\xff\xd8", None),
    ],
)
def test_sniff_format_reads_magic_bytes(data, expected):
    assert sniff_format(data) == expected


def test_sniff_format_agrees_with_pillow_on_real_files(heif_writer):
    image = corner_marked(32, 24)

    assert sniff_format(encoded(image, "JPEG")) == "JPEG"
    assert sniff_format(encoded(image, "PNG")) == "PNG"
    assert sniff_format(encoded(image, "WEBP")) == "WEBP"
    assert sniff_format(encoded(image, "HEIF")) == "HEIF"
    assert sniff_format(encoded(image, "AVIF")) is None
