"""Perceptual fingerprints of a display copy, and the checks that compare them.

Pure numpy and Pillow, no Flask or database. Three descriptors are kept per photo:

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
fingerprints the lookup found, all at once: a coarse search (32×32 grids, whose 16×16
lowest-frequency signs are a corner of the detail bits) finds where each candidate's
core lies in the new picture, and the few it brings closest are polished and judged on
their full detail bits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product

import numpy as np
from PIL import Image
from threadpoolctl import ThreadpoolController

__all__ = [
    "CORE_MARGIN",
    "Analysis",
    "analyse",
    "Fingerprint",
    "Match",
    "Probe",
    "bands",
    "fingerprint",
    "hamming",
    "probe",
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
BAND_BITS = 16  # the index stores each 64-bit hash as four 16-bit bands
BANDS = 64 // BAND_BITS

# Decision thresholds, set on the labelled set in tests/ (numbers in the README).
CANDIDATE_DISTANCE = 14  # a 64-bit hash this close is worth a detailed look
DETAIL_MATCH = 0.05  # a copy: at most this share of the 2,304 detail bits differ
FEATURELESS_SPREAD = 4.0  # grey levels: below this a picture shows nothing to compare
# The close call's search for where a stored core lies in the new picture (Probe.matches).
SEARCH_SIZE = 32  # coarse: 32×32 grids ...
SEARCH_LOW = 16  # ... the signs of their 16×16 lowest frequencies (a corner of the detail bits)
SEARCH_STARTS = 2  # windows per candidate the search starts from
SEARCH_ROUNDS = 12
CHECKED = 3  # candidates, closest after the search, polished and judged at full detail
POLISH_SIZE = 64  # polished on 64×64 grids, the signs of their 32×32 lowest frequencies ...
POLISH_LOW = 32
POLISH_ROUNDS = 8
FINAL_ROUNDS = 2  # ... then a last small move at full detail


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


def bands(value: int) -> list[int]:
    """The four 16-bit bands of a 64-bit hash, lowest first.

    Two hashes within Hamming distance 3 share at least one band exactly (pigeonhole),
    which is what the index looks up; a farther pair usually does too.
    """
    value = unsigned(value)
    mask = (1 << BAND_BITS) - 1
    return [(value >> (BAND_BITS * index)) & mask for index in range(BANDS)]


@cache
def _dct_matrix(size: int) -> np.ndarray:
    """The orthonormal DCT-II matrix: ``D @ X @ D.T`` is the 2-D DCT of X."""
    k = np.arange(size)[:, None]
    n = np.arange(size)[None, :]
    matrix = np.cos(np.pi * (2 * n + 1) * k / (2 * size)) * np.sqrt(2 / size)
    matrix[0] /= np.sqrt(2)
    return matrix.astype(np.float32)


def _low_frequencies(grids: np.ndarray, low: int) -> np.ndarray:
    """The low×low lowest 2-D DCT frequencies of each of n size×size grids."""
    count, size = grids.shape[0], grids.shape[-1]
    dct_t = np.ascontiguousarray(_dct_matrix(size)[:low].T)
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
    table = np.zeros((grey.shape[0] + 1, grey.shape[1] + 1), dtype=np.float64)
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
        self.grey = grey
        self.table = _table(grey)
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
        height, width = table.shape[0] - 1, table.shape[1] - 1
        steps = np.linspace(0.0, 1.0, size + 1)
        xs = np.clip(boxes[:, 0:1] + (boxes[:, 2:3] - boxes[:, 0:1]) * steps, 0, width)
        ys = np.clip(boxes[:, 1:2] + (boxes[:, 3:4] - boxes[:, 1:2]) * steps, 0, height)
        # The table read at each grid corner by bilinear interpolation: four gathers of
        # n × (size+1) × (size+1) points, never a whole row of the table per window.
        y_low = np.minimum(np.floor(ys).astype(np.intp), height - 1)
        x_low = np.minimum(np.floor(xs).astype(np.intp), width - 1)
        y_frac = (ys - y_low).astype(np.float32)[:, :, None]
        x_frac = (xs - x_low).astype(np.float32)[:, None, :]
        x_rest, y_rest = 1 - x_frac, 1 - y_frac
        stride = table.shape[1]
        flat = table.reshape(-1)
        top = (y_low * stride)[:, :, None] + x_low[:, None, :]
        upper = _blend(flat[top], x_rest, flat[top + 1], x_frac)
        lower = _blend(flat[top + stride], x_rest, flat[top + stride + 1], x_frac)
        corners = _blend(upper, y_rest, lower, y_frac)
        sums = np.diff(np.diff(corners.astype(np.float64), axis=1), axis=2)
        areas = np.diff(ys, axis=1)[:, :, None] * np.diff(xs, axis=1)[:, None, :]
        return (sums / np.maximum(areas, 1e-9)).astype(np.float32)


@cache
def _one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process, once, before the first fingerprint.

    The matrix products here are small (a few hundred 32×32 or a few dozen 128×128 DCTs):
    OpenBLAS's extra threads buy nothing on them and spin while they wait, which doubled
    the CPU time of a fingerprint (README "Evidence"); and a server runs one worker per
    core already.
    """
    ThreadpoolController().limit(limits=1, user_api="blas")


def _work(image: Image.Image) -> _Work:
    _one_blas_thread()
    scale = WORK_LONG_SIDE / max(image.size)
    size = image.size if scale >= 1 else (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    grey = image.convert("L")
    if grey.size != size:
        grey = grey.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _Work(np.asarray(grey, dtype=np.float32))


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

    grey = work.grey
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
    _coarse: np.ndarray | None = None  # the windows' search bits, made at the first close call

    def lookup_hashes(self) -> set[int]:
        """Every 64-bit hash an earlier copy of this picture may be stored under."""
        return {*self.whole_hashes, *self.core_hashes}

    def candidate_distance(self, stored_phash: int, stored_core: int) -> int:
        whole = min(hamming(h, stored_phash) for h in self.whole_hashes)
        core = min(hamming(h, stored_core) for h in self.core_hashes)
        return min(whole, core)

    def match(self, stored: Fingerprint) -> Match | None:
        """The stored photo, if the new picture is a copy of it; else None."""
        return self.matches([stored])[0]

    def matches(self, stored: Sequence[Fingerprint]) -> list[Match | None]:
        """For each stored fingerprint, its match if the new picture is a copy of it.

        The close calls, all candidates at once. Each candidate's core is looked for in the
        new picture by a coarse search (32×32 grids, the signs of their 16×16 lowest
        frequencies, which are a corner of the stored detail bits), from the windows whose
        coarse bits are closest to it; the CHECKED candidates that search brings closest
        are polished at full detail, and their 2,304 detail bits decide.
        """
        result: list[Match | None] = [None] * len(stored)
        hash_distances = [self.candidate_distance(candidate.phash, candidate.core) for candidate in stored]
        usable = [
            index
            for index, candidate in enumerate(stored)
            if len(candidate.detail) * 8 == DETAIL_LOW * DETAIL_LOW and hash_distances[index] <= CANDIDATE_DISTANCE
        ]
        if not usable:
            return result
        full = np.array([np.unpackbits(np.frombuffer(stored[index].detail, dtype=np.uint8)) for index in usable])
        full = full.astype(bool)
        corner = _corner(full, SEARCH_LOW)
        windows = np.array(self.windows)
        # Start windows: per candidate, those whose coarse bits differ least from its corner.
        differing = np.count_nonzero(self._coarse_bits()[None, :, :] != corner[:, None, :], axis=2)
        starts = np.argsort(differing, axis=1, kind="stable")[:, :SEARCH_STARTS]
        owner = np.repeat(np.arange(len(usable)), starts.shape[1])
        boxes, found = self._descend(
            windows[starts.reshape(-1)], corner[owner], SEARCH_SIZE, SEARCH_LOW, SEARCH_ROUNDS, 0.02
        )
        best = np.full(len(usable), np.inf)
        best_boxes = np.zeros((len(usable), 4))
        for row, candidate in enumerate(owner.tolist()):
            if found[row] < best[candidate]:
                best[candidate], best_boxes[candidate] = found[row], boxes[row]
        checked = np.argsort(best, kind="stable")[:CHECKED]
        # Polished at half detail first (a quarter of the points), then at full detail.
        half = _corner(full[checked], POLISH_LOW)
        boxes, _ = self._descend(best_boxes[checked], half, POLISH_SIZE, POLISH_LOW, POLISH_ROUNDS, 0.01)
        _, polished = self._descend(boxes, full[checked], DETAIL_SIZE, DETAIL_LOW, FINAL_ROUNDS, 0.0025)
        for candidate, distance in zip(checked.tolist(), polished.tolist(), strict=True):
            if distance <= DETAIL_MATCH:
                index = usable[candidate]
                result[index] = Match(detail_distance=round(distance, 4), hash_distance=hash_distances[index])
        return result

    def _coarse_bits(self) -> np.ndarray:
        if self._coarse is None:
            self._coarse = _sign_bits(self._work.grids(np.array(self.windows), SEARCH_SIZE), SEARCH_LOW)
        return self._coarse

    def _descend(
        self, boxes: np.ndarray, targets: np.ndarray, size: int, low: int, rounds: int, first_step: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Each window's edges moved, step by halving step, to bring its bits to its target.

        Every round tries each edge a step in and a step out for all windows at once and
        keeps the best trial per window. The windows found and their shares of differing bits.
        """

        def distances(trial: np.ndarray, wanted: np.ndarray) -> np.ndarray:
            bits = _sign_bits(self._work.grids(trial, size), low)
            return np.asarray(np.count_nonzero(bits != wanted, axis=1) / bits.shape[1])

        boxes = np.asarray(boxes, dtype=np.float64)
        current = distances(boxes, targets)
        step = first_step * np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
        moves = np.concatenate([np.eye(4), -np.eye(4)])  # 8 trials per window
        repeated = np.repeat(targets, len(moves), axis=0)
        rows = np.arange(len(boxes))
        for _ in range(rounds):
            trials = boxes[:, None, :] + moves[None, :, :] * step[:, None, None]
            found = distances(trials.reshape(-1, 4), repeated).reshape(len(boxes), len(moves))
            pick = found.argmin(axis=1)
            better = found[rows, pick] < current
            boxes = np.where(better[:, None], trials[rows, pick], boxes)
            current = np.where(better, found[rows, pick], current)
            step = np.where(better, step, step / 2)
        return boxes, current


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
    core_hashes = _hashes(work.grids(np.array(windows), HASH_SIZE, coarse=True))
    return Probe(whole_hashes, core_hashes, windows, work)


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
