"""Evidence you can trust: reused photos by content, an unchanged window, stale photos.

The fingerprints are computed by the photo pipeline from the display copy in memory
(merch.photos, merch.evidence); this module stores them, looks a new photo up among every
stored photo of the brand through the band index (merch.models.evidence), compares a
window with the shop's last change, and builds api.md's ``evidence`` object for a caller.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import numpy as np
from PIL import Image
from sqlalchemy import ColumnElement, Integer, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql

from merch.database import reading, writing
from merch.evidence import Fingerprint, Probe, analyse, unsigned, window_similarity
from merch.evidence.fingerprints import BAND_BITS, BANDS, CANDIDATE_DISTANCE
from merch.extensions import db
from merch.models import SENT_BACK, ItemResult, Photo, RuleVersion, Submission, User
from merch.models.evidence import PhotoFingerprint, PhotoHashBand
from merch.photos import ProcessedPhoto
from merch.services.accounts import can_view_submission
from merch.storage import PhotoStorage

# Which of a photo's two hashes a band row belongs to (packed into band_key).
WHOLE, CORE = 0, 1
# A stored photo must share this many bands with the new one before it is looked at
# closely: two hashes within Hamming distance 2 always share two of their four bands,
# an unrelated pair almost never does.
MIN_BAND_HITS = 2
# At most MAX_HITS photos sharing bands are read (a band every photo has, such as a plain
# wall's, cannot flood the lookup), and the MAX_CLOSE closest by hash get the close call.
MAX_HITS = 500
MAX_CLOSE = 64
# window_unchanged: a window at least this alike to the last change's is the same dressing
# (set on the labelled set in tests/; README "Evidence").
WINDOW_UNCHANGED = 0.80
# Staleness (README "Evidence"): a capture time more than this before the checklist's
# completion, or after it by more than a phone clock's allowance, is not of this checklist.
STALE_BEFORE = timedelta(hours=2)
FAST_CLOCK = timedelta(minutes=5)


def band_keys(kind: int, hashes: np.ndarray) -> np.ndarray:
    """The index keys of every 64-bit hash (uint64) of one kind: four per hash, lowest band first.

    Each hash is cut into four 16-bit bands; a key packs the kind (WHOLE or CORE), the
    band's place and its value, so one index serves both hashes. Two hashes within Hamming
    distance 3 share at least one band exactly (pigeonhole), which is what the lookup
    finds; a farther pair usually does too. Storage and lookup both pack keys here.
    """
    index = np.arange(BANDS, dtype=np.uint64)
    values = (hashes[:, None] >> (np.uint64(BAND_BITS) * index)) & np.uint64((1 << BAND_BITS) - 1)
    prefix = (np.uint64(kind * BANDS) + index) << np.uint64(BAND_BITS)
    return (prefix | values).astype(np.int64).reshape(-1)


def band_rows(photo_id: int, fingerprint: Fingerprint) -> list[PhotoHashBand]:
    """The photo's eight index rows: its whole-picture hash's four bands, then its core's."""
    keys = [
        band_keys(kind, np.array([unsigned(value)], dtype=np.uint64))
        for kind, value in ((WHOLE, fingerprint.phash), (CORE, fingerprint.core))
    ]
    return [PhotoHashBand(band_key=key, photo_id=photo_id) for key in np.concatenate(keys).tolist()]


def store_fingerprint(photo: Photo, fingerprint: Fingerprint) -> None:
    """Add the photo's fingerprint and its band rows (the photo must have its id)."""
    phash, core = fingerprint.to_signed()
    db.session.add(
        PhotoFingerprint(
            photo_id=photo.id, phash=phash, core=core, detail=fingerprint.detail, layout=fingerprint.layout
        )
    )
    db.session.add_all(band_rows(photo.id, fingerprint))


def _probe_keys(probe: Probe) -> list[int]:
    """The band keys of every distinct hash of the probe, sorted.

    A third or more of a probe's windows repeat another's hash (a plain floor or wall looks
    the same from every crop), so each distinct hash is split once, all in numpy (a Python
    set of some thousand keys cost about a millisecond a lookup).
    """
    keys = [
        band_keys(kind, np.unique(np.array(hashes, dtype=np.uint64)))
        for kind, hashes in ((WHOLE, probe.whole_hashes), (CORE, probe.core_hashes))
        if hashes
    ]
    return np.unique(np.concatenate(keys)).tolist() if keys else []


def _band_key_among(dialect: str) -> ColumnElement[bool]:
    """The band query's condition: the row's key is one of the probe's (``band_keys``).

    PostgreSQL takes the keys as one array parameter: the statement's text is then the
    same for every probe, so the driver parses it once and the server prepares it once,
    where an IN list of some 300 placeholders was rendered, cast and parsed anew on each
    lookup (about 3 ms of client time a lookup, README "Evidence"). SQLite has no arrays:
    an expanding parameter takes the list as it is, where a list given to in_() is
    checked element by element (about 2 ms per lookup).
    """
    if dialect == "postgresql":
        return PhotoHashBand.band_key == any_(bindparam("band_keys", type_=postgresql.ARRAY(Integer)))
    return PhotoHashBand.band_key.in_(bindparam("band_keys", expanding=True))


@dataclass(frozen=True)
class Found:
    photo_id: int
    detail_distance: float


def find_reused(probe: Probe) -> Found | None:
    """The stored photo (any shop) that the new picture is a copy of, if any.

    One query whatever the history's size: the photos sharing MIN_BAND_HITS bands with the
    probe's hashes (one IN over the band keys on SQLite, one ``= ANY(array)`` on PostgreSQL,
    read from the covering primary key, at most MAX_HITS of them, most bands first), with
    their hashes and detail bits; ``Probe.matches`` judges the MAX_CLOSE closest by hash at
    once. A second, of one row, only when a copy is found.
    """
    hits = (
        select(PhotoHashBand.photo_id)
        .where(_band_key_among(db.session.get_bind(mapper=PhotoHashBand).dialect.name))
        .group_by(PhotoHashBand.photo_id)
        .having(func.count() >= MIN_BAND_HITS)
        .order_by(func.count().desc(), PhotoHashBand.photo_id)
        .limit(MAX_HITS)
        .subquery()
    )
    # The hashes with the detail bits the close call reads: most hits are near candidates
    # (a display's alike shots), and a second round trip for their detail cost more than
    # the bytes; not the layout, which it does not read. Columns, not entities: up to
    # MAX_HITS rows read for one comparison need no identity map.
    candidates = db.session.execute(
        select(
            PhotoFingerprint.photo_id,
            PhotoFingerprint.phash,
            PhotoFingerprint.core,
            PhotoFingerprint.detail,
        ).join(hits, hits.c.photo_id == PhotoFingerprint.photo_id),
        {"band_keys": _probe_keys(probe)},
    ).all()
    if not candidates:
        return None
    distances = probe.candidate_distances([row.phash for row in candidates], [row.core for row in candidates])
    close = sorted(
        (distance, row.photo_id, index)
        for index, (row, distance) in enumerate(zip(candidates, distances.tolist(), strict=True))
        if distance <= CANDIDATE_DISTANCE
    )[:MAX_CLOSE]
    if not close:
        return None
    rows = sorted((candidates[index] for _, _, index in close), key=lambda row: row.photo_id)
    found = probe.matches(rows)
    # The closest of the copies (the earliest on a tie): a display's history can hold a
    # re-shot so still (a tripod's) that it passes for a copy too, and the original is the
    # one the new picture lines up with best (README "Evidence").
    matched = [
        (match.detail_distance, row.photo_id) for row, match in zip(rows, found, strict=True) if match is not None
    ]
    if not matched:
        return None
    detail_distance, matched_id = min(matched)
    # A copy found that was itself a reuse stands for the photo it copied: the first
    # stored is the one reused.
    origin = db.session.scalar(select(Photo.reused_of_id).where(Photo.id == matched_id))
    return Found(origin if origin is not None else matched_id, detail_distance)


class _StoredColumns(Protocol):
    """A ``photo_fingerprints`` entity, or a row holding the same four columns."""

    phash: int
    core: int
    detail: bytes
    layout: bytes


def _fingerprint(row: _StoredColumns) -> Fingerprint:
    """A stored fingerprint, from its entity or from a row holding its four columns."""
    return Fingerprint(unsigned(row.phash), unsigned(row.core), row.detail, row.layout)


def last_change_window_photos(shop_id: int, key: str, day: date) -> list[tuple[Photo, Fingerprint]]:
    """The window photos of the shop's last recorded window change before ``day``."""
    last = db.session.scalar(
        select(func.max(Submission.business_date))
        .join(ItemResult, ItemResult.submission_id == Submission.id)
        .where(
            Submission.shop_id == shop_id,
            Submission.status != SENT_BACK,
            Submission.business_date < day,
            ItemResult.key == key,
            ItemResult.marks_change.is_(True),
        )
    )
    if last is None:
        return []
    rows = db.session.execute(
        select(Photo, PhotoFingerprint)
        .join(Submission, Photo.submission_id == Submission.id)
        .join(ItemResult, ItemResult.submission_id == Submission.id)
        .join(PhotoFingerprint, PhotoFingerprint.photo_id == Photo.id)
        .where(
            Submission.shop_id == shop_id,
            Submission.status != SENT_BACK,
            Submission.business_date == last,
            ItemResult.key == key,
            ItemResult.marks_change.is_(True),
            Photo.area == ItemResult.area,
        )
        .order_by(Photo.id)
    ).all()
    return [(photo, _fingerprint(row)) for photo, row in rows]


def most_alike(fingerprint: Fingerprint, earlier: Sequence[tuple[Photo, Fingerprint]]) -> tuple[Photo, float] | None:
    """The earlier window photo most like this one, if it shows the same dressing."""
    best: tuple[Photo, float] | None = None
    for photo, other in earlier:
        similarity = window_similarity(fingerprint, other)
        if best is None or similarity > best[1]:
            best = (photo, similarity)
    if best is None or best[1] < WINDOW_UNCHANGED:
        return None
    return best


def is_stale(captured_at: datetime | None, completed_at: datetime) -> bool | None:
    """A capture time after the checklist was completed, or hours before it; None: unknown."""
    if captured_at is None:
        return None
    return captured_at > completed_at + FAST_CLOCK or captured_at < completed_at - STALE_BEFORE


def _visible(viewer: User | None, photo: Photo) -> bool:
    return viewer is not None and can_view_submission(viewer, photo.submission)


def visible_photo_id(photo: Photo | None, viewer: User | None) -> int | None:
    """A photo's id if ``viewer`` may see it, else None (e.g. ``duplicate_of``)."""
    if photo is None or not _visible(viewer, photo):
        return None
    return photo.id


def evidence_flags(submission: Submission) -> set[str]:
    """The evidence flags of a submission's photos (api.md: reused_photo, stale_photo, …).

    Reads only the photos' own columns and the submission, so a loaded list of
    submissions costs no query per row.
    """
    flags: set[str] = set()
    for photo in submission.photos:
        if photo.reused_of_id is not None or photo.duplicate_of_id is not None:
            flags.add("reused_photo")
        if photo.taken_before_window or is_stale(photo.captured_at, submission.completed_at):
            flags.add("stale_photo")
        if photo.window_match_id is not None:
            flags.add("window_unchanged")
    return flags


@dataclass(frozen=True)
class PhotoEvidence:
    """What the lookups found for one new photo, kept as ids until the photo is stored."""

    reused_of_id: int | None = None
    window_match_id: int | None = None
    window_similarity: float | None = None


def look_up_evidence(
    shop_id: int,
    day: date,
    versions: Sequence[RuleVersion],
    answers: dict[str, dict[str, Any] | None],
    processed: Sequence[tuple[str, str, ProcessedPhoto]],
) -> list[PhotoEvidence]:
    """For each new photo (in order): an earlier copy, and for a window said to be
    re-dressed, the last change's window photo it still looks like."""
    changed_areas: dict[str, list[tuple[Photo, Fingerprint]]] = {}
    for version in versions:
        answer = answers.get(version.rule.key)
        if version.rule.kind == "refresh" and answer and answer.get("changed_today"):
            earlier = last_change_window_photos(shop_id, version.rule.key, day)
            changed_areas.setdefault(version.rule.area, []).extend(earlier)
    found = []
    for area, _, result in processed:
        if result.evidence is None:
            found.append(PhotoEvidence())
            continue
        reused = find_reused(result.evidence.probe)
        window = most_alike(result.evidence.fingerprint, changed_areas.get(area, []))
        found.append(
            PhotoEvidence(
                reused_of_id=reused.photo_id if reused else None,
                window_match_id=window[0].id if window else None,
                window_similarity=window[1] if window else None,
            )
        )
    return found


@dataclass(frozen=True)
class BackfillBatch:
    """One batch of ``backfill_fingerprints``: photos done, left without (and why), last id."""

    fingerprinted: int
    featureless: int  # a picture with nothing to compare (merch.evidence.analyse gave None)
    missing: int  # no display copy in storage
    last_id: int


def photos_without_fingerprint(after_id: int, limit: int) -> list[tuple[int, str, str]]:
    """Ids and file keys of stored photos with no fingerprint, after ``after_id``, by id."""
    has_print = select(PhotoFingerprint.photo_id).where(PhotoFingerprint.photo_id == Photo.id).exists()
    rows = db.session.execute(
        select(Photo.id, Photo.display_path, Photo.thumb_path)
        .where(Photo.id > after_id, ~has_print)
        .order_by(Photo.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def backfill_batch(storage: PhotoStorage, after_id: int, limit: int) -> BackfillBatch | None:
    """Fingerprint the next ``limit`` photos that have none, from their stored files.

    Reads in one short transaction, decodes outside any, writes the batch in one more:
    a batch is stored whole or not at all, so an interrupted backfill resumes where its
    last committed batch ended. None when no photo is left after ``after_id``.
    """
    with reading():
        pending = photos_without_fingerprint(after_id, limit)
    if not pending:
        return None
    found: list[tuple[int, Fingerprint]] = []
    featureless = missing = 0
    for photo_id, display_key, thumb_key in pending:
        display, thumb = storage.get(display_key), storage.get(thumb_key)
        if display is None:
            missing += 1
            continue
        analysis = analyse(_picture(display), small=_picture(thumb) if thumb is not None else None)
        if analysis is None:
            featureless += 1
            continue
        found.append((photo_id, analysis.fingerprint))
    with writing():
        for photo_id, fingerprint in found:
            # The photo may have been removed since it was read: its fingerprint is then moot.
            photo = db.session.get(Photo, photo_id)
            if photo is not None and db.session.get(PhotoFingerprint, photo_id) is None:
                store_fingerprint(photo, fingerprint)
    return BackfillBatch(len(found), featureless, missing, pending[-1][0])


def _picture(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB")


@dataclass(frozen=True)
class ShownMatch:
    """An earlier photo a new one matched, as a viewer may see it (the review page).

    ``photo_id`` and ``store`` are None when the viewer may not see that photo: they learn
    its date only, as in api.md's ``evidence``.
    """

    kind: str  # "reused" or "window_unchanged"
    business_date: date
    photo_id: int | None
    store: str | None
    similarity: float | None = None


def shown_matches(photo: Photo, viewer: User | None) -> list[ShownMatch]:
    """The earlier photos ``photo`` was found to copy or to look like, for ``viewer``."""
    shown = []
    earlier = photo.reused_of or photo.duplicate_of
    if earlier is not None:
        visible = visible_photo_id(earlier, viewer)
        store = earlier.submission.shop.code if visible is not None else None
        shown.append(ShownMatch("reused", earlier.submission.business_date, visible, store))
    window = photo.window_match
    if window is not None and photo.window_similarity is not None:
        visible = visible_photo_id(window, viewer)
        store = window.submission.shop.code if visible is not None else None
        shown.append(
            ShownMatch(
                "window_unchanged", window.submission.business_date, visible, store, round(photo.window_similarity, 3)
            )
        )
    return shown
