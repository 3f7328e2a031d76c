"""Colour lightness (CIE L*) and warmth (CIE LCh hue) of an sRGB colour under D65, as colour order reads them."""

from __future__ import annotations

import math
import re

# Used with fullmatch: "$" alone would let a trailing newline through.
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")

# The Y row of the sRGB → XYZ matrix (IEC 61966-2-1, D65): relative luminance from linear RGB.
_Y_WEIGHTS = (0.2126729, 0.7151522, 0.0721750)
# CIE constants as exact ratios (not the rounded 0.008856 / 903.3), so L* is continuous.
_EPSILON = 216 / 24389
_KAPPA = 24389 / 27


def _linear(channel: int) -> float:
    """Undo the sRGB transfer curve: an 8-bit channel to linear light (0…1)."""
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def lightness(hex_colour: str) -> float:
    """CIE L* (0 black … 100 white) of a ``#RRGGBB`` colour; ValueError for anything else."""
    if not HEX_COLOUR.fullmatch(hex_colour):
        raise ValueError(f"not a #RRGGBB colour: {hex_colour!r}")
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    y = sum(weight * _linear(channel) for weight, channel in zip(_Y_WEIGHTS, channels, strict=True))
    # The reference white has Y = 1, so Y/Yn is Y itself.
    return 116 * y ** (1 / 3) - 16 if y > _EPSILON else _KAPPA * y


# The sRGB → XYZ matrix (IEC 61966-2-1, D65) and the D65 reference white.
_XYZ_ROWS = (
    (0.4124564, 0.3575761, 0.1804375),
    _Y_WEIGHTS,
    (0.0193339, 0.1191920, 0.9503041),
)
_WHITE = (0.95047, 1.0, 1.08883)
# display-rules.md, "Warm and cold": chroma below this is neutral; hue ranges in degrees.
NEUTRAL_CHROMA = 15
WARM = "warm"
COLD = "cold"


def _lab_f(t: float) -> float:
    return t ** (1 / 3) if t > _EPSILON else (_KAPPA * t + 16) / 116


def lch(hex_colour: str) -> tuple[float, float, float]:
    """CIE L*, C* and h (degrees, 0 ≤ h < 360) of a ``#RRGGBB`` colour, D65."""
    if not HEX_COLOUR.fullmatch(hex_colour):
        raise ValueError(f"not a #RRGGBB colour: {hex_colour!r}")
    linear = [_linear(int(hex_colour[i : i + 2], 16)) for i in (1, 3, 5)]
    x, y, z = (
        sum(w * c for w, c in zip(row, linear, strict=True)) / n for row, n in zip(_XYZ_ROWS, _WHITE, strict=True)
    )
    fx, fy, fz = _lab_f(x), _lab_f(y), _lab_f(z)
    a, b = 500 * (fx - fy), 200 * (fy - fz)
    hue = math.degrees(math.atan2(b, a)) % 360
    return 116 * fy - 16, math.hypot(a, b), hue


def temperature(hex_colour: str) -> str | None:
    """``"warm"``, ``"cold"`` or None (neutral, or a hue that is neither)."""
    _, chroma, hue = lch(hex_colour)
    if chroma < NEUTRAL_CHROMA:
        return None
    if hue < 110 or hue >= 330:
        return WARM
    if 150 <= hue <= 300:
        return COLD
    return None
