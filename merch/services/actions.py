"""Corrective actions: opened on review, closed by the shop with a new photo, verified.

``open_action`` and ``verify_action`` only flush. ``close_action`` commits by itself, as
submitting a checklist does: the photo files it writes must exist exactly when the rows
pointing at them do.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

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
from merch.photos import PhotoRejected, process_photo
from merch.services.accounts import shops_visible_to
from merch.services.submissions import Limits, UploadedPhoto

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
    upload_folder: Path,
    now: datetime,
) -> CorrectiveAction:
    """Staff of the shop close an open action with a note and at least one new photo."""
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
    processed = []
    for photo in photos:
        try:
            processed.append((photo.field_name, process_photo(photo.data, max_pixels=limits.max_pixels)))
        except PhotoRejected as rejected:
            raise ActionRefused(rejected.status, rejected.code, "photo", **rejected.params) from None

    shop: Shop = action.shop
    folder = upload_folder / f"shop-{shop.id}" / "actions"
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for field_name, result in processed:
            stem = secrets.token_hex(16)
            display = folder / f"{stem}.jpg"
            thumb = folder / f"{stem}.thumb.jpg"
            for path, data in ((display, result.display_jpeg), (thumb, result.thumb_jpeg)):
                path.write_bytes(data)
                written.append(path)
            earlier = db.session.scalar(
                select(Photo.id).where(Photo.sha256 == result.sha256).order_by(Photo.id).limit(1)
            )
            action.photos.append(
                Photo(
                    submission_id=action.submission_id,
                    area=action.item.area,
                    field_name=field_name,
                    sha256=result.sha256,
                    source_format=result.source_format,
                    width=result.width,
                    height=result.height,
                    display_path=str(display.relative_to(upload_folder)),
                    thumb_path=str(thumb.relative_to(upload_folder)),
                    captured_at=_aware(result.captured_at, shop),
                    uploaded_at=now,
                    duplicate_of_id=earlier,
                )
            )
        action.status = ACTION_CLOSED
        action.closed_by_id = user.id
        action.closed_at = now
        action.note = note
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
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
