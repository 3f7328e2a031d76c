"""The labelled evidence set: synthetic shop displays, re-shot and copied, made in code.

Origin: every picture is drawn here with Pillow and numpy from a fixed seed, so the set is
the same on every machine and needs no files or licences. A *scene* is a display (a wall,
a table or rail, garments as textured shapes of their own colours and patterns). A *shot*
renders a scene through a camera: its position (a perspective change of the frame's
corners), exposure and colour balance, and its own sensor noise. A *copy* is what staff do
to an earlier file: re-save, re-compress, resize, PNG/WebP, turn it by its EXIF tag,
screenshot it with the phone's status and tool bars around it, or crop up to 10 % a side.

Labels: every copy of a shot must be found as that shot; no other shot of the same scene
(a re-shot, however alike) may be, nor a shot of another scene.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

WORLD = (2000, 1500)  # the scene is drawn larger than any shot, then framed by the camera
SHOT = (1600, 1200)


@dataclass(frozen=True)
class Camera:
    """Where the phone was and how it exposed: corner jitter in fractions of the frame."""

    seed: int
    jitter: float = 0.0  # corners move by up to this fraction of the frame
    gain: float = 1.0  # exposure
    warmth: float = 0.0  # colour balance: + warmer (more red, less blue)
    noise: float = 3.0  # sensor noise, standard deviation in 8-bit levels
    portrait: bool = False


def _texture(rng: np.random.Generator, size: tuple[int, int], colour: np.ndarray) -> Image.Image:
    """A garment's fabric: its colour with stripes, checks or a knit grain."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    kind = rng.integers(0, 4)
    period = float(rng.uniform(8, 40))
    if kind == 0:  # stripes
        pattern = (np.sin(2 * np.pi * (x * rng.uniform(-0.5, 0.5) + y) / period) > 0).astype(np.float32)
    elif kind == 1:  # checks
        pattern = ((np.floor(x / period) + np.floor(y / period)) % 2).astype(np.float32)
    elif kind == 2:  # knit grain
        pattern = rng.random((height, width)).astype(np.float32)
        pattern = np.asarray(Image.fromarray((pattern * 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(2)))
        pattern = pattern.astype(np.float32) / 255
    else:  # plain, with folds
        pattern = 0.5 + 0.5 * np.sin(2 * np.pi * x / (period * 6))
    second = np.clip(colour * rng.uniform(0.5, 0.85), 0, 255)
    mix = pattern[..., None]
    pixels = colour * (1 - mix * 0.6) + second * mix * 0.6
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def scene(seed: int, *, garments: int | None = None, palette_seed: int | None = None) -> Image.Image:
    """A display: wall, fixture and garments; ``palette_seed`` redresses the same layout.

    Two scenes with one ``seed`` and different ``palette_seed`` are the same window with
    other clothes on it (a real change); the same ``seed`` and ``palette_seed`` are the
    same dressing.
    """
    layout = np.random.default_rng(seed)
    dress = np.random.default_rng(seed * 7919 + (palette_seed if palette_seed is not None else 0) + 1)
    width, height = WORLD
    # Wall: a lit gradient with a plaster grain.
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    wall_colour = layout.uniform(150, 235, 3)
    light = 0.75 + 0.25 * np.exp(-(((x - layout.uniform(0, width)) / width) ** 2 + ((y / height) ** 2)) * 2)
    grain = layout.normal(0, 6, (height // 8, width // 8)).astype(np.float32)
    grain_up = np.asarray(Image.fromarray(grain).resize(WORLD, Image.Resampling.BICUBIC))
    wall = wall_colour * light[..., None] + grain_up[..., None]
    canvas = Image.fromarray(np.clip(wall, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(canvas)
    # Fixture: a table or a rail, and a shelf line.
    floor_y = int(height * layout.uniform(0.7, 0.8))
    draw.rectangle((0, floor_y, width, height), fill=tuple(int(v) for v in layout.uniform(60, 140, 3)))
    rail_y = int(height * layout.uniform(0.12, 0.22))
    draw.rectangle((width // 10, rail_y, width * 9 // 10, rail_y + 14), fill=(70, 70, 75))
    count = garments if garments is not None else int(layout.integers(5, 9))
    slot = width * 0.8 / count
    for index in range(count):
        left = int(width * 0.1 + slot * index + layout.uniform(2, slot * 0.15))
        right = int(left + slot * layout.uniform(0.7, 0.85))
        top = rail_y + 14
        bottom = int(floor_y - layout.uniform(30, height * 0.25))
        colour = dress.uniform(20, 240, 3)
        texture = _texture(dress, (right - left + 40, bottom - top + 40), colour)
        mask = Image.new("L", texture.size, 0)
        shape = ImageDraw.Draw(mask)
        w, h = texture.size
        if layout.random() < 0.5:  # a shirt: shoulders, sleeves
            shape.polygon([(w * 0.3, 0), (w * 0.7, 0), (w, h * 0.25), (w * 0.85, h), (w * 0.15, h), (0, h * 0.25)], 255)
        else:  # a dress or coat
            shape.polygon([(w * 0.35, 0), (w * 0.65, 0), (w * 0.95, h), (w * 0.05, h)], 255)
        canvas.paste(texture, (left - 20, top - 20), mask)
        draw.line((left + (right - left) // 2, rail_y, left + (right - left) // 2, top), fill=(40, 40, 40), width=4)
    # Folded stacks on the table.
    for index in range(int(layout.integers(3, 6))):
        left = int(width * (0.08 + 0.18 * index) + layout.uniform(0, 40))
        base = floor_y + int(layout.uniform(40, 120))
        for piece in range(int(layout.integers(3, 6))):
            colour = dress.uniform(20, 240, 3)
            piece_box = (left, base - (piece + 1) * 28, left + 260, base - piece * 28)
            texture = _texture(dress, (260, 28), colour)
            canvas.paste(texture, piece_box[:2])
    # A poster: text-like strokes, the sort of detail a copy keeps and a re-shot moves.
    poster_x, poster_y = int(width * layout.uniform(0.05, 0.7)), int(height * layout.uniform(0.3, 0.45))
    draw.rectangle((poster_x, poster_y, poster_x + 300, poster_y + 200), fill=(250, 250, 245))
    for line in range(6):
        draw.rectangle(
            (
                poster_x + 20,
                poster_y + 20 + line * 28,
                poster_x + 20 + int(layout.uniform(80, 260)),
                poster_y + 34 + line * 28,
            ),
            fill=tuple(int(v) for v in dress.uniform(0, 200, 3)),
        )
    return canvas


def shoot(world: Image.Image, camera: Camera) -> Image.Image:
    """The scene as one phone shot: framed, exposed and noisy as this camera saw it."""
    rng = np.random.default_rng(camera.seed)
    width, height = world.size
    margin_x, margin_y = width * 0.1, height * 0.1
    corners = np.array(
        [
            [margin_x, margin_y],
            [width - margin_x, margin_y],
            [width - margin_x, height - margin_y],
            [margin_x, height - margin_y],
        ]
    )
    # A step to one side and a slight turn move the four corners differently.
    corners += rng.uniform(-1, 1, (4, 2)) * camera.jitter * np.array([width, height])
    size = (SHOT[1], SHOT[0]) if camera.portrait else SHOT
    if camera.portrait:
        # A portrait frame of the middle of the display.
        mid = width / 2
        half = (height - 2 * margin_y) * 3 / 8
        corners[:, 0] = np.where(
            corners[:, 0] < mid, corners[:, 0] - margin_x + mid - half, corners[:, 0] + margin_x - mid + half
        )
    coefficients = _perspective(size, corners)
    framed = world.transform(size, Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC)
    pixels = np.asarray(framed).astype(np.float32) * camera.gain
    pixels[..., 0] *= 1 + camera.warmth
    pixels[..., 2] *= 1 - camera.warmth
    pixels += rng.normal(0, camera.noise, pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _perspective(size: tuple[int, int], corners: np.ndarray) -> list[float]:
    """Pillow's 8 coefficients mapping output pixels to the scene points ``corners``."""
    width, height = size
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    rows = []
    for (x, y), (u, v) in zip(target, corners, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = np.array(rows, dtype=np.float64)
    vector = corners.reshape(8)
    return [float(value) for value in np.linalg.solve(matrix, vector)]


def jpeg(image: Image.Image, quality: int = 90, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, **options)
    return buffer.getvalue()


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _crop(image: Image.Image, left: float, top: float, right: float, bottom: float) -> Image.Image:
    width, height = image.size
    return image.crop(
        (round(width * left), round(height * top), round(width * (1 - right)), round(height * (1 - bottom)))
    )


def screenshot(photo: Image.Image, *, dark: bool = True, screen: tuple[int, int] = (1080, 2340)) -> Image.Image:
    """The photo as a phone's gallery shows it, screenshotted: status bar, tool bar, fill."""
    width, height = screen
    background = (0, 0, 0) if dark else (255, 255, 255)
    ink = (235, 235, 235) if dark else (30, 30, 30)
    shot = Image.new("RGB", screen, background)
    draw = ImageDraw.Draw(shot)
    # Status bar: time, signal, battery.
    draw.rectangle((0, 0, width, 90), fill=(20, 20, 22) if dark else (245, 245, 245))
    draw.text((40, 30), "10:31", fill=ink, font_size=40)
    for bar in range(4):
        draw.rectangle((width - 260 + bar * 22, 60 - bar * 10, width - 246 + bar * 22, 70), fill=ink)
    draw.rectangle((width - 140, 35, width - 50, 70), outline=ink, width=4)
    draw.rectangle((width - 136, 39, width - 80, 66), fill=ink)
    # Tool bar: share, edit, favourite, delete.
    draw.rectangle((0, height - 220, width, height), fill=(20, 20, 22) if dark else (245, 245, 245))
    for slot in range(4):
        cx = width * (slot + 0.5) / 4
        draw.ellipse((cx - 30, height - 150, cx + 30, height - 90), outline=ink, width=5)
    # The picture, fitted between the bars.
    room = (width, height - 90 - 220 - 100)
    scale = min(room[0] / photo.width, room[1] / photo.height)
    fitted = photo.resize((round(photo.width * scale), round(photo.height * scale)), Image.Resampling.LANCZOS)
    shot.paste(fitted, ((width - fitted.width) // 2, 90 + 50 + (room[1] - fitted.height) // 2))
    return shot


def _exif_rotated(image: Image.Image, orientation: int) -> bytes:
    """The picture stored sideways with the EXIF tag that turns it upright again."""
    inverse = {6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270, 3: Image.Transpose.ROTATE_180}
    stored = image.transpose(inverse[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    return jpeg(stored, 88, exif=exif.tobytes())


# What staff do to an earlier photo's file: name -> bytes from the earlier picture.
COPIES: dict[str, Callable[[Image.Image], bytes]] = {
    "resaved_q95": lambda image: jpeg(image, 95),
    "recompressed_q60": lambda image: jpeg(image, 60),
    "recompressed_q30": lambda image: jpeg(image, 30),
    "recompressed_twice": lambda image: jpeg(Image.open(io.BytesIO(jpeg(image, 50))), 40),
    "resized_half": lambda image: jpeg(
        image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR), 85
    ),
    "resized_quarter": lambda image: jpeg(
        image.resize((image.width // 4, image.height // 4), Image.Resampling.LANCZOS), 85
    ),
    "png": lambda image: _encoded(image, "PNG"),
    "webp": lambda image: _encoded(image, "WEBP", quality=70),
    "exif_rotated_6": lambda image: _exif_rotated(image, 6),
    "exif_rotated_8": lambda image: _exif_rotated(image, 8),
    "exif_rotated_3": lambda image: _exif_rotated(image, 3),
    "screenshot_dark": lambda image: _encoded(screenshot(image), "PNG"),
    "screenshot_light_jpeg": lambda image: jpeg(screenshot(image, dark=False), 80),
    "screenshot_landscape_screen": lambda image: _encoded(screenshot(image, screen=(2340, 1080)), "PNG"),
    "cropped_10_left": lambda image: jpeg(_crop(image, 0.10, 0, 0, 0), 88),
    "cropped_10_right_bottom": lambda image: jpeg(_crop(image, 0, 0, 0.10, 0.10), 88),
    "cropped_10_top_bottom": lambda image: jpeg(_crop(image, 0, 0.10, 0, 0.10), 88),
    "cropped_5_all": lambda image: jpeg(_crop(image, 0.05, 0.05, 0.05, 0.05), 88),
    "cropped_10_all": lambda image: jpeg(_crop(image, 0.10, 0.10, 0.10, 0.10), 88),
    "cropped_mixed_recompressed": lambda image: jpeg(_crop(image, 0.07, 0.02, 0.03, 0.09), 55),
    "cropped_screenshot": lambda image: _encoded(screenshot(_crop(image, 0.06, 0.04, 0.02, 0.08)), "PNG"),
}

# Re-shots of the same scene by hand: the phone moved a little (corners by up to 1.2–3.5 %
# of the frame, 20–55 px at 1600 px: the least two hand-held shots differ by), exposure and
# colour balance changed, new noise.
RESHOTS: dict[str, Camera] = {
    "hand_held_again": Camera(seed=101, jitter=0.012, noise=3.0),
    "half_step": Camera(seed=102, jitter=0.015, gain=1.0),
    "step_aside": Camera(seed=103, jitter=0.025, gain=1.05),
    "darker": Camera(seed=104, jitter=0.012, gain=0.85),
    "brighter_warmer": Camera(seed=105, jitter=0.015, gain=1.12, warmth=0.05),
    "two_steps": Camera(seed=106, jitter=0.035),
}
# Later hand-held shots of the same display: each re-shot's camera from another place (its
# seed + 500), and the next day's shot; a new photo a display's history must not match
# (tests/evidence/test_close_calls.py).
LATER_RESHOTS: dict[str, Camera] = {
    **{f"{name}_later": replace(camera, seed=camera.seed + 500) for name, camera in RESHOTS.items()},
    "next_day": Camera(seed=500, jitter=0.015),
}
# A second shot from a tripod (corners within 0.3 %, 5 px): its pixels differ from the
# first shot's less than a JPEG re-compression does, so no content check can tell it from
# a copy. The known limit, measured and reported, not claimed.
TRIPOD = Camera(seed=107, jitter=0.003)

FIRST_SHOT = Camera(seed=1, jitter=0.0)
SCENE_SEEDS = (11, 12, 13)
