"""Close calls against a display's history: a copy among many alike shots of its display.

A shop that photographs the same display every day gives a new photo of it dozens of
earlier near candidates (README "Evidence", "Close calls against a display's history"):
the hand-held re-shots of the labelled set and more like them. The original must be found
among them, and named (it is the closest match), wherever it stands in the history; a new
shot of the display must match none of them. The history is judged as ``find_reused``
judges it: all candidates at once through ``Probe.matches``.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import pytest
from PIL import Image

from merch.evidence import Analysis, Fingerprint, Probe
from merch.photos import process_photo
from tests.evidence_images import (
    COPIES,
    FIRST_SHOT,
    LATER_RESHOTS,
    RESHOTS,
    SCENE_SEEDS,
    Camera,
    jpeg,
    scene,
    shoot,
)

HISTORY = 64  # the most near candidates find_reused judges at once (MAX_CLOSE)


def _analysed(data: bytes) -> Analysis:
    result = process_photo(data).evidence
    assert result is not None
    return result


@cache
def _first(seed: int) -> Image.Image:
    return shoot(scene(seed), FIRST_SHOT)


@cache
def _original(seed: int) -> Fingerprint:
    return _analysed(jpeg(_first(seed), 92)).fingerprint


@cache
def _alike(seed: int) -> tuple[Fingerprint, ...]:
    """HISTORY - 1 other shots of the display: the labelled re-shots, then more hand-held ones."""
    world = scene(seed)
    cameras = [*RESHOTS.values()] + [Camera(seed=400 + n, jitter=0.02) for n in range(HISTORY - 1 - len(RESHOTS))]
    return tuple(_analysed(jpeg(shoot(world, camera), 92)).fingerprint for camera in cameras)


def _history(seed: int, count: int, place: str) -> list[Fingerprint]:
    alike = list(_alike(seed)[: count - 1])
    return [_original(seed), *alike] if place == "first" else [*alike, _original(seed)]


@cache
def _probe(seed: int, copy: str) -> Probe:
    return _analysed(COPIES[copy](_first(seed))).probe


@pytest.mark.parametrize("seed", SCENE_SEEDS)
@pytest.mark.parametrize("copy", ["cropped_mixed_recompressed", "cropped_screenshot"])
@pytest.mark.parametrize("count", [20, HISTORY])
@pytest.mark.parametrize("place", ["first", "last"])
def test_a_copy_names_its_original_among_alike_shots(seed: int, copy: str, count: int, place: str) -> None:
    history = _history(seed, count, place)

    found = _probe(seed, copy).matches(history)

    original = history.index(_original(seed))
    assert found[original] is not None
    closest = min((match.detail_distance, index) for index, match in enumerate(found) if match is not None)
    assert closest[1] == original


@pytest.mark.parametrize("seed", SCENE_SEEDS)
@pytest.mark.parametrize("reshot", LATER_RESHOTS)
def test_a_new_shot_matches_none_of_its_display_history(seed: int, reshot: str) -> None:
    probe = _analysed(jpeg(shoot(scene(seed), LATER_RESHOTS[reshot]), 92)).probe

    assert not any(probe.matches(_history(seed, HISTORY, "first")))


class _StoredRow(NamedTuple):
    """A band query's row as find_reused hands it over: hashes signed, as BIGINT holds them."""

    phash: int
    core: int
    detail: bytes


def test_stored_rows_are_judged_as_the_fingerprints_they_hold() -> None:
    history = _history(11, 20, "last")
    rows = [_StoredRow(*stored.to_signed(), stored.detail) for stored in history]

    from_rows = _probe(11, "cropped_mixed_recompressed").matches(rows)

    assert from_rows == _probe(11, "cropped_mixed_recompressed").matches(history)
    assert from_rows[history.index(_original(11))] is not None
