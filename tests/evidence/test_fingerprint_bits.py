"""Stored fingerprints must not change: every shop's history is matched against them.

``evidence-backfill`` only fills missing fingerprints, so a change to how they are computed
would silently stop new photos matching old ones. Speed-ups must give the same bits.

What is pinned is what the fingerprint is made of, before the DCT: the summed-area table,
the box-mean grids of the fingerprint and of every probe window, and the windows. Those
are plain IEEE arithmetic (and Pillow's fixed-point grey conversion and reduction) of
pictures drawn with integers only, so they are the same on any x86-64 machine. The final
bits are not pinned: they come from float32 matrix products whose rounding depends on the
BLAS build and CPU, and some detail coefficients lie within 1e-6 of zero, so a pin of them
would fail on another machine without anything having changed here. The expected digests
were taken from the code before the fingerprint was made cheaper (commit 370628a).

The cheap paths are also checked against the plain computations they replace.
"""

from __future__ import annotations

import hashlib
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

import merch.evidence.compiled as compiled
import merch.evidence.fingerprints as fingerprints


def _picture(seed: int, size: tuple[int, int], floor: int) -> Image.Image:
    """Rectangles and ellipses from an integer RNG: the same pixels on every machine.

    ``floor``: a plain band at the bottom, which the probe trims off and snaps back (so
    some of its windows repeat).
    """
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(120, 230, 3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(60):
        x0, x1 = sorted(int(v) for v in rng.integers(0, width, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, height, 2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        (draw.rectangle if rng.integers(0, 2) else draw.ellipse)((x0, y0, x1, y1), fill=colour)
    if floor:
        draw.rectangle((0, height - floor, width, height), fill=(90, 80, 70))
    return image


def _digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()[:16]


# seed, size, floor, mode -> table, fingerprint hash grids, detail grid, windows, window grids, window count
PINNED = [
    (
        (1, (1600, 1200), 80, "RGB"),
        ("fe66ed82a86ffb15", "b6813abcaa45ec40", "165014643e78929b", "f39087ac5ff407b6", "4949fd872622f9f2", 243),
    ),
    (
        (2, (900, 1300), 0, "L"),
        ("55dcc95092fb923f", "ec72d2d63252ef09", "3854d5d20c0b0924", "68b53e1206e76a17", "8f131d1eb228437d", 243),
    ),
    (
        (3, (1000, 750), 0, "RGBA"),
        ("87d96294458885e0", "5a4fcbc7a9512e7f", "733b596aa3a8d112", "d6bf951d234638b7", "4da74c8a46483e48", 252),
    ),
]


@pytest.mark.parametrize(("picture", "expected"), PINNED)
def test_what_fingerprints_are_made_of_is_unchanged(
    picture: tuple[int, tuple[int, int], int, str], expected: tuple[str, str, str, str, str, int]
) -> None:
    seed, size, floor, mode = picture
    work = fingerprints._work(_picture(seed, size, floor).convert(mode))
    whole = (0.0, 0.0, float(work.width), float(work.height))
    core = fingerprints._core_box(*whole)
    windows = np.array(fingerprints._probe(work).windows)
    assert (
        _digest(work.table),
        _digest(work.grids(np.array([whole, core]), fingerprints.HASH_SIZE, coarse=True)),
        _digest(work.grids(np.array([core]), fingerprints.DETAIL_SIZE)),
        _digest(windows),
        _digest(fingerprints._distinct_grids(work, windows, fingerprints.HASH_SIZE)),
        len(windows),
    ) == expected


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (384, 512), (512, 300), (700, 900)])
def test_the_integer_table_is_the_float_one(shape: tuple[int, int]) -> None:
    levels = np.random.default_rng(shape[0]).integers(0, 256, shape, dtype=np.uint8)
    assert fingerprints._table(levels).tobytes() == fingerprints._table(levels.astype(np.float32)).tobytes()


def test_trimming_by_sorted_levels_finds_the_same_box_as_by_median() -> None:
    for seed, size, floor, mode in [picture for picture, _ in PINNED]:
        work = fingerprints._work(_picture(seed, size, floor).convert(mode))
        by_levels = fingerprints._trimmed(work)
        work.levels = None  # the float32 path, np.median
        assert by_levels == fingerprints._trimmed(work)


def test_grids_in_chunks_and_once_per_distinct_window_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    work = fingerprints._work(_picture(1, (1600, 1200), 80))
    windows = np.array(fingerprints._probe(work).windows)
    chunked = work.grids(windows, fingerprints.HASH_SIZE, coarse=True)
    assert fingerprints._distinct_grids(work, windows, fingerprints.HASH_SIZE).tobytes() == chunked.tobytes()
    for points in (1, 10**9):  # a box at a time; all at once
        monkeypatch.setattr(fingerprints, "GRID_CHUNK_POINTS", points)
        assert work.grids(windows, fingerprints.HASH_SIZE, coarse=True).tobytes() == chunked.tobytes()


def _grid_sums(function: object, table: np.ndarray, boxes: np.ndarray, size: int, slopes: bool) -> np.ndarray:
    """The means, column and row integrals ``function`` gives, side by side in one array."""
    count = len(boxes)
    means = np.full((count, size, size), -1.0, dtype=np.float32)
    columns = np.full((count, size, size + 1) if slopes else (0, 0, 0), -1.0, dtype=np.float32)
    rows = np.full((count, size + 1, size) if slopes else (0, 0, 0), -1.0, dtype=np.float32)
    function(table, boxes, fingerprints._grid_steps(size), slopes, means, columns, rows)  # type: ignore[operator]
    return np.concatenate([means.reshape(-1), columns.reshape(-1), rows.reshape(-1)])


@pytest.mark.parametrize("slopes", [True, False])
@pytest.mark.parametrize("size", [32, 64, 128])
def test_the_compiled_grid_sums_are_the_numpy_passes_bit_for_bit(size: int, slopes: bool) -> None:
    work = fingerprints._work(_picture(1, (1600, 1200), 80))
    windows = np.array(fingerprints._probe(work).windows)[::20]
    # Off the pixel grid, and one box reaching past the picture's edges (its corners read the edge).
    boxes = np.concatenate([windows + np.linspace(0.3, 2.7, 4), [[-12.5, -3.25, work.width + 7.0, 200.0]]])

    made = _grid_sums(compiled.compiled_grid_sums(), work.table, boxes, size, slopes)

    assert compiled.compiled_grid_sums() is not compiled.grid_sums_numpy  # numba is in requirements.txt
    assert made.tobytes() == _grid_sums(compiled.grid_sums_numpy, work.table, boxes, size, slopes).tobytes()


def test_boxes_that_are_not_numbers_or_of_no_size_never_read_outside_the_table() -> None:
    import numba

    checked = numba.njit(boundscheck=True, error_model="numpy")(compiled.grid_sums)  # an index outside raises
    work = fingerprints._work(_picture(3, (1000, 750), 0))
    boxes = np.array(
        [
            [np.nan, 10.0, np.nan, 300.0],
            [10.0, np.nan, 300.0, np.nan],
            [-np.inf, -np.inf, np.inf, np.inf],
            [1e308, -1e308, 1e308, 1e308],
            [50.0, 50.0, 50.0, 120.0],  # no width
        ]
    )

    made = _grid_sums(checked, work.table, boxes, 32, True)

    assert np.array_equal(made, _grid_sums(compiled.grid_sums_numpy, work.table, boxes, 32, True), equal_nan=True)


def test_without_numba_the_numpy_passes_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError

    assert compiled.compile_grid_sums() is compiled.grid_sums_numpy


def test_with_nowhere_to_cache_numba_compiles_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    import numba

    njit = numba.njit

    def no_cache_location(*args: object, cache: bool = False, **options: object) -> object:
        if cache:
            raise RuntimeError("cannot cache function 'grid_sums': no locator available for file")
        return njit(*args, **options)

    monkeypatch.setattr(numba, "njit", no_cache_location)
    made = compiled.compile_grid_sums()
    work = fingerprints._work(_picture(2, (900, 1300), 0).convert("L"))
    boxes = np.array(fingerprints._probe(work).windows)[:5]

    assert made is not compiled.grid_sums_numpy
    assert (
        _grid_sums(made, work.table, boxes, 32, True).tobytes()
        == _grid_sums(compiled.grid_sums_numpy, work.table, boxes, 32, True).tobytes()
    )


def test_the_slopes_are_those_of_the_frequencies() -> None:
    work = fingerprints._work(_picture(2, (900, 1300), 0).convert("L"))
    box = np.array([[61.3, 40.7, 290.2, 330.9]])
    values, slopes = work.frequencies(box, 32, 16)
    assert slopes is not None
    for edge in range(4):
        moved = box.copy()
        moved[0, edge] += 0.25
        ahead, _ = work.frequencies(moved, 32, 16, slopes=False)
        moved[0, edge] -= 0.5
        behind, _ = work.frequencies(moved, 32, 16, slopes=False)
        numeric = (ahead - behind)[0] / 0.5
        # Exact for the bilinear reading of the table, so up to float32 rounding and the
        # kinks where a grid line crosses a pixel.
        assert np.corrcoef(numeric, slopes[0, :, edge])[0, 1] > 0.99


def test_where_numba_cannot_compile_at_all_the_numpy_passes_serve_and_it_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import numba

    def cannot_run(*args: object, **options: object) -> object:
        raise OSError("cannot allocate executable memory")

    monkeypatch.setattr(numba, "njit", cannot_run)

    assert compiled.compile_grid_sums() is compiled.grid_sums_numpy
    assert "run in numpy" in caplog.text


def test_malloc_is_left_as_the_operator_set_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []

    class FakeLibc:
        def __init__(self, name: object) -> None:
            self.mallopt = self

        def __call__(self, parameter: int, value: int) -> int:
            calls.append((parameter, value))
            return 1

    monkeypatch.setattr(fingerprints.ctypes, "CDLL", FakeLibc)
    monkeypatch.setattr(fingerprints.sys, "platform", "linux")
    for name in fingerprints._OPERATOR_MALLOC_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MALLOC_ARENA_MAX", "2")  # not one of the thresholds set here

    fingerprints._keep_freed_memory()
    assert calls == [(-3, 8 * 1024 * 1024), (-1, 16 * 1024 * 1024)]

    calls.clear()
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    fingerprints._keep_freed_memory()
    assert calls == []
