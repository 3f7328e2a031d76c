"""Photo evidence: check an upload by its content and make clean, small copies of it.

Pure Pillow, no Flask. A phone's 12-megapixel JPEG is decoded at a reduced scale (JPEG
draft mode) instead of full size, turned upright, converted to sRGB, and saved twice (a
display copy and a thumbnail) with no metadata at all: no EXIF, GPS, XMP, ICC profile or
comment. Only the original's SHA-256 and capture time are kept.
"""

from __future__ import annotations

import hashlib
import io
import math
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from PIL import Image, ImageCms, UnidentifiedImageError

JPEG_SOI = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# The Pillow opener for each format we accept by magic bytes (Pillow's JPEG opener is the
# one that recognises a multi-picture file and hands back an MPO image).
PILLOW_FORMATS = {"JPEG": ("JPEG",), "PNG": ("PNG",), "WEBP": ("WEBP",), "HEIF": ("HEIF",)}

EXIF_IFD = 0x8769
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}
_RESAMPLED_MODES = {"RGB", "RGBA", "L", "LA", "CMYK"}


class PhotoRejected(Exception):
    """An upload that is not a photo we accept; nothing of it is kept."""

    def __init__(self, code: str, status: int, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params


def _unsupported() -> PhotoRejected:
    return PhotoRejected("unsupported_media_type", 415)


def _too_large(pixels: int, limit: int) -> PhotoRejected:
    return PhotoRejected(
        "image_too_large", 422, megapixels=round(pixels / 1_000_000, 1), limit=round(limit / 1_000_000)
    )


@dataclass(frozen=True)
class ProcessedPhoto:
    """The clean copies of one upload and what is kept of the original."""

    sha256: str
    source_format: str
    source_width: int
    source_height: int
    width: int
    height: int
    display_jpeg: bytes = field(repr=False)
    thumb_jpeg: bytes = field(repr=False)
    captured_at: datetime | None


def sniff_format(data: bytes) -> str | None:
    """The image format by magic bytes: JPEG, PNG, WEBP, HEIF, or None."""
    if data.startswith(JPEG_SOI):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


@cache
def _heif_opener_registered() -> bool:
    # Registered on first use, not at import: most uploads are JPEG.
    try:
        from pillow_heif import register_heif_opener
    except ImportError:  # pragma: no cover - pillow_heif is in requirements.txt
        return False
    register_heif_opener()
    return True


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def process_photo(
    data: bytes,
    *,
    max_pixels: int = 50_000_000,
    display_long_side: int = 1600,
    thumb_long_side: int = 320,
    quality: int = 82,
) -> ProcessedPhoto:
    """Check and convert one upload; raises PhotoRejected (415 or 422) for what we refuse."""
    kind = sniff_format(data)
    if kind is None or (kind == "HEIF" and not _heif_opener_registered()):
        raise _unsupported()
    with warnings.catch_warnings():
        # A decompression bomb is refused like any image over the limit, never a warning.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[kind])
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise _too_large(max_pixels * 2, max_pixels) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            raise _unsupported() from None
        with image:
            return _convert(image, data, kind, max_pixels, display_long_side, thumb_long_side, quality)


def _convert(
    image: Image.Image,
    data: bytes,
    kind: str,
    max_pixels: int,
    display_long_side: int,
    thumb_long_side: int,
    quality: int,
) -> ProcessedPhoto:
    width, height = image.size
    if width * height > max_pixels:
        raise _too_large(width * height, max_pixels)
    try:
        exif = image.getexif()
    except Exception:  # a damaged EXIF block must not cost the photo
        exif = Image.Exif()
    orientation = exif.get(TAG_ORIENTATION, 1)
    captured_at = _capture_time(exif)
    icc_profile = image.info.get("icc_profile")

    if image.format in ("JPEG", "MPO"):
        # Decode at 1/2, 1/4 or 1/8 scale where that still leaves the long side at least
        # display_long_side: most of the cost of a phone photo is the full-size decode.
        scale = display_long_side / max(width, height)
        if scale < 1:
            image.draft(image.mode, (math.ceil(width * scale), math.ceil(height * scale)))
    try:
        image.load()
    except (OSError, ValueError, SyntaxError):
        raise _unsupported() from None

    # Shrink first, then colour-convert and turn, as both cost per pixel; modes that
    # resampling does not handle well (palette, 16-bit) are converted first.
    convert_first = image.mode not in _RESAMPLED_MODES
    if convert_first:
        image = _to_rgb(image, icc_profile)
    display = _fit(image, display_long_side, Image.Resampling.BICUBIC)
    if not convert_first:
        display = _to_rgb(display, icc_profile)
    display = _upright(display, orientation)
    thumb = _fit(display, thumb_long_side, Image.Resampling.LANCZOS)
    upright_width, upright_height = (height, width) if orientation in _TRANSPOSED_ORIENTATIONS else (width, height)
    return ProcessedPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        source_format=kind,
        source_width=upright_width,
        source_height=upright_height,
        width=display.width,
        height=display.height,
        display_jpeg=_clean_jpeg(display, quality),
        thumb_jpeg=_clean_jpeg(thumb, quality),
        captured_at=captured_at,
    )


def _to_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB: transparency on white, 16-bit scaled down, embedded profiles applied."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if icc_profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB") or image.convert("RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unreadable profile: read the pixels as sRGB, as browsers do
    return image.convert("RGB")


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation if isinstance(orientation, int) else 1)
    return image.transpose(method) if method is not None else image


def _fit(image: Image.Image, long_side: int, resample: Image.Resampling) -> Image.Image:
    """Scale down so the long side is at most ``long_side``; never scale up.

    After draft decoding the display copy is at most a 2× reduction, where bicubic is
    as sharp to the eye as Lanczos at two thirds of the cost.
    """
    scale = long_side / max(image.size)
    if scale >= 1:
        return image
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, resample, reducing_gap=2.0)


def _clean_jpeg(image: Image.Image, quality: int) -> bytes:
    # Pillow carries a source's comment (and XMP) over from ``info`` when saving a JPEG;
    # an empty info and explicit empty EXIF leave nothing but pixels.
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=False, exif=b"")
    return buffer.getvalue()


def _capture_time(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal (else DateTime), aware when the camera recorded its offset."""
    try:
        details = exif.get_ifd(EXIF_IFD)
    except Exception:
        details = {}
    raw = details.get(TAG_DATETIME_ORIGINAL) or exif.get(TAG_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.strptime(raw.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = details.get(TAG_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        offset = offset.strip().rstrip("\x00")
        if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
            try:
                hours, minutes = int(offset[1:3]), int(offset[4:6])
            except ValueError:
                return moment
            delta = timedelta(hours=hours, minutes=minutes)
            return moment.replace(tzinfo=timezone(delta if offset[0] == "+" else -delta))
    return moment
