"""Submitting a checklist: checks in api.md's order, scoring, photos and idempotency.

This operation commits by itself, unlike the others: the photo files it writes must exist
exactly when the rows that point at them do, so the commit and the file clean-up belong
together.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import IO, Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from merch.checklists import ShopHours, business_date_of, due_at, window_opens_at
from merch.database import reading, writing
from merch.extensions import db
from merch.messages.refusals import Refused
from merch.models import (
    SENT_BACK,
    VISIT,
    IdempotencyRecord,
    ItemResult,
    Photo,
    Role,
    RuleVersion,
    Shop,
    Submission,
    User,
)
from merch.photos import PhotoRejected, ProcessedPhoto, check_photo_header, process_photo
from merch.scoring import InvalidAnswer, ScoringContext, score_item, submission_score, validate_answer
from merch.services.checklists import rule_versions_for, shop_hours
from merch.services.evidence import PhotoEvidence, look_up_evidence, store_fingerprint
from merch.services.visits import visit_shop
from merch.storage import PhotoStorage, photo_keys

logger = logging.getLogger(__name__)

PHOTO_PREFIX = "photo."
FAST_CLOCK_ALLOWANCE = timedelta(minutes=5)
OFFLINE_LIMIT = timedelta(hours=24)
_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class SubmissionRefused(Refused):
    """A checklist the contract refuses; nothing has been stored."""


@dataclass(frozen=True)
class UploadedPhoto:
    """One uploaded file: the form field it came in and its bytes."""

    field_name: str
    data: bytes

    @property
    def target(self) -> str:
        """The area or item key the field names (``photo.folded`` -> ``folded``)."""
        return self.field_name[len(PHOTO_PREFIX) :]


class BadPhotoField(ValueError):
    """A file field whose name is not ``photo.<area or key>``."""

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name)
        self.field_name = field_name


def photos_from_files(files: Iterable[tuple[str, IO[bytes]]], limit_bytes: int) -> list[UploadedPhoto]:
    """Read uploaded file fields; empty ones (a "no file chosen" input) are skipped.

    Reads one byte past ``limit_bytes`` at most: enough to know a file is too big without
    holding all of it.
    """
    photos: list[UploadedPhoto] = []
    for name, stream in files:
        if not name.startswith(PHOTO_PREFIX) or len(name) == len(PHOTO_PREFIX):
            raise BadPhotoField(name)
        data = stream.read(limit_bytes + 1)
        if data:
            photos.append(UploadedPhoto(field_name=name, data=data))
    return photos


@dataclass(frozen=True)
class SubmissionRequest:
    """A checklist as a client sent it, already parsed from the wire format."""

    user: User
    shift: str
    answers: dict[str, Any]
    idempotency_key: str
    received_at: datetime
    payload: dict[str, Any]
    photos: list[UploadedPhoto] = field(default_factory=list)
    business_date: Any = None
    completed_at: Any = None
    # A visit names the shop visited; opening and closing are for the caller's own shop.
    store: Any = None


@dataclass(frozen=True)
class SubmissionOutcome:
    submission: Submission
    created: bool


@dataclass(frozen=True)
class Limits:
    """Upload limits, from the app config (api.md: 20 MB a photo, 40 photos, 50 MP)."""

    max_photo_bytes: int
    max_photos: int
    max_pixels: int
    max_decoded_pixels: int = 200_000_000  # all photos of a request together

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            max_photo_bytes=config["MAX_PHOTO_BYTES"],
            max_photos=config["MAX_PHOTOS_PER_SUBMISSION"],
            max_pixels=config["MAX_PHOTO_PIXELS"],
            max_decoded_pixels=config["MAX_DECODED_PIXELS"],
        )


def submit_checklist(request: SubmissionRequest, limits: Limits, storage: PhotoStorage) -> SubmissionOutcome:
    """Check, score and store a checklist; replay the first answer for a repeated key.

    Checks run in api.md's order. Photos are decoded between a reading transaction and a
    short writing one, so decoding never holds SQLite's write lock; the writing transaction
    repeats the checks another request could have changed meanwhile.
    """
    user = request.user
    # Checks read in a deferred transaction that ends before decoding: nothing below
    # holds a lock or a connection until the writes.
    with reading():
        shop = _checklist_shop(request)
        _check_sizes(request.photos, limits)
        fingerprint = _fingerprint(request)
        replay = _replayed(user, request.idempotency_key, fingerprint)
        if replay is not None:
            return SubmissionOutcome(replay, created=False)
        hours = shop_hours(shop)
        day, completed_at = _resolve_times(request, shop, hours)
        # A shop may be visited more than once a day; its two checklists only once each.
        repeatable = request.shift == VISIT
        if not repeatable and _has_submission(shop.id, request.shift, day, sent_back=False):
            raise SubmissionRefused(409, "already_submitted")
        versions = rule_versions_for(request.shift)
        answers = _checked_payload(request, versions, shop.sizes, limits)
        area_of_key = {version.rule.key: version.rule.area for version in versions}
    processed = _processed_photos(request.photos, area_of_key, limits)
    # Looking earlier photos up by content only reads, so it runs before the write lock.
    with reading():
        found = look_up_evidence(shop.id, day, versions, answers, processed)

    written: list[str] = []
    try:
        # The write lock is held from here to the commit: a few queries and file writes.
        with writing():
            replay = _replayed(user, request.idempotency_key, fingerprint)
            if replay is not None:
                return SubmissionOutcome(replay, created=False)
            if not repeatable and _has_submission(shop.id, request.shift, day, sent_back=False):
                raise SubmissionRefused(409, "already_submitted")
            submission = _build_submission(request, shop, hours, day, completed_at, versions, answers, processed)
            db.session.add(
                IdempotencyRecord(
                    user_id=user.id,
                    key=request.idempotency_key,
                    request_hash=fingerprint,
                    submission=submission,
                    created_at=request.received_at,
                )
            )
            db.session.flush()
            _store_photos(submission, processed, found, storage, request.received_at, written)
    except IntegrityError:
        _remove(storage, written)
        # Another request with this key or for this checklist committed first.
        with reading():
            replay = _replayed(user, request.idempotency_key, fingerprint)
        if replay is not None:
            return SubmissionOutcome(replay, created=False)
        raise SubmissionRefused(409, "already_submitted") from None
    except BaseException:
        _remove(storage, written)
        raise
    return SubmissionOutcome(submission, created=True)


def role_may_submit(role: str, shift: str) -> bool:
    """Staff fill their shop's opening and closing checklists; supervisors fill visits."""
    return role == (Role.SUPERVISOR if shift == VISIT else Role.STAFF)


def _checklist_shop(request: SubmissionRequest) -> Shop:
    """The shop a checklist is for: staff fill their own shop's opening and closing;
    supervisors visit a shop of their area (another area's: 404, existence not revealed).
    """
    user = request.user
    if not role_may_submit(user.role, request.shift):
        raise SubmissionRefused(403, "forbidden")
    if request.shift != VISIT:
        if user.shop is None or not user.shop.active:
            raise SubmissionRefused(403, "forbidden")
        return user.shop
    if not isinstance(request.store, str) or not request.store:
        raise SubmissionRefused(400, "bad_request", "store")
    shop = visit_shop(user, request.store)
    if shop is None:
        raise SubmissionRefused(404, "not_found", "store")
    return shop


def _build_submission(
    request: SubmissionRequest,
    shop: Shop,
    hours: ShopHours,
    day: date,
    completed_at: datetime,
    versions: list[RuleVersion],
    answers: dict[str, dict[str, Any] | None],
    processed: list[tuple[str, str, ProcessedPhoto]],
) -> Submission:
    due = due_at(hours, request.shift, day)
    # History is read before the new rows join the session, so no query flushes them
    # half-built.
    last_changes = last_window_changes(
        shop.id, [version.rule.key for version in versions if version.rule.kind == "refresh"], day
    )
    submission = Submission(
        shop_id=shop.id,
        user_id=request.user.id,
        shift=request.shift,
        business_date=day,
        completed_at=completed_at,
        received_at=request.received_at,
        due_at=due,
        late=completed_at > due,
    )
    photographed = {area for area, _, _ in processed}
    items = [
        _scored_item(position, version, answers, photographed, last_changes, day, shop.sizes)
        for position, version in enumerate(versions)
    ]
    submission.score = submission_score(
        (
            item["weight"],
            None if item["not_applicable"] else Fraction(item["credit_numerator"], item["credit_denominator"]),
        )
        for item in items
    )
    submission.original_score = submission.score
    db.session.add(submission)
    db.session.flush()
    # One INSERT for all items (an executemany without RETURNING): the statement count of
    # storing a checklist does not grow with the rulebook on any database.
    db.session.execute(insert(ItemResult), [{**item, "submission_id": submission.id} for item in items])
    return submission


def _check_sizes(photos: list[UploadedPhoto], limits: Limits) -> None:
    if len(photos) > limits.max_photos:
        raise SubmissionRefused(413, "payload_too_large", "photos", limit=limits.max_photos, count=len(photos))
    for photo in photos:
        if len(photo.data) > limits.max_photo_bytes:
            raise SubmissionRefused(
                413, "payload_too_large", photo.field_name, megabytes=limits.max_photo_bytes // 1_000_000
            )


def _fingerprint(request: SubmissionRequest) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(request.payload, sort_keys=True, separators=(",", ":")).encode())
    for name, photo_hash in sorted(
        (photo.field_name, hashlib.sha256(photo.data).hexdigest()) for photo in request.photos
    ):
        digest.update(b"\0" + name.encode() + b"\0" + photo_hash.encode())
    return digest.hexdigest()


def _replayed(user: User, key: str, fingerprint: str) -> Submission | None:
    record = db.session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id, IdempotencyRecord.key == key)
    )
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise SubmissionRefused(422, "idempotency_key_reused", "Idempotency-Key")
    return db.session.get(Submission, record.submission_id)


def _parse_date(value: Any) -> date:
    if not isinstance(value, str) or not _DATE_PATTERN.match(value):
        raise SubmissionRefused(422, "invalid_date", "business_date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise SubmissionRefused(422, "invalid_date", "business_date") from None


def _parse_moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise SubmissionRefused(422, "invalid_date", "completed_at")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SubmissionRefused(422, "invalid_date", "completed_at") from None
    if moment.tzinfo is None:
        # Without an offset the moment is ambiguous; phones must say where they are.
        raise SubmissionRefused(422, "invalid_date", "completed_at")
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # year 1 east of Greenwich, year 9999 west of it
        raise SubmissionRefused(422, "invalid_date", "completed_at") from None


def _resolve_times(request: SubmissionRequest, shop: Shop, hours: ShopHours) -> tuple[date, datetime]:
    """The business date and completion moment, checked against api.md's rules."""
    now = request.received_at
    today = business_date_of(now, shop.timezone)
    day = today if request.business_date is None else _parse_date(request.business_date)
    resubmission = _has_submission(shop.id, request.shift, day, sent_back=True)
    if day < shop.opened_on or day > today:
        raise SubmissionRefused(422, "invalid_date", "business_date")
    if day < today - timedelta(days=1) and not resubmission:
        raise SubmissionRefused(422, "invalid_date", "business_date")

    completed = now if request.completed_at is None else _parse_moment(request.completed_at)
    if completed > now + FAST_CLOCK_ALLOWANCE or completed < now - OFFLINE_LIMIT:
        raise SubmissionRefused(422, "invalid_date", "completed_at")
    completed = min(completed, now)
    # A checklist sent back is redone now, so its completion falls after its own date.
    if not resubmission and business_date_of(completed, shop.timezone) != day:
        raise SubmissionRefused(422, "invalid_date", "completed_at")
    opens = window_opens_at(hours, request.shift, day)
    if completed < opens:
        raise SubmissionRefused(422, "too_early", "completed_at", opens_at=opens.astimezone(hours.zone))
    return day, completed


def _has_submission(shop_id: int, shift: str, day: date, *, sent_back: bool) -> bool:
    """Whether the checklist has a sent-back submission, or a live one (``sent_back=False``)."""
    status_matches = Submission.status == SENT_BACK if sent_back else Submission.status != SENT_BACK
    query = select(func.count(Submission.id)).where(
        Submission.shop_id == shop_id,
        Submission.shift == shift,
        Submission.business_date == day,
        status_matches,
    )
    return bool(db.session.scalar(query))


def _checked_payload(
    request: SubmissionRequest, versions: list[RuleVersion], size_set: tuple[str, ...], limits: Limits
) -> dict[str, dict[str, Any] | None]:
    """The validated answers, or a refusal naming the first problem and listing every one.

    The first is api.md's (``unknown_item`` before ``invalid_answer``); ``every`` holds
    each unknown item, each invalid answer (one per item) and, when there are such
    problems, each photo its header already refuses, so a phone can mark every field at once.
    """
    problems = _unknown_items(request, versions)
    validated: dict[str, dict[str, Any] | None] = {}
    for version in versions:
        key = version.rule.key
        try:
            validated[key] = validate_answer(version.rule.kind, request.answers.get(key), version.allow_na, size_set)
        except InvalidAnswer as error:
            path = f"answers.{key}.{error.field}" if error.field else f"answers.{key}"
            problems.append(SubmissionRefused(422, "invalid_answer", path, key=key, problem=error))
    if problems:
        problems.extend(_photo_header_problems(request.photos, limits))
        first = problems[0]
        first.every = tuple(problems)
        raise first
    return validated


def _unknown_items(request: SubmissionRequest, versions: list[RuleVersion]) -> list[Refused]:
    keys = {version.rule.key for version in versions}
    areas = {version.rule.area for version in versions}
    found: list[Refused] = []
    for key in request.answers:
        if key not in keys:
            # Quoted back shortened: a megabyte-long key would only bury the message.
            shown = key if len(key) <= 64 else key[:64] + "…"
            found.append(SubmissionRefused(422, "unknown_item", f"answers.{shown}", key=shown))
    for photo in request.photos:
        if photo.target not in keys and photo.target not in areas:
            found.append(SubmissionRefused(422, "unknown_item", photo.field_name, key=photo.target))
    return found


def _photo_header_problems(photos: list[UploadedPhoto], limits: Limits) -> list[Refused]:
    found: list[Refused] = []
    for photo in photos:
        try:
            check_photo_header(photo.data, max_pixels=limits.max_pixels)
        except PhotoRejected as rejected:
            found.append(SubmissionRefused(rejected.status, rejected.code, photo.field_name, **rejected.params))
    return found


def _processed_photos(
    photos: list[UploadedPhoto], area_of_key: dict[str, str], limits: Limits
) -> list[tuple[str, str, ProcessedPhoto]]:
    # api.md's order: a file that is no image (415) is named before any image that is
    # too large (422), whichever comes first in the request.
    first_too_large: SubmissionRefused | None = None
    over_budget: SubmissionRefused | None = None
    decoded = 0
    for photo in photos:
        try:
            decoded += check_photo_header(photo.data, max_pixels=limits.max_pixels)
        except PhotoRejected as rejected:
            refusal = SubmissionRefused(rejected.status, rejected.code, photo.field_name, **rejected.params)
            if rejected.status == 415:
                raise refusal from None
            first_too_large = first_too_large or refusal
            continue
        if decoded > limits.max_decoded_pixels and over_budget is None:
            # 413 comes before image_too_large in api.md's order, and nothing is decoded yet.
            over_budget = SubmissionRefused(413, "payload_too_large", photo.field_name, **decoding_budget(limits))
    if over_budget is not None:
        raise over_budget
    if first_too_large is not None:
        raise first_too_large
    processed: list[tuple[str, str, ProcessedPhoto]] = []
    for photo in photos:
        area = area_of_key.get(photo.target, photo.target)
        try:
            result = process_photo(photo.data, max_pixels=limits.max_pixels)
        except PhotoRejected as rejected:
            raise SubmissionRefused(rejected.status, rejected.code, photo.field_name, **rejected.params) from None
        processed.append((area, photo.field_name, result))
    return processed


def decoding_budget(limits: Limits) -> dict[str, Any]:
    """The refusal's parameters when a request's photos would decode too many pixels."""
    return {"decoded_megapixels": limits.max_decoded_pixels // 1_000_000}


def last_window_change(shop_id: int, key: str, before: date) -> date | None:
    """The latest earlier business date this shop changed the window, on the record.

    A change a supervisor failed on review, or one in a sent-back submission, is not a
    change (display-rules.md).
    """
    return last_window_changes(shop_id, [key], before).get(key)


def last_window_changes(shop_id: int, keys: list[str], before: date) -> dict[str, date | None]:
    """:func:`last_window_change` for several refresh rules, in one query."""
    if not keys:
        return {}
    found: dict[str, date | None] = dict.fromkeys(keys)
    rows = db.session.execute(
        select(ItemResult.key, func.max(Submission.business_date))
        .join(ItemResult, ItemResult.submission_id == Submission.id)
        .where(
            Submission.shop_id == shop_id,
            Submission.status != SENT_BACK,
            Submission.business_date < before,
            ItemResult.key.in_(keys),
            ItemResult.marks_change.is_(True),
            ItemResult.override_passed.is_not(False),
        )
        .group_by(ItemResult.key)
    )
    for key, day in rows:
        found[key] = day
    return found


def _scored_item(
    position: int,
    version: RuleVersion,
    answers: dict[str, dict[str, Any] | None],
    photographed: set[str],
    last_changes: dict[str, date | None],
    day: date,
    size_set: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One item's row: the answer, its score, and the version's numbers frozen with it."""
    rule = version.rule
    answer = answers.get(rule.key)
    has_photo = rule.area in photographed
    last_change = last_changes.get(rule.key)
    outcome = score_item(
        rule.kind,
        version.params,
        answer,
        photo_required=version.photo_required,
        has_photo=has_photo,
        context=ScoringContext(
            business_date=day, last_window_change=last_change, area=rule.area, size_set=tuple(size_set)
        ),
    )
    return {
        "rule_version_id": version.id,
        "position": position,
        "key": rule.key,
        "kind": rule.kind,
        "area": rule.area,
        "params": dict(version.params),
        "weight": version.weight,
        "photo_required": version.photo_required,
        "answer": answer,
        "credit": float(outcome.credit),
        "credit_numerator": outcome.credit.numerator,
        "credit_denominator": outcome.credit.denominator,
        "passed": outcome.passed,
        "not_applicable": outcome.not_applicable,
        "problems": [problem.to_json() for problem in outcome.problems],
        "marks_change": bool(rule.kind == "refresh" and answer and answer.get("changed_today") and has_photo),
    }


def _store_photos(
    submission: Submission,
    processed: list[tuple[str, str, ProcessedPhoto]],
    found: list[PhotoEvidence],
    storage: PhotoStorage,
    now: datetime,
    written: list[str],
) -> None:
    # One query for every earlier photo with the same bytes, however many photos there are.
    hashes = {result.sha256 for _, _, result in processed}
    earlier: dict[str, Photo] = {}
    if hashes:
        for photo in db.session.scalars(select(Photo).where(Photo.sha256.in_(hashes)).order_by(Photo.id.desc())):
            earlier[photo.sha256] = photo  # newest first, so the oldest one stays
    for (area, field_name, result), evidence in zip(processed, found, strict=True):
        display_key, thumb_key = photo_keys(submission.shop_id, submission.business_date)
        for key, data in ((display_key, result.display_jpeg), (thumb_key, result.thumb_jpeg)):
            written.append(key)
            storage.put(key, data)
        photo = Photo(
            area=area,
            field_name=field_name,
            sha256=result.sha256,
            source_format=result.source_format,
            width=result.width,
            height=result.height,
            display_path=display_key,
            thumb_path=thumb_key,
            captured_at=_aware_capture_time(result.captured_at, submission.shop),
            uploaded_at=now,
            duplicate_of=earlier.get(result.sha256),
            reused_of_id=evidence.reused_of_id,
            window_match_id=evidence.window_match_id,
            window_similarity=evidence.window_similarity,
        )
        submission.photos.append(photo)
        earlier.setdefault(result.sha256, photo)
    db.session.flush()
    for photo, (_, _, result) in zip(submission.photos, processed, strict=True):
        if result.evidence is not None:
            store_fingerprint(photo, result.evidence.fingerprint)
    db.session.flush()


def _aware_capture_time(captured: datetime | None, shop: Shop) -> datetime | None:
    if captured is None:
        return None
    if captured.tzinfo is None:
        # EXIF without an offset is the camera's local time, which is the shop's.
        captured = captured.replace(tzinfo=shop.zone)
    return captured.astimezone(UTC)


def _remove(storage: PhotoStorage, keys: list[str]) -> None:
    """Best effort: a file left behind is an orphan that check-storage sweeps later."""
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001 - the request's own error is the one to report
            logger.warning("could not remove %s after a failed submission", key, exc_info=True)
