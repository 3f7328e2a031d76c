"""Colour lightness: CIE L* of an sRGB colour under D65, as the colour-order rule compares it."""

from __future__ import annotations

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
