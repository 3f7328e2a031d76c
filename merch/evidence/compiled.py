"""The close call's one inner loop, compiled by numba at its first use.

``_Work.frequencies`` reads a summed-area table at every corner of a grid over each
window, and the close call asks for a few hundred windows per photo. In numpy that is some
twenty passes over (n, size+1, size+1) arrays, most of them strided views of one gather,
and it was half the close call's time; one compiled pass per window does the same IEEE
float32 operations in the same order, so its sums are bit for bit numpy's
(``grid_sums_numpy``; tests/evidence/test_fingerprint_bits.py compares them), at a
seventh of the cost.

numba is imported when the first close call needs it (or a server worker warms it up,
gunicorn.conf.py), not with the app: it takes about half a second (and some 110 MB of a
process's memory), and compiling the loop a second or two more the first time. numba
keeps the machine code in ``NUMBA_CACHE_DIR`` if set, else in ``__pycache__`` beside this
file, else under the user's cache directory; where it can write none, each process
compiles again, and where numba cannot be installed or run the numpy passes serve:
slower, same results.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable

import numpy as np

_log = logging.getLogger(__name__)

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

    ``table``: the summed-area table ((height+1) × (width+1), float32, at least 2 × 2);
    ``boxes``: n × 4 (x0, y0, x1, y1, float64); ``steps``: ``np.linspace(0, 1, size + 1)``.
    Into ``means`` (n × size × size): each cell's mean, the table read at the grid's
    corners by bilinear interpolation. With ``slopes``, into ``columns`` (n × size ×
    (size+1)) the column integrals along each cell's left and right edges (the table's
    slope along x, summed between the corners above and below) and into ``rows`` (n ×
    (size+1) × size) the row integrals along its top and bottom edges, both divided by the
    cell's area as the means are. A corner outside the table reads its edge (a box partly
    outside the picture); a box that is not a number reads the table's first cell, and one
    of no size gives infinities or NaN, never a read outside the table.
    """
    count = boxes.shape[0]
    points = steps.shape[0]
    size = points - 1
    # Compiled code does not check its indexes: the shapes are checked once here instead.
    if table.shape[0] < 2 or table.shape[1] < 2 or size < 1 or boxes.shape[1] != 4:
        raise ValueError("grid_sums: a table of at least 2 x 2, boxes of 4 edges, a grid of at least 1")
    if means.shape[0] != count or means.shape[1] != size or means.shape[2] != size:
        raise ValueError("grid_sums: means must be n x size x size")
    if slopes and (
        columns.shape[0] != count
        or columns.shape[1] != size
        or columns.shape[2] != points
        or rows.shape[0] != count
        or rows.shape[1] != points
        or rows.shape[2] != size
    ):
        raise ValueError("grid_sums: columns must be n x size x (size+1), rows n x (size+1) x size")
    height = table.shape[0] - 1
    width = table.shape[1] - 1
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
        # All in float32: the table's values carry float32's rounding already and their
        # differences are exact, so float64 would buy nothing (and change the bits).
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


def grid_sums_numpy(
    table: np.ndarray,
    boxes: np.ndarray,
    steps: np.ndarray,
    slopes: bool,
    means: np.ndarray,
    columns: np.ndarray,
    rows: np.ndarray,
) -> None:
    """``grid_sums`` as numpy array operations: the same float32 operations in the same order.

    Where numba cannot be had, and the reference the compiled loop is tested against.
    """
    # A box that is not a number, or of no size, gives NaN or infinities as the loop does.
    with np.errstate(all="ignore"):
        height, width = table.shape[0] - 1, table.shape[1] - 1
        size = len(steps) - 1
        xs = np.clip(boxes[:, 0:1] + (boxes[:, 2:3] - boxes[:, 0:1]) * steps, 0, width)
        ys = np.clip(boxes[:, 1:2] + (boxes[:, 3:4] - boxes[:, 1:2]) * steps, 0, height)
        xs[np.isnan(xs)] = 0.0  # as the loop: a box that is not a number reads the first cell
        ys[np.isnan(ys)] = 0.0
        x_low = np.minimum(np.floor(xs).astype(np.intp), width - 1)
        y_low = np.minimum(np.floor(ys).astype(np.intp), height - 1)
        x_frac = (xs - x_low).astype(np.float32)[:, None, :]
        y_frac = (ys - y_low).astype(np.float32)[:, :, None]
        at_row, at_column = y_low[:, :, None], x_low[:, None, :]
        top_left, top_right = table[at_row, at_column], table[at_row, at_column + 1]
        bottom_left, bottom_right = table[at_row + 1, at_column], table[at_row + 1, at_column + 1]
        right_top, bottom = top_right - top_left, bottom_right - bottom_left
        upper = right_top * x_frac + top_left
        along_y = bottom * x_frac + bottom_left - upper
        corners = along_y * y_frac + upper
        area = ((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) / size**2).astype(np.float32)[:, None, None]
        np.divide(np.diff(np.diff(corners, axis=1), axis=2), area, out=means)
        if slopes:
            along_x = (bottom - right_top) * y_frac + right_top
            np.divide(np.diff(along_x, axis=1), area, out=columns)
            np.divide(np.diff(along_y, axis=2), area, out=rows)


_compiling = threading.Lock()
_compiled: GridSums | None = None


def compiled_grid_sums() -> GridSums:
    """``grid_sums`` compiled, once per process, the first time (threads wait for it)."""
    global _compiled
    found = _compiled
    if found is None:
        with _compiling:
            if _compiled is None:
                _compiled = compile_grid_sums()
            found = _compiled
    return found


def compile_grid_sums() -> GridSums:
    """``grid_sums`` compiled for the arguments ``_Work.frequencies`` passes, or the numpy passes.

    Compiled with numba's on-disk cache where it can keep one, in memory where it cannot
    (nowhere to write, a damaged cache file); the numpy passes, seven times slower, where
    numba is not installed or cannot run (llvmlite will not load, the host forbids
    executable memory). Never raises: a photo check must not fail for want of speed; each
    way down is logged. Python's error model is numba's default, and it would raise where
    numpy gives an infinity (a box of no size): numpy's is asked for.
    """
    try:
        import numba
    except Exception:  # ImportError, or OSError from llvmlite or numba's check for executable memory
        _log.warning("numba cannot be imported: the photo check's grid sums run in numpy", exc_info=True)
        return grid_sums_numpy
    for cached in (True, False):
        try:
            compiled: GridSums = numba.njit(cache=cached, nogil=True, error_model="numpy")(grid_sums)
            _first_call(compiled)
        except Exception:
            # With the cache: "no locator available" (nowhere to write), an OSError writing,
            # an UnpicklingError reading a damaged file. Without it: numba cannot compile.
            _log.warning("numba could not compile the grid sums (cache=%s)", cached, exc_info=True)
            continue
        if not cached:
            _log.warning("numba compiled the grid sums without its cache: each process compiles again")
        return compiled
    _log.warning("the photo check's grid sums run in numpy")
    return grid_sums_numpy


def _first_call(function: GridSums) -> None:
    """Call ``function`` once with the types ``_Work.frequencies`` passes, so numba compiles
    (or loads) that version now: the step shares are a read-only array there."""
    steps = np.linspace(0.0, 1.0, 2)
    steps.flags.writeable = False
    table, boxes = np.zeros((2, 2), dtype=np.float32), np.array([[0.0, 0.0, 1.0, 1.0]])
    means, columns, rows = (np.empty(shape, dtype=np.float32) for shape in ((1, 1, 1), (1, 1, 2), (1, 2, 1)))
    function(table, boxes, steps, True, means, columns, rows)
