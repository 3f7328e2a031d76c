"""The close call's one inner loop, compiled by numba at its first use.

``_Work.frequencies`` reads a summed-area table at every corner of a grid over each
window, and the close call asks for a few hundred windows per photo. In numpy that is some
twenty passes over (n, size+1, size+1) arrays, most of them strided views of one gather,
and it was half the close call's time; one compiled pass per window does the same IEEE
float32 operations in the same order, so its sums are bit for bit numpy's
(tests/evidence/test_fingerprint_bits.py checks it), at a seventh of the cost.

numba is imported when the first close call needs it, not with the app: it takes about
half a second, and compiling the loop a second or two more the first time, after which
numba keeps the machine code in ``__pycache__`` beside this file.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np

GridSums = Callable[[np.ndarray, np.ndarray, np.ndarray, bool, np.ndarray, np.ndarray, np.ndarray], None]


def grid_sums(
    table: np.ndarray,
    boxes: np.ndarray,
    steps: np.ndarray,
    slopes: bool,
    means: np.ndarray,
    columns: np.ndarray,
    rows: np.ndarray,
) -> None:
    """Box means on a size×size grid over each box, and the table's slopes at its cells' edges.

    ``table``: the summed-area table ((height+1) × (width+1), float32); ``boxes``: n × 4
    (x0, y0, x1, y1, float64); ``steps``: ``np.linspace(0, 1, size + 1)``. Into ``means``
    (n × size × size): each cell's mean, the table read at the grid's corners by bilinear
    interpolation. With ``slopes``, into ``columns`` (n × size × (size+1)) the column
    integrals along each cell's left and right edges (the table's slope along x, summed
    between the corners above and below) and into ``rows`` (n × (size+1) × size) the row
    integrals along its top and bottom edges, both divided by the cell's area as the means
    are. A corner outside the table reads its edge (a box partly outside the picture).
    """
    height = table.shape[0] - 1
    width = table.shape[1] - 1
    points = steps.shape[0]
    size = points - 1
    x_low = np.empty(points, np.intp)
    y_low = np.empty(points, np.intp)
    x_frac = np.empty(points, np.float32)
    y_frac = np.empty(points, np.float32)
    corners = np.empty((points, points), np.float32)
    slope_x = np.empty((points, points), np.float32)
    slope_y = np.empty((points, points), np.float32)
    for box in range(boxes.shape[0]):
        x0, y0, x1, y1 = boxes[box, 0], boxes[box, 1], boxes[box, 2], boxes[box, 3]
        for k in range(points):
            x = x0 + (x1 - x0) * steps[k]
            # As np.clip(x, 0, width), and a NaN to 0: the index below must stay in the table.
            x = min(x, float(width)) if x >= 0.0 else 0.0
            low = min(int(math.floor(x)), width - 1)
            x_low[k] = low
            x_frac[k] = np.float32(x - low)
            y = y0 + (y1 - y0) * steps[k]
            y = min(y, float(height)) if y >= 0.0 else 0.0
            low = min(int(math.floor(y)), height - 1)
            y_low[k] = low
            y_frac[k] = np.float32(y - low)
        for i in range(points):
            row, down = y_low[i], y_frac[i]
            for j in range(points):
                column, across = x_low[j], x_frac[j]
                top_left, top_right = table[row, column], table[row, column + 1]
                bottom_left, bottom_right = table[row + 1, column], table[row + 1, column + 1]
                right_top = top_right - top_left
                bottom = bottom_right - bottom_left
                if slopes:
                    slope_x[i, j] = (bottom - right_top) * down + right_top
                upper = right_top * across + top_left
                along_y = bottom * across + bottom_left - upper
                slope_y[i, j] = along_y
                corners[i, j] = along_y * down + upper
        area = np.float32((x1 - x0) * (y1 - y0) / size**2)
        for i in range(size):
            for j in range(size):
                sum_ = (corners[i + 1, j + 1] - corners[i, j + 1]) - (corners[i + 1, j] - corners[i, j])
                means[box, i, j] = sum_ / area
        if slopes:
            for i in range(size):
                for j in range(points):
                    columns[box, i, j] = (slope_x[i + 1, j] - slope_x[i, j]) / area
            for i in range(points):
                for j in range(size):
                    rows[box, i, j] = (slope_y[i, j + 1] - slope_y[i, j]) / area


@cache
def compiled_grid_sums() -> GridSums:
    """``grid_sums`` compiled (once per process; numba's cache spares later processes the compiling)."""
    import numba

    compiled: GridSums = numba.njit(cache=True, nogil=True)(grid_sums)
    return compiled
