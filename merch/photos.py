"""Photo evidence: check an upload by its content and make clean, small copies of it.

Pure Pillow, no Flask. What the server keeps of a photo (api.md, "Submitting a checklist"):

- a display copy (long side ≤ 1600 px) and a thumbnail (≤ 320 px), both JPEG, upright
  (EXIF orientation applied), in sRGB, with no metadata at all: no EXIF, GPS, XMP, ICC
  profile or comment;
- the original's SHA-256 and its EXIF capture time. The original itself is not kept.

Uploads are judged by their bytes, never by file name or declared type. JPEG (including the
multi-picture "MPO" files phones make), PNG, WebP and HEIC/HEIF are accepted; anything else
is refused with ``unsupported_media_type`` (415), and an image over the pixel limit with
``image_too_large`` (422), decided from the header before any pixel is decoded.

A phone's 12-megapixel JPEG is decoded at a reduced scale (JPEG draft mode: libjpeg scales
by 1/2, 1/4 or 1/8 while decoding), because decoding every pixel only to throw most of them
away is most of the cost of a naive pipeline. Shrinking comes first; colour conversion and
turning upright are then done on the small image.

Decoding cost is a budget, not only a header's megapixels (issue 13). A JPEG's structure is
read before any pixel is (``jpeg_structure``): a file whose entropy-coded data is too short
for the picture its header claims (a 7,000 × 7,000 header over 16 × 16 of scan data, which
libjpeg would "decode" into a grey picture) is refused like a truncated one; a progressive
JPEG of more than ``MAX_JPEG_SCANS`` scans (each scan is a pass over every block of the
picture, so a few hundred tiny repeated scans cost minutes) is refused as too costly; JPEGs
that are not Huffman-coded baseline, extended or progressive ones (arithmetic, lossless,
hierarchical: no phone makes them) are not accepted. ``decoded_pixels`` is what decoding
an accepted photo will cost: a baseline JPEG is decoded at a reduced scale, while PNG,
WebP, HEIF and progressive JPEG decode every pixel. Callers bound the sum over a request.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

from PIL import Image, ImageCms

from merch.evidence import Analysis, analyse

__all__ = [
    "JpegStructure",
    "PhotoRejected",
    "ProcessedPhoto",
    "check_photo_header",
    "decoded_pixels",
    "jpeg_structure",
    "process_photo",
    "sniff_format",
]

JPEG_SOI = b"\xff\xd8\xff"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# ISO base media "ftyp" brands of HEIF stills. "mif1"/"msf1" are generic HEIF brands that
# iPhones and Android phones use as major brand; AVIF files name "avif" as major brand and
# are not accepted (api.md lists JPEG, PNG, WebP and HEIC/HEIF only).
HEIF_MAJOR_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})
HEVC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"})

# The Pillow opener allowed for each sniffed kind, so a file is decoded by the plugin its
# magic bytes name and by no other. Pillow's JPEG opener is the one that recognises a
# multi-picture file and returns an MPO image.
PILLOW_FORMATS: dict[str, tuple[str, ...]] = {
    "JPEG": ("JPEG",),
    "PNG": ("PNG",),
    "WEBP": ("WEBP",),
    "HEIF": ("HEIF",),
}
ACCEPTED_PILLOW_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})

EXIF_IFD = 0x8769
TAG_ORIENTATION = 0x0112
TAG_DATETIME = 0x0132
TAG_DATETIME_ORIGINAL = 0x9003
TAG_OFFSET_TIME = 0x9010
TAG_OFFSET_TIME_ORIGINAL = 0x9011

# EXIF orientation -> the transpose that makes the picture upright; the same table as
# PIL.ImageOps.exif_transpose (tests/photos check all eight against it). It is applied to
# the small display copy rather than the decoded original, which is why exif_transpose
# itself is not called here.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SWAPS_SIDES = frozenset({5, 6, 7, 8})

# Modes that can be resized as they are and colour-converted afterwards (Pillow resizes
# RGBA and LA with premultiplied alpha, so edges against transparency stay clean).
_RESIZE_AS_IS = frozenset({"RGB", "L", "CMYK", "RGBA", "LA"})
_SIXTEEN_BIT = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})

# Scans in one JPEG: baseline ones have one (or one per component); encoders' progressive
# files have 6 to 12 (libjpeg's default script has 10 for colour, mozjpeg's up to 12). Each
# scan is a pass over every block of the picture, whatever its size in bytes.
MAX_JPEG_SCANS = 24
# Frame types by their SOF marker: Huffman-coded baseline, extended and progressive.
_SOF_HUFFMAN = {0xC0: False, 0xC1: False, 0xC2: True}  # marker -> progressive
# Every other SOF marker: lossless (C3), hierarchical (C5-C7) and arithmetic-coded (C9-CF).
_SOF_OTHER = frozenset({0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
# Where entropy-coded data ends: 0xFF followed by a byte other than a stuffed 0x00, a fill
# 0xFF or a restart marker (D0-D7).
_END_OF_SCAN = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")

_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")
_UTC_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


class PhotoRejected(Exception):
    """An upload that is not a photo we accept; nothing of it is kept.

    ``code`` and ``status`` are the API error (api.md): ``unsupported_media_type`` (415)
    or ``image_too_large`` (422). ``params`` go into the error message, e.g.
    ``{"megapixels": 61.2, "limit": 50}``.
    """

    code: str
    status: int
    params: dict[str, Any]

    def __init__(self, code: str, status: int, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.params = params


def _unsupported() -> PhotoRejected:
    return PhotoRejected("unsupported_media_type", 415)


def _too_large(pixels: int, limit: int) -> PhotoRejected:
    # Rounded up, so an image just over the limit never reads as "50.0 megapixels, limit 50".
    return PhotoRejected(
        "image_too_large",
        422,
        megapixels=math.ceil(pixels / 100_000) / 10,
        limit=limit // 1_000_000 if limit % 1_000_000 == 0 else limit / 1_000_000,
    )


@dataclass(frozen=True)
class ProcessedPhoto:
    """The clean copies of one upload and what is kept of the original."""

    sha256: str  # hex SHA-256 of the uploaded bytes
    source_format: str  # "JPEG" (MPO included), "PNG", "WEBP" or "HEIF"
    source_width: int  # the original's size, upright
    source_height: int
    width: int  # the display copy's size
    height: int
    display_jpeg: bytes = field(repr=False)
    thumb_jpeg: bytes = field(repr=False)
    # Aware when the camera recorded its UTC offset, else naive: the caller reads a naive
    # time in the shop's time zone.
    captured_at: datetime | None
    # The display copy's perceptual fingerprint and probe (merch.evidence), computed from
    # the picture in memory before it is encoded.
    evidence: Analysis | None = field(default=None, repr=False, compare=False)


def sniff_format(data: bytes) -> str | None:
    """The image format by magic bytes: "JPEG", "PNG", "WEBP", "HEIF", or None.

    Cheap and decisive: the file name and the declared content type are never consulted.
    """
    if data.startswith(JPEG_SOI):
        return "JPEG"
    if data.startswith(PNG_SIGNATURE):
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if len(data) >= 12 and data[4:8] == b"ftyp":
        if data[8:12] in HEIF_MAJOR_BRANDS:
            return "HEIF"
        # Some writers put a generic major brand first and "heic" among the compatible
        # brands, which follow the 4-byte minor version inside the ftyp box.
        box_end = min(int.from_bytes(data[:4], "big"), len(data), 64)
        compatible = {data[i : i + 4] for i in range(16, box_end - 3, 4)}
        if data[8:12] not in (b"avif", b"avis") and compatible & HEVC_BRANDS:
            return "HEIF"
    return None


@dataclass(frozen=True)
class JpegStructure:
    """What a JPEG's markers say, read without decoding: its frame and its scans."""

    width: int
    height: int
    progressive: bool
    scans: int
    blocks: int  # 8 x 8 blocks of all components together, at the least (no MCU padding)
    scan_bytes: int  # entropy-coded data over all scans

    @property
    def complete(self) -> bool:
        """Enough scan data for every block: each block's DC coefficient takes a bit at least.

        A header claiming 7,000 x 7,000 over 16 x 16 of data fails this by a factor of
        thousands; real photos pass it by a factor of hundreds.
        """
        return self.scans > 0 and self.scan_bytes * 8 >= self.blocks


def jpeg_structure(data: bytes) -> JpegStructure:
    """Read the first picture's markers (an MPO's other pictures are never decoded).

    Raises PhotoRejected ``unsupported_media_type`` for anything that is not a Huffman-coded
    JPEG with one frame header before its scans. Limits are the caller's: see
    ``JpegStructure.complete``.
    """
    frame: tuple[int, int, bool, int] | None = None
    scans = scan_bytes = 0
    at = 2  # after SOI
    size = len(data)
    while at < size:
        if data[at] != 0xFF or at + 1 >= size or data[at + 1] == 0xFF:
            # Fill bytes, or extraneous bytes libjpeg skips with a warning: on to a marker.
            at += 1
            continue
        marker = data[at + 1]
        if marker == 0xD9:  # EOI
            break
        if 0xD0 <= marker <= 0xD7 or marker in (0x00, 0x01):  # no length: RST, TEM, stuffing
            at += 2
            continue
        if at + 4 > size:
            break
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        end = at + 2 + length
        if length < 2 or end > size:
            break  # truncated: Pillow refuses it when it reads the pixels
        if marker in _SOF_OTHER or (marker in _SOF_HUFFMAN and frame is not None):
            raise _unsupported()
        if marker in _SOF_HUFFMAN:
            frame = _frame(data[at + 4 : end], _SOF_HUFFMAN[marker])
        if marker == 0xDA:  # SOS: its entropy-coded data follows the header
            if frame is None:
                raise _unsupported()
            scans += 1
            found = _END_OF_SCAN.search(data, end)
            scan_end = found.start() if found is not None else size
            scan_bytes += scan_end - end
            at = scan_end
            continue
        at = end
    if frame is None:
        raise _unsupported()
    width, height, progressive, blocks = frame
    return JpegStructure(width, height, progressive, scans, blocks, scan_bytes)


def _frame(body: bytes, progressive: bool) -> tuple[int, int, bool, int]:
    """Width, height, progressive, and the blocks of all components from a SOF body."""
    if len(body) < 6:
        raise _unsupported()
    height = int.from_bytes(body[1:3], "big")
    width = int.from_bytes(body[3:5], "big")
    count = body[5]
    if len(body) < 6 + 3 * count or count == 0 or width == 0 or height == 0:
        raise _unsupported()
    factors = [(body[7 + 3 * i] >> 4, body[7 + 3 * i] & 0x0F) for i in range(count)]
    h_max = max(h for h, _ in factors) or 1
    v_max = max(v for _, v in factors) or 1
    blocks = 0
    for h, v in factors:
        # The component's samples (A.1.1), then its 8 x 8 blocks.
        columns = math.ceil(math.ceil(width * h / h_max) / 8)
        rows = math.ceil(math.ceil(height * v / v_max) / 8)
        blocks += columns * rows
    return width, height, progressive, blocks


@cache
def _heif_available() -> bool:
    """Register pillow_heif's opener with Pillow, once, on the first HEIF upload.

    Not at import: most uploads are JPEG, and the import is not free.
    """
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
    """Check one upload by its content and make its display copy and thumbnail.

    Raises PhotoRejected: ``unsupported_media_type`` (415) for anything that is not a
    readable JPEG, PNG, WebP or HEIF image, ``image_too_large`` (422) for an image of more
    than ``max_pixels`` pixels (judged from its header, before decoding) or one Pillow
    takes for a decompression bomb.
    """
    with warnings.catch_warnings():
        _refuse_bombs_quietly()
        image, kind, structure = _open(data, max_pixels)
        with image:
            return _process(image, structure, data, kind, max_pixels, display_long_side, thumb_long_side, quality)


def check_photo_header(data: bytes, *, max_pixels: int = 50_000_000, display_long_side: int = 1600) -> int:
    """Refuse what ``process_photo`` would refuse from the file's structure alone, decoding nothing.

    Returns the pixels decoding it will cost (see ``decoded_pixels``), so a caller with
    several uploads can bound their sum, and can answer every unsupported file (415) before
    any image over the limit (422), the order api.md gives.
    """
    with warnings.catch_warnings():
        _refuse_bombs_quietly()
        image, _, structure = _open(data, max_pixels)
        with image:
            width, height = _checked_size(image, structure, max_pixels)
    return decoded_pixels(width, height, structure, display_long_side)


def decoded_pixels(width: int, height: int, structure: JpegStructure | None, display_long_side: int = 1600) -> int:
    """The pixels ``process_photo`` decodes for a picture of this size.

    A baseline JPEG is decoded at the smallest of libjpeg's scales (1/8, 1/4, 1/2, 1) that
    still covers the display copy; a progressive JPEG keeps every block's coefficients
    whatever the scale, and PNG, WebP and HEIF (``structure`` None) decode every pixel.
    """
    if structure is None or structure.progressive:
        return width * height
    target_width, target_height = _fitted((width, height), display_long_side)
    for scale in (8, 4, 2):
        if math.ceil(width / scale) >= target_width and math.ceil(height / scale) >= target_height:
            return math.ceil(width / scale) * math.ceil(height / scale)
    return width * height


def _refuse_bombs_quietly() -> None:
    # A decompression bomb is refused like any image over the limit, never left to
    # escape as a warning. Pillow's UserWarnings ("Corrupt EXIF data", "malformed MPO
    # file", ...) are about a stranger's file and nothing anyone here can act on.
    warnings.simplefilter("ignore", UserWarning)
    warnings.simplefilter("error", Image.DecompressionBombWarning)


def _open(data: bytes, max_pixels: int) -> tuple[Image.Image, str, JpegStructure | None]:
    kind = sniff_format(data)
    if kind is None or (kind == "HEIF" and not _heif_available()):
        raise _unsupported()
    structure = jpeg_structure(data) if kind == "JPEG" else None
    try:
        image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS[kind])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as bomb:
        raise _too_large(_bomb_pixels(bomb), max_pixels) from None
    except Exception:  # Pillow and pillow_heif raise many types for damaged headers
        raise _unsupported() from None
    if image.format not in ACCEPTED_PILLOW_FORMATS:  # belt and braces: `formats=` decides
        image.close()
        raise _unsupported()
    return image, kind, structure


def _checked_size(image: Image.Image, structure: JpegStructure | None, max_pixels: int) -> tuple[int, int]:
    width, height = image.size  # from the header: nothing is decoded yet
    if width < 1 or height < 1:
        raise _unsupported()
    if width * height > max_pixels:
        raise _too_large(width * height, max_pixels)
    if structure is not None:
        if structure.scans > MAX_JPEG_SCANS:
            raise PhotoRejected("image_too_large", 422, scans=structure.scans, limit=MAX_JPEG_SCANS)
        if not structure.complete:
            raise _unsupported()  # as a truncated JPEG is: the picture is not all there
    return width, height


def _bomb_pixels(bomb: Exception) -> int:
    # Pillow refuses before handing back the image, so its size is only in the message;
    # it is over Pillow's own limit in any case.
    found = _BOMB_PIXELS.search(str(bomb))
    return int(found.group(1)) if found else (Image.MAX_IMAGE_PIXELS or 0) + 1


def _load_for(
    image: Image.Image, structure: JpegStructure | None, max_pixels: int, long_side: int
) -> tuple[int, int, tuple[int, int]]:
    """Check the picture's size, then decode it no larger than a ``long_side`` copy needs.

    Returns the size the header claims and the copy's size in the stored orientation;
    refusals are PhotoRejected (too large, corrupt).
    """
    width, height = _checked_size(image, structure, max_pixels)
    # The wanted size in the orientation the pixels are stored in, which is what draft
    # and resize work in (fitting is symmetric, so turning afterwards gives the same size).
    stored_size = _fitted((width, height), long_side)
    if image.format in ("JPEG", "MPO") and stored_size != (width, height):
        # libjpeg picks the smallest 1/1, 1/2, 1/4 or 1/8 scale that still leaves both
        # sides at least the requested size, so the long side of the upright result is
        # still at least long_side and the final resize only ever shrinks.
        image.draft(image.mode, stored_size)
    try:
        image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as bomb:
        raise _too_large(_bomb_pixels(bomb), max_pixels) from None
    except Exception:  # truncated or corrupt pixel data, whatever the codec calls it
        raise _unsupported() from None
    return width, height, stored_size


def _process(
    image: Image.Image,
    structure: JpegStructure | None,
    data: bytes,
    kind: str,
    max_pixels: int,
    display_long_side: int,
    thumb_long_side: int,
    quality: int,
) -> ProcessedPhoto:
    width, height, stored_size = _load_for(image, structure, max_pixels, display_long_side)

    # After load: a PNG may keep its EXIF after the pixel data.
    exif = _read_exif(image)
    orientation = _orientation(exif)
    captured_at = _capture_time(exif)
    icc_profile = image.info.get("icc_profile")
    source_width, source_height = (height, width) if orientation in _SWAPS_SIDES else (width, height)

    picture: Image.Image = image
    if picture.mode not in _RESIZE_AS_IS or "transparency" in picture.info:
        # Palette, 16-bit, bilevel and colour-keyed images: make them plain RGB(A)/L before
        # resampling, which would blend palette indexes or keyed colours.
        picture = _plain_mode(picture)
    # Bicubic for the display copy: after draft decoding it is a reduction of at most 2×,
    # where bicubic looks as sharp as Lanczos at three quarters of the cost.
    display = _shrunk(picture, stored_size, Image.Resampling.BICUBIC)
    display = _to_srgb(display, icc_profile)
    display = _upright(display, orientation)
    if display is image:
        # A small upright sRGB original passes through untouched; save a detached copy,
        # not the open file object (whose info _clean_jpeg empties).
        display = image.copy()
    # The thumbnail is made from the display copy, already small, upright and in sRGB.
    thumb = _shrunk(display, _fitted(display.size, thumb_long_side), Image.Resampling.LANCZOS)

    return ProcessedPhoto(
        sha256=hashlib.sha256(data).hexdigest(),
        source_format=kind,
        source_width=source_width,
        source_height=source_height,
        width=display.width,
        height=display.height,
        display_jpeg=_clean_jpeg(display, quality),
        thumb_jpeg=_clean_jpeg(thumb, quality),
        captured_at=captured_at,
        evidence=analyse(display, small=thumb),
    )


def _read_exif(image: Image.Image) -> Image.Exif:
    try:
        return image.getexif()
    except Exception:  # a damaged EXIF block must not cost the photo, only its metadata
        return Image.Exif()


def _orientation(exif: Image.Exif) -> int:
    value = exif.get(TAG_ORIENTATION, 1)
    return value if isinstance(value, int) and value in _UPRIGHT else 1


def _fitted(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """``size`` scaled down so its long side is at most ``long_side``; never up."""
    width, height = size
    scale = long_side / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _shrunk(image: Image.Image, size: tuple[int, int], resample: Image.Resampling) -> Image.Image:
    if image.size == size:
        return image
    # reducing_gap=2.0: for reductions of 4× or more, first shrink by a whole factor with a
    # cheap box filter, then resample the last ≤ 2×–4× properly (the thumbnail: 1600 ->
    # 800 -> 320), which costs half as much and looks the same.
    return image.resize(size, resample, reducing_gap=2.0)


def _plain_mode(image: Image.Image) -> Image.Image:
    """RGB, RGBA, L or LA from any mode a PNG, WebP or HEIF decoder may give."""
    if image.mode in _SIXTEEN_BIT:
        # Pillow clips 16-bit values to 255 when converting to L; scale them instead.
        return image.point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("1", "F"):
        return image.convert("L")
    if image.mode in ("P", "PA", "La", "RGBa") or "transparency" in image.info:
        return image.convert("RGBA")
    return image.convert("RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB: transparency flattened on white, embedded profiles applied.

    An image without a profile is taken to be sRGB, as browsers do; so is one whose profile
    cannot be read.
    """
    if image.mode in ("RGBA", "LA"):
        base = image.mode[:-1]
        flat = Image.new(base, image.size, "white")
        flat.paste(image.convert(base), mask=image.getchannel("A"))
        image = flat
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            if not _is_srgb(source):
                converted = ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # unreadable, or not for this image's mode: read the pixels as sRGB
    return image if image.mode == "RGB" else image.convert("RGB")


def _is_srgb(profile: ImageCms.ImageCmsProfile) -> bool:
    # Most Android phones embed an sRGB profile; converting sRGB to sRGB would only cost
    # time. iPhones embed "Display P3", which must be converted.
    core = profile.profile
    description = core.profile_description or ""
    return core.xcolor_space.strip() == "RGB" and "srgb" in description.lower()


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    method = _UPRIGHT.get(orientation)
    return image.transpose(method) if method is not None else image


def _clean_jpeg(image: Image.Image, quality: int) -> bytes:
    """JPEG bytes with pixels only.

    Pillow takes a comment (and, through ``info``, other metadata) over from the image it
    saves, and images made by resize/convert copy ``info`` from their source: so ``info``
    is emptied and every metadata argument is given explicitly as empty.
    """
    image.info = {}
    buffer = io.BytesIO()
    image.save(
        buffer,
        "JPEG",
        quality=quality,
        optimize=False,  # a Huffman pass costs more time than the few percent it saves
        progressive=False,
        exif=b"",
        comment=b"",
        xmp=b"",
    )
    return buffer.getvalue()


PLAUSIBLE_CAPTURE_YEARS = (1990, 2200)


def _capture_time(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal (else DateTime), aware when the camera recorded its offset."""
    try:
        details = exif.get_ifd(EXIF_IFD)
    except Exception:
        details = {}
    moment = _exif_datetime(details.get(TAG_DATETIME_ORIGINAL))
    offset_tag = TAG_OFFSET_TIME_ORIGINAL
    if moment is None:
        # DateTime is the file's last change; a phone writes it at capture too. Its own
        # offset tag is OffsetTime.
        moment = _exif_datetime(exif.get(TAG_DATETIME))
        offset_tag = TAG_OFFSET_TIME
    if moment is None:
        return None
    offset = _exif_offset(details.get(offset_tag))
    return moment.replace(tzinfo=offset) if offset is not None else moment


def _exif_datetime(raw: Any) -> datetime | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    try:
        # "YYYY:MM:DD HH:MM:SS"; unknown fields are written as blanks or zeros.
        moment = datetime.strptime(raw.strip().rstrip("\x00")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # A year no camera was set to (0001, 9999: a reset clock or a forged file) says
    # nothing about when the photo was taken, and would overflow once moved to UTC.
    if not PLAUSIBLE_CAPTURE_YEARS[0] <= moment.year <= PLAUSIBLE_CAPTURE_YEARS[1]:
        return None
    return moment


def _exif_offset(raw: Any) -> timezone | None:
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    found = _UTC_OFFSET.fullmatch(raw.strip().rstrip("\x00"))
    if found is None:
        return None
    sign, hours, minutes = found.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14) or int(minutes) >= 60:  # no place on Earth is further
        return None
    return timezone(-delta if sign == "-" else delta)


def preview_jpeg(
    data: bytes, *, max_pixels: int = 50_000_000, long_side: int = 1600, max_bytes: int = 400_000
) -> tuple[bytes, int, int]:
    """A reduced JPEG of an upload a phone's browser cannot decode itself (an iPhone's HEIC
    in Chromium): long side ≤ ``long_side``, upright, sRGB, at falling quality until it is
    at most ``max_bytes``; with no metadata. Returns (jpeg, width, height).

    The phone shows it as the preview and sends it as the photo, so the original goes up
    once. Raises PhotoRejected like :func:`process_photo`.
    """
    with warnings.catch_warnings():
        _refuse_bombs_quietly()
        image, _, structure = _open(data, max_pixels)
        with image:
            width, height, stored_size = _load_for(image, structure, max_pixels, long_side)
            orientation = _orientation(_read_exif(image))
            picture: Image.Image = image
            if picture.mode not in _RESIZE_AS_IS or "transparency" in picture.info:
                picture = _plain_mode(picture)
            reduced = _shrunk(picture, stored_size, Image.Resampling.BICUBIC)
            reduced = _upright(_to_srgb(reduced, image.info.get("icc_profile")), orientation)
            if reduced is image:
                reduced = image.copy()
    jpeg = b""
    for quality in (82, 70, 55, 40):
        jpeg = _clean_jpeg(reduced, quality)
        if len(jpeg) <= max_bytes:
            break
    return jpeg, reduced.width, reduced.height
