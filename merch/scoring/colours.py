"""Colour lightness: CIE L* of an sRGB colour (D65)."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def lightness(hex_colour: str) -> float:
    """CIE L* (0 black … 100 white) of ``#RRGGBB``."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    # Relative luminance Y from linear sRGB with the D65 white point (Yn = 1).
    y = 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)
    epsilon, kappa = 216 / 24389, 24389 / 27
    return 116 * y ** (1 / 3) - 16 if y > epsilon else kappa * y
