"""Perceptual fingerprints of a display copy, and the checks that compare them.

numpy and Pillow (and numba for the close call's grid sums), no Flask or database. Three
descriptors are kept per photo:

- ``phash``: a 64-bit DCT hash of the whole picture (grey, 32×32, the 8×8 lowest
  frequencies against their median), the classic pHash; survives re-saving, JPEG
  re-compression, resizing and format changes;
- ``core``: the same hash of the *core*, the picture less 10 % on each side. A copy
  cropped by up to 10 % a side, or a screenshot with bars around it, still contains the
  whole core; the query side searches its own picture for where the core would be
  (``Probe``), so neither hash has to survive the crop itself;
- ``detail``: 2,304 bits of the core (grey, 128×128, the signs of the 48×48 lowest DCT
  frequencies) used for the close calls. It keeps the
  fine geometry of edges: a copy lines up with its original to a pixel of that grid, a
  second shot of the same display does not (the camera moved, the perspective changed);
- ``layout``: the colour layout (8×8 cells of mean luma and chroma, exposure-normalised)
  that ``window_similarity`` compares: loose on purpose, it looks at which colours stand
  where, which is what a re-dressed window changes.

A ``Probe`` is the query side: the candidate 64-bit hashes under which an earlier photo
could be stored (for the index lookup), and ``Probe.matches`` to judge the stored
fingerprints the lookup found, all at once: each candidate's core is aligned with the new
picture by a few Gauss–Newton steps per level (32×32, then 64×64 grids, whose lowest
frequencies' signs are corners of the detail bits), on the exact slopes of the box means
with respect to the box's edges; the candidates the 64×64 level brings closest are
aligned and judged on their full detail bits.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Protocol

import numpy as np
from PIL import Image
from threadpoolctl import ThreadpoolController

from merch.evidence.compiled import compiled_grid_sums

__all__ = [
    "CORE_MARGIN",
    "Analysis",
    "analyse",
    "Fingerprint",
    "Match",
    "Probe",
    "fingerprint",
    "hamming",
    "probe",
    "warm_up",
    "window_similarity",
]

CORE_MARGIN = 0.10  # the core leaves this much on each side: the crop a copy may have
WORK_LONG_SIDE = 512  # the grey working copy every descriptor is computed from
COARSE_LONG_SIDE = 512  # the 64-bit hashes' table (a reduction of it shifted their windows too much)
HASH_SIZE = 32  # pHash: a 32×32 grey picture ...
HASH_LOW = 8  # ... of which the 8×8 lowest frequencies make 64 bits
DETAIL_SIZE = 128  # detail: a 128×128 grey core ...
DETAIL_LOW = 48  # ... of which the 48×48 lowest frequencies make 2,304 bits
LAYOUT_CELLS = 8
GRID_CHUNK_POINTS = 65_536  # grid corners computed at once by _Work.grids (measured: 16k-1M)
BAND_BITS = 16  # the index stores each 64-bit hash as four 16-bit bands
BANDS = 64 // BAND_BITS

# Decision thresholds, set on the labelled set in tests/ (numbers in the README).
CANDIDATE_DISTANCE = 14  # a 64-bit hash this close is worth a detailed look
DETAIL_MATCH = 0.05  # a copy: at most this share of the 2,304 detail bits differ
FEATURELESS_SPREAD = 4.0  # grey levels: below this a picture shows nothing to compare
# The close call's alignment of each candidate's core in the new picture (Probe.matches):
# per level, the grid size, the lowest frequencies compared (a corner of the detail bits),
# the rounds of steps and the first reach (a share of the window's size).
SEARCH_STARTS = 1  # windows per candidate the alignment starts from ...
START_POOL = 16  # ... chosen by their coarse bits among this many nearest by core hash
SEARCH_SIZE = 32  # coarse: 32×32 grids ...
SEARCH_LOW = 16  # ... the signs of their 16×16 lowest frequencies
SEARCH_ROUNDS = (2, 2)  # correlation steps from the start window, then sign steps
SEARCH_REACH = (0.03, 0.01)
# After the coarse level every copy of the labelled set has at most 0.043 of its 256 bits
# differing from its original; a candidate above this cannot be the original and goes no
# further (about half of a display's hand-held re-shots). README "Evidence".
SEARCH_KEEP = 0.08
RANK_SIZE, RANK_LOW, RANK_ROUNDS, RANK_REACH = 64, 32, 2, 0.01  # the candidates ranked on 64×64 grids
# Where the coarse level left them, before any 64×64 step, every copy of the labelled set
# (1600×1200 and 640×480) has at most 0.115 of its 1,024 bits differing from its original,
# and about two in three of a display's alike shots more than RANK_KEEP: those take no
# 64×64 steps (the steps are most of the close call's cost). README "Evidence".
RANK_KEEP = 0.14
# After the first 64×64 step a copy's original is already the closest or the next of a
# display's alike shots (126 copies of the labelled set against 64 alike shots each, the
# original first or last), so only this many of the closest take the later steps.
RANK_STEPPED = 8
CHECKED = 3  # candidates, closest after the 64×64 level, aligned and judged at full detail
FINAL_ROUNDS, FINAL_REACH = 2, 0.004
FINAL_MARGIN, FINAL_MORE_ROUNDS = 1.3, 6  # more steps for a candidate within 30 % over DETAIL_MATCH


@dataclass(frozen=True)
class Fingerprint:
    """What is stored with each photo; ``phash`` and ``core`` are unsigned 64-bit ints."""

    phash: int
    core: int
    detail: bytes  # 288 bytes
    layout: bytes  # 8×8 cells × (luma, two chroma), int8 after normalising

    def to_signed(self) -> tuple[int, int]:
        """The two hashes as signed 64-bit integers, as SQL BIGINT columns hold them."""
        return _signed(self.phash), _signed(self.core)


class Candidate(Protocol):
    """What the close call reads of a stored fingerprint (a ``Fingerprint``, or a row of
    its columns): the two hashes, signed as the database holds them or not, and the
    detail bits. The layout is not read: the lookup need not fetch it."""

    @property
    def phash(self) -> int: ...

    @property
    def core(self) -> int: ...

    @property
    def detail(self) -> bytes: ...


@dataclass(frozen=True)
class Match:
    """A stored photo judged to be the same picture as the new one."""

    detail_distance: float  # share of detail bits that differ, 0–1
    hash_distance: int  # best Hamming distance of a 64-bit hash


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & 0xFFFF_FFFF_FFFF_FFFF).bit_count()


@cache
def _dct_matrix(size: int) -> np.ndarray:
    """The orthonormal DCT-II matrix: ``D @ X @ D.T`` is the 2-D DCT of X."""
    k = np.arange(size)[:, None]
    n = np.arange(size)[None, :]
    matrix = np.cos(np.pi * (2 * n + 1) * k / (2 * size)) * np.sqrt(2 / size)
    matrix[0] /= np.sqrt(2)
    return matrix.astype(np.float32)


def _low_frequencies(grids: np.ndarray, low: int, dct_t: np.ndarray | None = None) -> np.ndarray:
    """The low×low lowest 2-D DCT frequencies of each of n size×size grids.

    ``dct_t``: the transposed low rows of the DCT matrix, if the caller keeps them.
    """
    count, size = grids.shape[0], grids.shape[-1]
    if dct_t is None:
        dct_t = _low_dct(size, low)
    # Two plain matrix products (BLAS), transforming rows and then columns of all grids.
    rows = (grids.reshape(count * size, size) @ dct_t).reshape(count, size, low)
    columns = np.ascontiguousarray(rows.transpose(0, 2, 1)).reshape(count * low, size) @ dct_t
    return columns.reshape(count, low, low).transpose(0, 2, 1)


def _hashes(grids: np.ndarray) -> list[int]:
    coefficients = _low_frequencies(grids, HASH_LOW).reshape(len(grids), -1)
    # The DC term only says how bright the picture is; the median is of the others.
    bits = coefficients > np.median(coefficients[:, 1:], axis=1, keepdims=True)
    packed = np.packbits(bits, axis=1)
    return [int.from_bytes(row.tobytes(), "big") for row in packed]


def _sign_bits(grids: np.ndarray, low: int) -> np.ndarray:
    """n × low² booleans: the sign of each of the low×low lowest frequencies."""
    return (_low_frequencies(grids, low) > 0).reshape(len(grids), -1)


def _corner(detail: np.ndarray, low: int) -> np.ndarray:
    """Of n × 2,304 detail bits, those of the low×low lowest frequencies (n × low²)."""
    return detail.reshape(len(detail), DETAIL_LOW, DETAIL_LOW)[:, :low, :low].reshape(len(detail), -1)


def _detail_bits(grids: np.ndarray) -> np.ndarray:
    """n × 2,304 booleans: the sign of each low frequency, which fine geometry decides."""
    return (_low_frequencies(grids, DETAIL_LOW) > 0).reshape(len(grids), -1)


def _table(grey: np.ndarray) -> np.ndarray:
    """The summed-area table, centred on its mean so float32 keeps box sums precise."""
    shape = (grey.shape[0] + 1, grey.shape[1] + 1)
    if grey.dtype == np.uint8 and shape[0] * shape[1] * grey.size * 255 < 2**53:
        # Whole grey levels: every sum, and the sum of all sums that the mean takes, is an
        # integer below 2**53, which float64 holds exactly; so integer sums give the very
        # same table, bit for bit, at a third of the cost (int32 cumsum, no float64 pass).
        # int32 is enough: the guard above keeps grey.size below about 5.9 M, and the
        # largest sum, grey.size * 255, fits 31 bits below 8.4 M.
        sums = np.zeros(shape, dtype=np.int32)
        inner = sums[1:, 1:]
        np.cumsum(grey, axis=1, dtype=sums.dtype, out=inner)
        np.cumsum(inner, axis=0, out=inner)
        mean = np.float64(sums.sum(dtype=np.int64)) / sums.size  # as np.mean: exact sum / count
        centred = np.empty(shape, dtype=np.float32)
        # Less the mean in float64, then rounded to float32 once: as the float64 table was.
        np.subtract(sums, mean, out=centred, dtype=np.float64)
        return centred
    table = np.zeros(shape, dtype=np.float64)
    inner = table[1:, 1:]
    np.cumsum(grey, axis=0, dtype=np.float64, out=inner)  # in place: no temporary copies
    np.cumsum(inner, axis=1, out=inner)
    table -= table.mean()
    return table.astype(np.float32)


def _blend(first: np.ndarray, first_weight: np.ndarray, second: np.ndarray, second_weight: np.ndarray) -> np.ndarray:
    """``first * first_weight + second * second_weight``, in place in ``first`` and ``second``."""
    first *= first_weight
    second *= second_weight
    first += second
    return first


class _GridPoints:
    """Where the corners of size×size grids over ``boxes`` fall in a summed-area table.

    The table is read at each grid corner by bilinear interpolation from the four table
    values around it, whose first is ``flat[top]`` (``grids`` reads them as shifted views),
    never a whole row of the table per window. ``_Work.frequencies`` reads the same
    values in compiled code (``compiled.grid_sums``).
    """

    __slots__ = ("flat", "stride", "top", "x_frac", "xs", "y_frac", "ys")

    def __init__(self, table: np.ndarray, boxes: np.ndarray, size: int) -> None:
        height, width = table.shape[0] - 1, table.shape[1] - 1
        steps = _grid_steps(size)
        self.xs = np.clip(boxes[:, 0:1] + (boxes[:, 2:3] - boxes[:, 0:1]) * steps, 0, width)
        self.ys = np.clip(boxes[:, 1:2] + (boxes[:, 3:4] - boxes[:, 1:2]) * steps, 0, height)
        y_low = np.minimum(np.floor(self.ys).astype(np.intp), height - 1)
        x_low = np.minimum(np.floor(self.xs).astype(np.intp), width - 1)
        self.y_frac = (self.ys - y_low).astype(np.float32)[:, :, None]
        self.x_frac = (self.xs - x_low).astype(np.float32)[:, None, :]
        self.stride = table.shape[1]
        self.flat = table.reshape(-1)
        self.top = (y_low * self.stride)[:, :, None] + x_low[:, None, :]


def _grid_means(table: np.ndarray, boxes: np.ndarray, size: int, out: np.ndarray) -> None:
    """``_Work.grids`` for a few boxes, into ``out`` (n × size × size, float32)."""
    points = _GridPoints(table, boxes, size)
    xs, ys, x_frac, y_frac = points.xs, points.ys, points.x_frac, points.y_frac
    flat, top, stride = points.flat, points.top, points.stride
    x_rest, y_rest = 1 - x_frac, 1 - y_frac
    # The right and lower neighbours through views of the table shifted by 1, stride and
    # stride + 1 (flat[1:][top] is flat[top + 1]): no index arrays made for them.
    upper = _blend(flat[top], x_rest, flat[1:][top], x_frac)
    lower = _blend(flat[stride:][top], x_rest, flat[stride + 1 :][top], x_frac)
    corners = _blend(upper, y_rest, lower, y_frac)
    # The cells' sums as np.diff(np.diff(corners.astype(float64))) made them: float64
    # differences of the float32 corners, with no float64 copy of the corners.
    rows = np.subtract(corners[:, 1:], corners[:, :-1], dtype=np.float64)
    sums = np.subtract(rows[:, :, 1:], rows[:, :, :-1])
    heights, widths = np.diff(ys, axis=1), np.diff(xs, axis=1)
    areas = heights[:, :, None] * widths[:, None, :]
    # The floor only matters for a degenerate box: when the smallest height and width are
    # positive, their (rounded) product is the smallest area, so one scalar test spares a pass.
    low_height, low_width = float(heights.min()), float(widths.min())
    if not (low_height > 0 and low_width > 0 and low_height * low_width > 1e-9):
        np.maximum(areas, 1e-9, out=areas)
    # Divided in float64 and rounded to float32 once, as (sums / areas).astype(float32).
    np.divide(sums, areas, out=out)


class _Work:
    """The grey working copy and its summed-area tables.

    Any window's box averages on any grid come from a table by interpolation, which is
    exact for a picture of square pixels and costs a few array operations however many
    windows are asked for: the query side samples hundreds. The 64-bit hashes read a
    reduced table (their 32×32 cells span several working pixels anyway), the detail bits
    the full one.
    """

    def __init__(self, grey: np.ndarray) -> None:
        self.height, self.width = grey.shape
        # The table from the grey levels as they are (uint8 sums cheaper, same bits);
        # trimming reads the uint8 levels too, the spread and the coarse reduction float32.
        self.table = _table(grey)
        self.levels = grey if grey.dtype == np.uint8 else None  # the same, for _trimmed
        grey = grey.astype(np.float32, copy=False)
        self.grey = grey
        self.scale = min(1.0, COARSE_LONG_SIDE / max(grey.shape))
        self.coarse = self.table
        if self.scale < 1:
            reduced = Image.fromarray(grey).resize(
                (max(1, round(self.width * self.scale)), max(1, round(self.height * self.scale))), Image.Resampling.BOX
            )
            self.coarse = _table(np.asarray(reduced, dtype=np.float32))

    def grids(self, boxes: np.ndarray, size: int, *, coarse: bool = False) -> np.ndarray:
        """Box means of ``boxes`` (n × 4: x0, y0, x1, y1) on size×size grids: n × size × size."""
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        table = self.coarse if coarse else self.table
        if coarse:
            boxes = boxes * self.scale
        means = np.empty((len(boxes), size, size), dtype=np.float32)
        # Some 60 boxes of 32×32 at a time: every step is per box, so the means are the
        # same, and the temporaries (n × (size+1)² each) stay in cache; all 252 windows of
        # a trimmed picture at once cost twice as much per window, and much smaller chunks
        # pay numpy's per-call overhead instead.
        chunk = max(1, GRID_CHUNK_POINTS // (size + 1) ** 2)
        for start in range(0, len(boxes), chunk):
            _grid_means(table, boxes[start : start + chunk], size, means[start : start + chunk])
        return means

    def frequencies(
        self, boxes: np.ndarray, size: int, low: int, *, slopes: bool = True
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """The low×low lowest DCT frequencies of box means on size×size grids, and their slopes.

        The frequencies (n × low², as ``_sign_bits`` orders them) of the means ``grids``
        gives, and with ``slopes`` their derivatives with respect to each box's x0, y0, x1,
        y1 (n × low² × 4), exact for the table's bilinear interpolation: a cell's sum moves
        with its corners, and a corner's move along x adds the column integral there (the
        table's slope along x), along y the row integral. The means and the integrals come
        from one compiled pass over each box's grid (``compiled.grid_sums``), reading the
        same four table values around each corner as ``grids`` does. Without ``slopes``
        (the last trial of an alignment, whose slopes no step uses) the integrals are not
        made.
        """
        boxes = np.ascontiguousarray(boxes, dtype=np.float64).reshape(-1, 4)
        count = len(boxes)
        means = np.empty((count, size, size), dtype=np.float32)
        columns = np.empty((count, size, size + 1) if slopes else (0, 0, 0), dtype=np.float32)
        rows = np.empty((count, size + 1, size) if slopes else (0, 0, 0), dtype=np.float32)
        compiled_grid_sums()(self.table, boxes, _grid_steps(size), slopes, means, columns, rows)
        widths, heights = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
        # Rows transformed in one matrix product over all boxes, columns by the low DCT
        # rows applied to each box's (size × low) result: no transposed copies.
        dct_t = _low_dct(size, low)
        dct = _low_dct_rows(size, low)
        values = dct @ (means.reshape(count * size, size) @ dct_t).reshape(count, size, low)  # n × low × low
        if not slopes:
            return values.reshape(count, -1), None
        # Per cell: the column integrals along its left and right edges, the row integrals
        # along its top and bottom edges; an edge at grid line j moves by (1 - j/size) of a
        # move of the box's first edge and j/size of its second. Those weights are a
        # (size+1) × size matrix per edge, so each slope's low frequencies are two matrix
        # products on the integrals (``_edge_dct``), never a size×size derivative grid.
        edges = _edge_dct(size, low)  # (size+1) × 2·low: first edge's weights, then second's
        along_x = dct @ (columns.reshape(count * size, size + 1) @ edges).reshape(count, size, 2 * low)
        along_y = _edge_dct_rows(size, low) @ (rows.reshape(count * (size + 1), size) @ dct_t).reshape(
            count, size + 1, low
        )
        # along_x: n × low × 2·low, [u, (edge, v)]; along_y: n × 2·low × low, [(edge, u), v]
        # A box's size enters every cell's mean too (the mean is a sum over the area).
        per_width = values / widths.astype(np.float32)[:, None, None]
        per_height = values / heights.astype(np.float32)[:, None, None]
        jacobian = np.empty((count, low, low, 4), dtype=np.float32)
        np.add(along_x[:, :, :low], per_width, out=jacobian[..., 0])
        np.add(along_y[:, :low], per_height, out=jacobian[..., 1])
        np.subtract(along_x[:, :, low:], per_width, out=jacobian[..., 2])
        np.subtract(along_y[:, low:], per_height, out=jacobian[..., 3])
        return values.reshape(count, -1), jacobian.reshape(count, low * low, 4)


@cache
def _grid_steps(size: int) -> np.ndarray:
    """Where a size×size grid's lines fall across its box, as shares of it (read-only: shared)."""
    steps = np.linspace(0.0, 1.0, size + 1)
    steps.flags.writeable = False
    return steps


@cache
def _low_dct(size: int, low: int) -> np.ndarray:
    """The transposed low rows of the DCT matrix, as ``_low_frequencies`` takes them."""
    return np.ascontiguousarray(_dct_matrix(size)[:low].T)


@cache
def _low_dct_rows(size: int, low: int) -> np.ndarray:
    """The low rows of the DCT matrix (``_low_dct`` untransposed), contiguous."""
    return np.ascontiguousarray(_low_dct(size, low).T)


@cache
def _edge_dct(size: int, low: int) -> np.ndarray:
    """How a box edge's move reaches the low frequencies through the cells' edge integrals.

    For the box's first edge (x0 or y0) a cell edge at grid line j moves by (1 - j/size),
    for its second by j/size; a cell gains at its far edge and loses at its near one.
    Those (size+1) × size weights times the transposed low DCT rows, side by side.
    """
    share = _grid_steps(size)
    lines = np.arange(size)
    weights = []
    for moved in (1 - share, share):
        matrix = np.zeros((size + 1, size))
        matrix[lines + 1, lines] = moved[1:]
        matrix[lines, lines] = -moved[:-1]
        weights.append(matrix @ _dct_matrix(size)[:low].T.astype(np.float64))
    return np.ascontiguousarray(np.concatenate(weights, axis=1).astype(np.float32))


@cache
def _edge_dct_rows(size: int, low: int) -> np.ndarray:
    """``_edge_dct`` transposed, contiguous."""
    return np.ascontiguousarray(_edge_dct(size, low).T)


@cache
def _tune_process() -> None:
    """Once per process, before the first fingerprint: one BLAS thread, freed memory kept.

    The matrix products here are small (a few hundred 32×32 or a few dozen 128×128 DCTs):
    OpenBLAS's extra threads buy nothing on them and spin while they wait, which doubled
    the CPU time of a fingerprint (README "Evidence"); and a server runs one worker per
    core already. See ``_keep_freed_memory`` for the other.
    """
    ThreadpoolController().limit(limits=1, user_api="blas")
    _keep_freed_memory()


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_HEAP_BLOCKS_UP_TO = 8 * 1024 * 1024
_FREE_HEAP_KEPT = 16 * 1024 * 1024
_OPERATOR_MALLOC_SETTINGS = (
    "MALLOC_MMAP_THRESHOLD_",
    "MALLOC_TRIM_THRESHOLD_",
    "MALLOC_TOP_PAD_",
    "MALLOC_MMAP_MAX_",
    "GLIBC_TUNABLES",
)


def _keep_freed_memory() -> None:
    """Let glibc keep the close call's freed arrays for the next ones.

    A close call makes and frees some hundred arrays of 0.2–3 MB. By default glibc maps
    each such block from the system and unmaps it when freed (or trims the heap soon
    after), so the next array of that size is faulted in and zeroed page by page again:
    a sixth of the close call's time (README "Evidence"). Blocks up to 8 MB now come from
    the heap, and up to 16 MB of free memory stays with each malloc arena that ran a
    close call (a threaded worker has up to eight arenas per core), so a worker's resident
    memory may stay that much higher after lookups. Left as is where the operator set
    these thresholds already (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``,
    ``MALLOC_TOP_PAD_``, ``MALLOC_MMAP_MAX_`` or ``GLIBC_TUNABLES``), and off Linux.
    """
    if sys.platform != "linux" or any(name in os.environ for name in _OPERATOR_MALLOC_SETTINGS):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError, TypeError):
        return  # not glibc (musl has no mallopt)
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    mallopt(_M_MMAP_THRESHOLD, _HEAP_BLOCKS_UP_TO)
    mallopt(_M_TRIM_THRESHOLD, _FREE_HEAP_KEPT)


def warm_up() -> None:
    """Make a process's first close call as quick as the next: its settings made and the
    compiled loop loaded (or compiled). For a server worker, before it takes requests."""
    _tune_process()
    compiled_grid_sums()


def _work(image: Image.Image) -> _Work:
    _tune_process()
    scale = WORK_LONG_SIDE / max(image.size)
    size = image.size if scale >= 1 else (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    grey = image.convert("L")
    if grey.size != size:
        grey = grey.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _Work(np.asarray(grey))  # uint8: see _Work and _table


def _core_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    width, height = x1 - x0, y1 - y0
    return (
        x0 + width * CORE_MARGIN,
        y0 + height * CORE_MARGIN,
        x1 - width * CORE_MARGIN,
        y1 - height * CORE_MARGIN,
    )


def _layout(image: Image.Image) -> bytes:
    if max(image.size) > LAYOUT_CELLS * 64:
        image = image.resize((LAYOUT_CELLS * 8, LAYOUT_CELLS * 8), Image.Resampling.BOX, reducing_gap=4.0)
    small = image.convert("YCbCr").resize((LAYOUT_CELLS, LAYOUT_CELLS), Image.Resampling.BOX)
    cells = np.asarray(small, dtype=np.float32).reshape(-1, 3)
    luma = cells[:, 0]
    # Exposure: luma as deviations from its own mean in units of its spread, so a darker
    # shot of the same dressing has the same layout; chroma around neutral, scaled by the
    # same exposure so a brighter picture does not look more colourful.
    spread = float(luma.std()) or 1.0
    gain = 128.0 / max(float(luma.mean()), 1.0)
    normal = np.empty_like(cells)
    normal[:, 0] = (luma - luma.mean()) / spread * 32
    normal[:, 1:] = (cells[:, 1:] - 128) * gain
    return np.clip(np.round(normal), -127, 127).astype(np.int8).tobytes()


def fingerprint(image: Image.Image, *, small: Image.Image | None = None) -> Fingerprint:
    """The fingerprint of a display copy (upright, sRGB, any size).

    ``small``: the same picture reduced (the pipeline's thumbnail), if at hand: the colour
    layout is read from it, which saves reducing the display copy a second time.
    """
    return _fingerprint(small if small is not None else image, _work(image))


def _fingerprint(image: Image.Image, work: _Work) -> Fingerprint:
    whole = (0.0, 0.0, float(work.width), float(work.height))
    core = _core_box(*whole)
    phash, core_hash = _hashes(work.grids(np.array([whole, core]), HASH_SIZE, coarse=True))
    return Fingerprint(
        phash=phash,
        core=core_hash,
        detail=np.packbits(_detail_bits(work.grids(np.array([core]), DETAIL_SIZE))[0]).tobytes(),
        layout=_layout(image),
    )


# --- the query side ---------------------------------------------------------------------

# Crop fractions an earlier photo may have lost on one side (api.md: ≤ 10 %), and the
# negative ones: a little of a screenshot's frame left around the picture.
_CROPS = (0.0, 0.05, 0.10)


def _trimmed(work: _Work) -> tuple[float, float, float, float] | None:
    """The picture inside a screenshot: the box left when flat bars and fill are cut off.

    A line (row or column) is flat when nine in ten of its pixels are within 12 levels of
    its median: a status bar's few icons, a black or white fill. From each edge, lines are
    cut up to the first run of busy lines at least a tenth of the picture long; flat lines
    inside the picture (a plain wall) stay. None when nothing is cut.
    """

    def busy(lines: np.ndarray) -> np.ndarray:
        if lines.dtype == np.uint8:
            # The median as np.median takes it (the middle level, or the mean of the two
            # middle ones: exact in float32), from a stable sort, a radix sort for uint8:
            # a fifth of np.median's partition of float32 lines.
            length = lines.shape[1]
            ordered = np.sort(lines, axis=1, kind="stable")
            median = (ordered[:, (length - 1) // 2, None].astype(np.float32) + ordered[:, length // 2, None]) / 2
        else:
            median = np.median(lines, axis=1, keepdims=True)
        return np.asarray(np.mean(np.abs(lines - median) <= 12, axis=1) < 0.9)

    def first_long_run(lines: np.ndarray) -> int | None:
        # Lines are judged a chunk at a time from the edge, so a photo whose edge is busy
        # (the common case) costs a tenth of its lines, not all of them.
        need = max(2, len(lines) // 10)
        run = 0
        start, chunk = 0, need
        while start < len(lines):
            for offset, flag in enumerate(busy(lines[start : start + chunk]).tolist()):
                run = run + 1 if flag else 0
                if run >= need:
                    return start + offset - need + 1
            start += chunk
            chunk *= 2
        return None

    def span(lines: np.ndarray) -> tuple[int, int] | None:
        start = first_long_run(lines)
        end = first_long_run(lines[::-1])
        if start is None or end is None or len(lines) - end - start < len(lines) // 5:
            return None
        return start, len(lines) - end

    grey = work.levels if work.levels is not None else work.grey
    rows = span(grey)
    if rows is None:
        return None
    columns = span(grey[rows[0] : rows[1]].T)
    if columns is None:
        return None
    box = (float(columns[0]), float(rows[0]), float(columns[1]), float(rows[1]))
    if box == (0.0, 0.0, float(work.width), float(work.height)):
        return None
    return box


# Photos are 4:3 or 3:4 (phones' default). A screenshot's picture whose own edge is as flat
# as the fill around it (a plain floor) is trimmed short; completing it to these shapes,
# on either side or both, gives its real box back.
_ASPECTS = (4 / 3, 3 / 4)


def _completed(box: tuple[float, float, float, float], work: _Work) -> Iterator[tuple[float, float, float, float]]:
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    for aspect in _ASPECTS:
        if width / height > aspect * 1.03:  # too short: grow the height
            missing = width / aspect - height
            for share in (0.0, 0.5, 1.0):
                top = y0 - missing * share
                if top >= 0 and top + width / aspect <= work.height:
                    yield (x0, top, x1, top + width / aspect)
        elif width / height < aspect / 1.03:  # too narrow: grow the width
            missing = height * aspect - width
            for share in (0.0, 0.5, 1.0):
                left = x0 - missing * share
                if left >= 0 and left + height * aspect <= work.width:
                    yield (left, y0, left + height * aspect, y1)


def _snapped(box: tuple[float, float, float, float], work: _Work) -> tuple[float, float, float, float]:
    """The trimmed box stretched back to the frame on an axis it nearly fills.

    A gallery fits the picture to the screen's width (or height): there it touches the
    edges, and a flat strip at its own edge (a plain wall) was cut off by mistake.
    """
    x0, y0, x1, y1 = box
    if x1 - x0 >= 0.8 * work.width:
        x0, x1 = 0.0, float(work.width)
    if y1 - y0 >= 0.8 * work.height:
        y0, y1 = 0.0, float(work.height)
    return (x0, y0, x1, y1)


def _core_windows(
    base: tuple[float, float, float, float], *, symmetric: bool = False
) -> Iterator[tuple[float, float, float, float]]:
    """Where the original's core would lie in ``base``, for each crop it may have had."""
    x0, y0, x1, y1 = base
    width, height = x1 - x0, y1 - y0
    crops = (
        [((c, c), (d, d)) for c in _CROPS for d in _CROPS]
        if symmetric
        else product(product(_CROPS, repeat=2), repeat=2)
    )
    for (left, right), (top, bottom) in crops:
        kept_x, kept_y = 1 - left - right, 1 - top - bottom
        yield (
            x0 + width * (CORE_MARGIN - left) / kept_x,
            y0 + height * (CORE_MARGIN - top) / kept_y,
            x0 + width * (1 - CORE_MARGIN - left) / kept_x,
            y0 + height * (1 - CORE_MARGIN - top) / kept_y,
        )


@dataclass
class Probe:
    """The new picture, prepared to be compared with stored fingerprints."""

    whole_hashes: list[int]  # to compare with stored ``phash``
    core_hashes: list[int]  # to compare with stored ``core``
    windows: list[tuple[float, float, float, float]]  # the core window of each core hash
    _work: _Work
    # core_hashes and whole_hashes as uint64, made at the first close call (not compared
    # or shown: an array has no single truth value for ==)
    _core_array: np.ndarray | None = field(default=None, compare=False, repr=False)
    _whole_array: np.ndarray | None = field(default=None, compare=False, repr=False)

    def lookup_hashes(self) -> set[int]:
        """Every 64-bit hash an earlier copy of this picture may be stored under."""
        return {*self.whole_hashes, *self.core_hashes}

    def candidate_distances(self, stored_phashes: Sequence[int], stored_cores: Sequence[int]) -> np.ndarray:
        """Each stored photo's best Hamming distance of its two hashes to the probe's (an int array).

        One XOR and popcount over candidates × the probe's hashes: a probe has a few
        hundred core windows, and a Python ``hamming`` per pair cost ~40 µs a candidate,
        2–3 ms for a display's 64 alike shots, once in the lookup and again in ``matches``.
        """
        if self._whole_array is None:
            self._whole_array = np.array(self.whole_hashes, dtype=np.uint64)
        phashes = np.array([unsigned(value) for value in stored_phashes], dtype=np.uint64)
        cores = np.array([unsigned(value) for value in stored_cores], dtype=np.uint64)
        whole = np.bitwise_count(phashes[:, None] ^ self._whole_array[None, :]).min(axis=1, initial=64)
        core = np.bitwise_count(cores[:, None] ^ self._core_hash_array()[None, :]).min(axis=1, initial=64)
        return np.minimum(whole, core).astype(np.int64)

    def match(self, stored: Candidate) -> Match | None:
        """The stored photo, if the new picture is a copy of it; else None."""
        return self.matches([stored])[0]

    def matches(self, stored: Sequence[Candidate]) -> list[Match | None]:
        """For each stored fingerprint, its match if the new picture is a copy of it.

        The close calls, all candidates at once. Each candidate's core is aligned with the
        new picture (``_align``) from a start window (of the probe's windows nearest its
        core hash, the one whose coarse bits are closest): on 32×32 grids against the
        16×16 corner of its detail bits, by correlation steps and then sign steps;
        candidates still far off there are dropped (SEARCH_KEEP); the rest on 64×64 grids
        against the 32×32 corner (those far off before any step there take none:
        RANK_KEEP, and after the first step only the RANK_STEPPED closest go on), where a
        copy's original is clearly the closest of a display's alike shots, and the
        CHECKED closest on the full 128×128 grid, where
        their 2,304 detail bits decide. The cost is a few grids per candidate per level,
        not the hundreds an edge-by-edge search samples.
        """
        hash_distances, judged = self.detail_distances(stored)
        result: list[Match | None] = [None] * len(stored)
        for index, distance in judged.items():
            if distance <= DETAIL_MATCH:
                result[index] = Match(detail_distance=round(distance, 4), hash_distance=hash_distances[index])
        return result

    def detail_distances(self, stored: Sequence[Candidate]) -> tuple[list[int], dict[int, float]]:
        """The close calls behind ``matches``: each candidate's hash distance, and the share
        of detail bits that differ for those judged at full detail (by their index).

        Kept apart so the margins can be read on both sides of ``DETAIL_MATCH`` (a re-shot's
        distance too, not only a copy's): README "Evidence".
        """
        hash_distances = self.candidate_distances(
            [candidate.phash for candidate in stored], [candidate.core for candidate in stored]
        ).tolist()
        usable = [
            index
            for index, candidate in enumerate(stored)
            if len(candidate.detail) * 8 == DETAIL_LOW * DETAIL_LOW and hash_distances[index] <= CANDIDATE_DISTANCE
        ]
        if not usable:
            return hash_distances, {}
        packed = np.frombuffer(b"".join(stored[index].detail for index in usable), dtype=np.uint8)
        full = np.unpackbits(packed.reshape(len(usable), -1), axis=1).astype(bool)
        # Start windows: per candidate, of the START_POOL probe windows whose core hash is
        # nearest its own (at hand: no sampling), the SEARCH_STARTS whose 16×16 coarse bits
        # differ least from its corner. The hash alone ranks a screenshot's windows too
        # loosely; the coarse bits are sampled only for the pooled windows, few because
        # alike candidates pool the same ones.
        cores = np.array([unsigned(stored[index].core) for index in usable], dtype=np.uint64)
        near = np.bitwise_count(self._core_hash_array()[None, :] ^ cores[:, None])
        pool = np.argsort(near, axis=1, kind="stable")[:, :START_POOL]
        pooled, position = np.unique(pool, return_inverse=True)
        windows = np.array(self.windows)
        corner = _corner(full, SEARCH_LOW)
        pooled_values, _ = self._work.frequencies(windows[pooled], SEARCH_SIZE, SEARCH_LOW, slopes=False)
        coarse = pooled_values > 0
        differing = np.count_nonzero(coarse[position.reshape(pool.shape)] != corner[:, None, :], axis=2)
        picked = np.argsort(differing, axis=1, kind="stable")[:, :SEARCH_STARTS]
        starts = np.take_along_axis(pool, picked, axis=1)
        owner = np.repeat(np.arange(len(usable)), starts.shape[1])
        # The correlation steps hand their windows, with the frequencies and slopes there,
        # to the sign steps at the same level: nothing is sampled twice.
        aligned = self._align(
            windows[starts.reshape(-1)],
            corner[owner],
            SEARCH_SIZE,
            SEARCH_LOW,
            SEARCH_ROUNDS[0],
            SEARCH_REACH[0],
            correlate=True,
            more=True,
        )
        per_start = starts.shape[1]
        aligned = aligned.take(
            np.arange(len(usable)) * per_start + aligned.differing.reshape(-1, per_start).argmin(axis=1)
        )
        aligned = self._align(
            aligned.boxes, corner, SEARCH_SIZE, SEARCH_LOW, SEARCH_ROUNDS[1], SEARCH_REACH[1], start=aligned
        )
        kept = _closest(aligned.differing, SEARCH_KEEP)
        targets = _corner(full[kept], RANK_LOW)
        aligned = self._align(aligned.boxes[kept], targets, RANK_SIZE, RANK_LOW, 0, RANK_REACH, more=True)
        ranked = _closest(aligned.differing, RANK_KEEP)
        kept, targets = kept[ranked], targets[ranked]
        aligned = self._align(
            aligned.boxes[ranked], targets, RANK_SIZE, RANK_LOW, 1, RANK_REACH, start=aligned.take(ranked), more=True
        )
        # In candidate order again, so later ties still fall to the earlier stored photo.
        stepped = np.sort(np.argsort(aligned.differing, kind="stable")[:RANK_STEPPED])
        kept = kept[stepped]
        aligned = self._align(
            aligned.boxes[stepped],
            targets[stepped],
            RANK_SIZE,
            RANK_LOW,
            RANK_ROUNDS - 1,
            None,
            start=aligned.take(stepped),
        )
        closest = np.argsort(aligned.differing, kind="stable")[:CHECKED]
        checked = kept[closest]
        aligned = self._align(
            aligned.boxes[closest],
            full[checked],
            DETAIL_SIZE,
            DETAIL_LOW,
            FINAL_ROUNDS,
            FINAL_REACH,
        )
        final = aligned.differing
        # A candidate just over the line gets more steps: a small or re-compressed copy
        # converges slowly (its cells are a pixel or two), a re-shot lies far beyond.
        close = np.flatnonzero((final > DETAIL_MATCH) & (final <= DETAIL_MATCH * FINAL_MARGIN))
        if len(close):
            again = self._align(
                aligned.boxes[close], full[checked[close]], DETAIL_SIZE, DETAIL_LOW, FINAL_MORE_ROUNDS, FINAL_REACH / 2
            )
            final[close] = np.minimum(final[close], again.differing)
        return hash_distances, {
            usable[candidate]: distance for candidate, distance in zip(checked.tolist(), final.tolist(), strict=True)
        }

    def _core_hash_array(self) -> np.ndarray:
        if self._core_array is None:
            self._core_array = np.array(self.core_hashes, dtype=np.uint64)
        return self._core_array

    def _align(
        self,
        boxes: np.ndarray,
        targets: np.ndarray,
        size: int,
        low: int,
        rounds: int,
        reach: float | None,
        *,
        correlate: bool = False,
        start: _Aligned | None = None,
        more: bool = False,
    ) -> _Aligned:
        """Each window moved by damped Gauss–Newton steps to bring its sign bits to its target.

        The share of differing bits has no slope to follow, so each step minimises a smooth
        stand-in: the logistic loss of each low frequency's coefficient against the sign
        it should have, linearised through the coefficients' derivatives with respect to
        the four box edges (``_Work.frequencies``). A step is kept when it leaves no more
        bits differing, else the window stays and its reach halves; the first reach is a
        share of the window's size (``reach``; None: the steps go on with the reach
        ``start`` ended with). ``start``: these windows already evaluated at this level (by
        an alignment with ``more``, which keeps the slopes of its last trial for the steps
        that follow); without ``more`` the last trial's slopes are not made.
        """
        signs = targets.astype(np.float32) * np.float32(2) - np.float32(1)  # ±1 (np.where: 9× the time)

        def differing(values: np.ndarray) -> np.ndarray:
            return np.asarray(np.count_nonzero((values > 0) != targets, axis=1) / (low * low))

        boxes = np.asarray(boxes, dtype=np.float64)
        if start is None:
            values, slopes = _distinct_frequencies(self._work, boxes, size, low)
            current = differing(values)
        else:
            values, slopes, current = start.values, start.jacobian, start.differing
        assert slopes is not None
        jacobian: np.ndarray | None = slopes
        if reach is not None:
            radius = reach * np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
        else:
            assert start is not None
            radius = start.radius
        # The correlation decides only the correlation steps; the sign steps go by bits.
        score = _correlation(values, signs) if correlate else None
        for round_ in range(rounds):
            assert jacobian is not None
            step = _correlation_step(values, jacobian, signs) if correlate else _sign_step(values, jacobian, signs)
            step *= np.minimum(1, radius / np.maximum(np.max(np.abs(step), axis=1), 1e-12))[:, None]
            trial = boxes + step
            needed = more or round_ < rounds - 1  # the last trial's slopes only for later steps
            trial_values, trial_jacobian = self._work.frequencies(trial, size, low, slopes=needed)
            found = differing(trial_values)
            if score is None:
                better = found <= current
            else:
                trial_score = _correlation(trial_values, signs)
                better = trial_score >= score
                score = _rows_where(better, trial_score, score)
            boxes = _rows_where(better, trial, boxes)
            values = _rows_where(better, trial_values, values)
            if trial_jacobian is not None and jacobian is not None:
                jacobian = _rows_where(better, trial_jacobian, jacobian)
            else:
                jacobian = None
            current = _rows_where(better, found, current)
            radius = np.where(better, radius, radius / 2)
        return _Aligned(boxes, values, jacobian, current, radius)


@dataclass(frozen=True)
class _Aligned:
    """Windows after an alignment: where they are, and their low frequencies there.

    ``jacobian``: the frequencies' slopes, kept only when more steps follow at the same
    level (``Probe._align``'s ``more``); ``differing``: each one's share of sign bits
    that differ from its target; ``radius``: how far each may move in its next step.
    """

    boxes: np.ndarray
    values: np.ndarray
    jacobian: np.ndarray | None
    differing: np.ndarray
    radius: np.ndarray

    def take(self, index: np.ndarray) -> _Aligned:
        """The windows at ``index``, in that order."""
        jacobian = None if self.jacobian is None else self.jacobian[index]
        return _Aligned(self.boxes[index], self.values[index], jacobian, self.differing[index], self.radius[index])


def _rows_where(better: np.ndarray, trial: np.ndarray, current: np.ndarray) -> np.ndarray:
    """``np.where(better, trial, current)`` by rows (``better``: one bool per row), as a new array.

    A copy of ``current`` with the better rows replaced: the same values, in a third to a
    fifth of the time np.where takes with a mask broadcast over each row. ``trial`` must
    have ``current``'s dtype (np.where would promote; this would cast).
    """
    chosen = current.copy()
    chosen[better] = trial[better]
    return chosen


def _closest(differing: np.ndarray, keep: float) -> np.ndarray:
    """Indexes of the windows that go on to the next level, closest first: those whose
    share of differing bits is at most ``keep``, and never fewer than CHECKED."""
    order = np.argsort(differing, kind="stable")
    return order[: max(CHECKED, int(np.count_nonzero(differing <= keep)))]


def _sign_step(values: np.ndarray, jacobian: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """A damped Gauss–Newton step on the logistic loss of each coefficient's sign.

    Near the answer: each wrong sign pulls (its logistic slope is near 1), right ones
    with a wide margin do not, so the step fixes the bits that differ.
    """
    scale = np.maximum(0.5 * np.mean(np.abs(values), axis=1, keepdims=True), 1e-6)
    margins = np.clip(signs * values / scale, -30, 30)
    wrong = 1 / (1 + np.exp(margins))
    slopes_t = jacobian.transpose(0, 2, 1)
    gradient = -(slopes_t @ (wrong * signs / scale)[:, :, None])
    curvature = (slopes_t * (wrong * (1 - wrong) / scale**2)[:, None, :]) @ jacobian
    damping = 1e-3 * np.trace(curvature, axis1=1, axis2=2) / 4 + 1e-12
    curvature += np.eye(4) * damping[:, None, None]
    return np.asarray(-np.linalg.solve(curvature, gradient)[:, :, 0])


def _correlation(values: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Normalised correlation of the coefficients (less the mean) with the target signs."""
    ac = values[:, 1:]
    return np.asarray(np.sum(ac * signs[:, 1:], axis=1) / np.maximum(np.linalg.norm(ac, axis=1), 1e-9))


def _correlation_step(values: np.ndarray, jacobian: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """The enhanced-correlation (ECC) step towards the target signs, far from the answer.

    Correlating coefficients with signs weighs each frequency by its strength, so the low
    ones lead and the basin is wide; the closed form is Evangelidis and Psarakis's (2008).
    """
    p = values[:, 1:, None].astype(np.float64)
    r = signs[:, 1:, None].astype(np.float64)
    g = jacobian[:, 1:, :].astype(np.float64)
    gt = g.transpose(0, 2, 1)
    q = gt @ g + np.eye(4) * 1e-9
    q_inv = np.linalg.inv(q)
    gp = gt @ p
    gr = gt @ r
    p_proj = (gp.transpose(0, 2, 1) @ q_inv @ gp)[:, 0, 0]
    r_proj = (gr.transpose(0, 2, 1) @ q_inv @ gr)[:, 0, 0]
    rp_proj = (gr.transpose(0, 2, 1) @ q_inv @ gp)[:, 0, 0]
    rp = (r.transpose(0, 2, 1) @ p)[:, 0, 0]
    pp = (p.transpose(0, 2, 1) @ p)[:, 0, 0]
    ahead = rp > rp_proj
    denominator = np.where(ahead, rp - rp_proj, 1.0)
    lam_ahead = (pp - p_proj) / denominator
    lam_behind = np.maximum(
        np.sqrt(np.maximum(p_proj, 0) / np.maximum(r_proj, 1e-12)), (rp_proj - rp) / np.maximum(r_proj, 1e-12)
    )
    lam = np.where(ahead, lam_ahead, lam_behind)
    return np.asarray((q_inv @ (gt @ (lam[:, None, None] * r - p)))[:, :, 0])


@dataclass(frozen=True)
class Analysis:
    """A new photo's fingerprint (to store) and probe (to look up earlier copies with)."""

    fingerprint: Fingerprint
    probe: Probe


def analyse(image: Image.Image, *, small: Image.Image | None = None) -> Analysis | None:
    """Fingerprint and probe of a display copy, from one grey working copy.

    None for a picture with no structure to compare (a flat colour, a black frame): its
    hash would be noise that matches every other such picture. ``small`` as for
    ``fingerprint``.
    """
    work = _work(image)
    if float(work.grey.std()) < FEATURELESS_SPREAD:
        return None
    return Analysis(_fingerprint(small if small is not None else image, work), _probe(work))


def probe(image: Image.Image) -> Probe:
    """Prepare a new display copy for lookups and matching."""
    return _probe(_work(image))


def _probe(work: _Work) -> Probe:
    whole = (0.0, 0.0, float(work.width), float(work.height))
    bases = [whole]
    windows = list(_core_windows(whole))
    trimmed = _trimmed(work)
    if trimmed is not None:
        bases.append(trimmed)
        windows.extend(_core_windows(trimmed))
        snapped = _snapped(trimmed, work)
        if snapped != trimmed:
            bases.append(snapped)
            windows.extend(_core_windows(snapped))
        for completed in _completed(trimmed, work):
            bases.append(completed)
            windows.extend(_core_windows(completed, symmetric=True))
    whole_hashes = _hashes(work.grids(np.array(bases), HASH_SIZE, coarse=True))
    core_hashes = _hashes(_distinct_grids(work, np.array(windows), HASH_SIZE))
    return Probe(whole_hashes, core_hashes, windows, work)


def _distinct_grids(work: _Work, boxes: np.ndarray, size: int) -> np.ndarray:
    """``work.grids(boxes, size, coarse=True)``, each distinct box computed once.

    A trimmed picture's snapped and completed boxes are often the whole frame again (a
    plain floor trimmed off, snapped back), so 90 of its 252 windows repeat earlier ones
    bit for bit. A box's grid depends on that box alone, so its copy is the same array.
    """
    rows = np.ascontiguousarray(boxes, dtype=np.float64).reshape(-1, 4)
    first, inverse = _distinct_rows(rows)
    if len(first) == len(rows):
        return work.grids(rows, size, coarse=True)
    return work.grids(rows[first], size, coarse=True)[inverse]


def _distinct_frequencies(work: _Work, boxes: np.ndarray, size: int, low: int) -> tuple[np.ndarray, np.ndarray | None]:
    """``work.frequencies(boxes, size, low)``, each distinct box computed once.

    A display's alike shots start their alignment from the same few of the probe's
    windows (about 10 distinct among 64 candidates), and a box's frequencies and slopes
    depend on that box alone.
    """
    rows = np.ascontiguousarray(boxes, dtype=np.float64).reshape(-1, 4)
    first, inverse = _distinct_rows(rows)
    if len(first) == len(rows):
        values, slopes = work.frequencies(rows, size, low)
    else:
        values, slopes = work.frequencies(rows[first], size, low)
        values, slopes = values[inverse], None if slopes is None else slopes[inverse]
    return values, slopes


def _distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The index of each distinct row's first occurrence, and where each row's is in that list."""
    keys = rows.view(np.dtype((np.void, rows.itemsize * rows.shape[1]))).reshape(-1)  # bit patterns, not values
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def window_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How alike two windows' dressings look, 0–1: colour layout and coarse structure.

    Loose by design: a shot from a step to the side or in other light keeps its colours
    where they were; new clothes put other colours there.
    """
    first = np.frombuffer(a.layout, dtype=np.int8).astype(np.float32).reshape(-1, 3)
    second = np.frombuffer(b.layout, dtype=np.int8).astype(np.float32).reshape(-1, 3)
    colour = float(np.mean(np.linalg.norm(first - second, axis=1)))
    colour_similarity = max(0.0, 1.0 - colour / 40.0)
    structure = min(hamming(a.phash, b.phash), hamming(a.core, b.core))
    structure_similarity = max(0.0, 1.0 - structure / 32.0)
    return round(0.7 * colour_similarity + 0.3 * structure_similarity, 3)


def nearest(probe_: Probe, stored: Iterable[tuple[int, Fingerprint]]) -> tuple[int, Match] | None:
    """The earliest stored photo (lowest id) the probe matches, with its match."""
    for photo_id, candidate in sorted(stored, key=lambda pair: pair[0]):
        found = probe_.match(candidate)
        if found is not None:
            return photo_id, found
    return None
