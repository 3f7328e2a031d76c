"""Corrective actions: opened on review, closed by the shop with a new photo, verified.

``open_action`` and ``verify_action`` only flush. ``close_action`` commits by itself, as
submitting a checklist does: the photo files it writes must exist exactly when the rows
pointing at them do.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from merch.database import reading, release, writing
from merch.extensions import db
from merch.messages.refusals import Refused
from merch.models import (
    ACTION_CLOSED,
    ACTION_OPEN,
    ACTION_VERIFIED,
    CorrectiveAction,
    ItemResult,
    Photo,
    Role,
    Shop,
    Submission,
    User,
)
from merch.photos import PhotoRejected, check_photo_header, process_photo
from merch.services.accounts import shops_visible_to
from merch.services.evidence import find_reused, store_fingerprint
from merch.services.submissions import Limits, UploadedPhoto, decoding_budget
from merch.storage import PhotoStorage, photo_keys

logger = logging.getLogger(__name__)

MAX_NOTE = 2000
VERIFY_CHOICES = ("verified", "reopened")


class ActionRefused(Refused):
    """A close or verify the contract refuses; nothing has been changed."""


def open_action(
    submission: Submission, item: ItemResult, opener: User, comment: str, now: datetime
) -> CorrectiveAction:
    """One action per failing item: an existing unverified one is kept, not doubled."""
    for existing in submission.actions:
        if existing.item_result_id == item.id and existing.status != ACTION_VERIFIED:
            return existing
    action = CorrectiveAction(
        submission=submission,
        item_result_id=item.id,
        shop_id=submission.shop_id,
        key=item.key,
        comment=comment,
        status=ACTION_OPEN,
        opened_by_id=opener.id,
        opened_at=now,
    )
    db.session.add(action)
    return action


def actions_query(user: User) -> Select[tuple[CorrectiveAction]]:
    """Actions in the caller's scope, newest first, with what their JSON shows."""
    return (
        select(CorrectiveAction)
        .where(CorrectiveAction.shop_id.in_(shops_visible_to(user)))
        .options(
            joinedload(CorrectiveAction.shop),
            joinedload(CorrectiveAction.item).joinedload(ItemResult.rule_version),
            joinedload(CorrectiveAction.opened_by),
            joinedload(CorrectiveAction.closed_by),
            joinedload(CorrectiveAction.verified_by),
            selectinload(CorrectiveAction.photos),
        )
        .order_by(CorrectiveAction.opened_at.desc(), CorrectiveAction.id.desc())
    )


def visible_action(user: User, action_id: int) -> CorrectiveAction | None:
    """The action if the caller may see it (else None: existence is not revealed)."""
    return db.session.scalar(actions_query(user).where(CorrectiveAction.id == action_id))


def close_action(
    action: CorrectiveAction,
    user: User,
    note: str,
    photos: list[UploadedPhoto],
    limits: Limits,
    storage: PhotoStorage,
    now: datetime,
) -> CorrectiveAction:
    """Staff of the shop close an open action with a note and at least one new photo.

    The photos go through the checklist's pipeline (sizes, format, pixels, re-encoding);
    decoding happens outside any transaction, the writes in one short one.
    """
    if user.role != Role.STAFF:
        raise ActionRefused(403, "forbidden")
    if action.status != ACTION_OPEN:
        raise ActionRefused(422, "invalid_answer", "status", reason="action_not_open")
    note = note.strip()[:MAX_NOTE]
    if not note:
        raise ActionRefused(422, "invalid_answer", "note", reason="note_required")
    if not photos:
        raise ActionRefused(422, "invalid_answer", "photo", reason="photo_required")
    if len(photos) > limits.max_photos:
        raise ActionRefused(413, "payload_too_large", "photo", limit=limits.max_photos, count=len(photos))
    for photo in photos:
        if len(photo.data) > limits.max_photo_bytes:
            raise ActionRefused(413, "payload_too_large", "photo", megabytes=limits.max_photo_bytes // 1_000_000)
    action_id, shop = action.id, action.shop
    area = action.item.area
    release()
    decoded = 0
    for photo in photos:
        try:
            decoded += check_photo_header(photo.data, max_pixels=limits.max_pixels)
        except PhotoRejected as rejected:
            raise ActionRefused(rejected.status, rejected.code, "photo", **rejected.params) from None
        if decoded > limits.max_decoded_pixels:
            raise ActionRefused(413, "payload_too_large", "photo", **decoding_budget(limits))
    processed = []
    for photo in photos:
        try:
            processed.append((photo.field_name, process_photo(photo.data, max_pixels=limits.max_pixels)))
        except PhotoRejected as rejected:
            raise ActionRefused(rejected.status, rejected.code, "photo", **rejected.params) from None
    # A fix is proved by a new photo: it is looked up by content like a checklist's
    # (only reads, so before the write lock) and enters the index for later lookups.
    with reading():
        reused = [
            find_reused(result.evidence.probe) if result.evidence is not None else None for _, result in processed
        ]

    written: list[str] = []
    try:
        with writing():
            action = db.session.get(CorrectiveAction, action_id)  # type: ignore[assignment]
            if action is None or action.status != ACTION_OPEN:
                raise ActionRefused(422, "invalid_answer", "status", reason="action_not_open")
            day = now.astimezone(shop.zone).date()
            for (field_name, result), found in zip(processed, reused, strict=True):
                display_key, thumb_key = photo_keys(shop.id, day)
                for key, data in ((display_key, result.display_jpeg), (thumb_key, result.thumb_jpeg)):
                    written.append(key)
                    storage.put(key, data)
                earlier = db.session.scalar(
                    select(Photo.id).where(Photo.sha256 == result.sha256).order_by(Photo.id).limit(1)
                )
                photo = Photo(
                    submission_id=action.submission_id,
                    area=area,
                    field_name=field_name,
                    sha256=result.sha256,
                    source_format=result.source_format,
                    width=result.width,
                    height=result.height,
                    display_path=display_key,
                    thumb_path=thumb_key,
                    captured_at=_aware(result.captured_at, shop),
                    uploaded_at=now,
                    duplicate_of_id=earlier,
                    reused_of_id=found.photo_id if found is not None else None,
                )
                action.photos.append(photo)
                if result.evidence is not None:
                    db.session.flush()
                    store_fingerprint(photo, result.evidence.fingerprint)
            action.status = ACTION_CLOSED
            action.closed_by_id = user.id
            action.closed_at = now
            action.note = note
    except BaseException:
        for key in written:
            try:
                storage.delete(key)
            except Exception:  # noqa: BLE001 - the request's own error is the one to report
                logger.warning("could not remove %s after a failed close", key, exc_info=True)
        raise
    return action


def _aware(captured: datetime | None, shop: Shop) -> datetime | None:
    if captured is None:
        return None
    if captured.tzinfo is None:
        captured = captured.replace(tzinfo=shop.zone)
    return captured.astimezone(UTC)


def verify_action(action: CorrectiveAction, user: User, choice: str, comment: str, now: datetime) -> CorrectiveAction:
    """The supervisor accepts the fix (verified) or sends the action back to open."""
    if choice not in VERIFY_CHOICES:
        raise ActionRefused(400, "bad_request", "action")
    if action.status != ACTION_CLOSED:
        raise ActionRefused(422, "invalid_answer", "action", reason="action_not_closed")
    action.status = ACTION_VERIFIED if choice == "verified" else ACTION_OPEN
    action.verified_by_id = user.id
    action.verified_at = now
    action.verify_comment = comment.strip()[:MAX_NOTE]
    db.session.flush()
    return action


def shop_open_actions(shop: Shop) -> list[CorrectiveAction]:
    """A shop's actions still to fix (open) or waiting for the supervisor (closed)."""
    return list(
        db.session.scalars(
            select(CorrectiveAction)
            .where(CorrectiveAction.shop_id == shop.id, CorrectiveAction.status != ACTION_VERIFIED)
            .options(
                joinedload(CorrectiveAction.item).joinedload(ItemResult.rule_version),
                joinedload(CorrectiveAction.opened_by),
                selectinload(CorrectiveAction.submission).selectinload(Submission.photos),
            )
            .order_by(CorrectiveAction.opened_at, CorrectiveAction.id)
        ).unique()
    )
