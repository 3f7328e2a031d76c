"""Reviewing a submission: overrides, the recomputed score, reviewed or sent back.

Only flushes; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from merch.extensions import db
from merch.messages.refusals import Refused
from merch.models import REVIEWED, SENT_BACK, ItemOverride, Photo, Submission, User
from merch.scoring import submission_score
from merch.services.actions import open_action

REVIEW_ACTIONS = (REVIEWED, SENT_BACK)
MAX_COMMENT = 2000
# Enough rows to find each area's photo among the last few checklists.
MAX_PREVIOUS_ROWS = 40


class ReviewRefused(Refused):
    """A review the contract refuses; nothing has been changed."""


@dataclass(frozen=True)
class ItemDecision:
    key: str
    passed: bool
    comment: str


@dataclass(frozen=True)
class ActionRequest:
    key: str
    comment: str


@dataclass(frozen=True)
class ReviewRequest:
    action: str
    comment: str
    items: list[ItemDecision]
    actions: list[ActionRequest]


def _comment(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ReviewRefused(422, "invalid_answer", field, reason="bad_comment")
    return value.strip()[:MAX_COMMENT]


def _key(entry: Any, index: int, field: str) -> str:
    if not isinstance(entry, dict):
        raise ReviewRefused(400, "bad_request", f"{field}[{index}]")
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise ReviewRefused(422, "invalid_answer", f"{field}[{index}].key", reason="bad_key", n=index + 1)
    return key


def parse_review(body: dict[str, Any]) -> ReviewRequest:
    """The JSON body of POST …/review, checked field by field (api.md)."""
    action = body.get("action")
    if action not in REVIEW_ACTIONS:
        raise ReviewRefused(400, "bad_request", "action")
    raw_items = body.get("items") or []
    raw_actions = body.get("actions") or []
    if not isinstance(raw_items, list):
        raise ReviewRefused(400, "bad_request", "items")
    if not isinstance(raw_actions, list):
        raise ReviewRefused(400, "bad_request", "actions")
    items: list[ItemDecision] = []
    for index, entry in enumerate(raw_items):
        key = _key(entry, index, "items")
        passed = entry.get("passed")
        if not isinstance(passed, bool):
            raise ReviewRefused(422, "invalid_answer", f"items[{index}].passed", reason="bad_passed", n=index + 1)
        items.append(ItemDecision(key, passed, _comment(entry.get("comment"), f"items[{index}].comment")))
    actions = [
        ActionRequest(_key(entry, index, "actions"), _comment(entry.get("comment"), f"actions[{index}].comment"))
        for index, entry in enumerate(raw_actions)
    ]
    return ReviewRequest(str(action), _comment(body.get("comment"), "comment"), items, actions)


def review_submission(submission: Submission, reviewer: User, review: ReviewRequest, now: datetime) -> Submission:
    """Apply overrides, recompute the score, record the review and open actions.

    Everything is checked before anything changes, so a refused review changes nothing.
    """
    if submission.status == SENT_BACK:
        raise ReviewRefused(422, "invalid_answer", "action", reason="sent_back_final")
    by_key = {item.key: item for item in submission.items}
    for index, decision in enumerate(review.items):
        if decision.key not in by_key:
            raise ReviewRefused(422, "unknown_item", f"items[{index}].key", key=decision.key)
    final = {key: item.final_passed for key, item in by_key.items()}
    final.update({decision.key: decision.passed for decision in review.items})
    for index, wanted in enumerate(review.actions):
        if wanted.key not in by_key:
            raise ReviewRefused(422, "unknown_item", f"actions[{index}].key", key=wanted.key)
        if final[wanted.key]:
            raise ReviewRefused(422, "invalid_answer", f"actions[{index}].key", reason="item_passes", key=wanted.key)

    for decision in review.items:
        item = by_key[decision.key]
        item.overrides.append(
            ItemOverride(user_id=reviewer.id, passed=decision.passed, comment=decision.comment, at=now)
        )
        item.override_passed = decision.passed
    if submission.original_score is None:
        submission.original_score = submission.score
    submission.score = submission_score((item.weight, item.final_credit) for item in submission.items)
    submission.status = review.action
    submission.review_action = review.action
    submission.review_comment = review.comment
    submission.reviewed_by_id = reviewer.id
    submission.reviewed_at = now
    for wanted in review.actions:
        open_action(submission, by_key[wanted.key], reviewer, wanted.comment, now)
    db.session.flush()
    return submission


def previous_area_photos(submission: Submission) -> dict[str, Photo]:
    """Per display area, the photo of that area from the shop's latest earlier checklist.

    Set beside the new photo, a change or a non-change shows without searching.
    """
    rows = db.session.scalars(
        select(Photo)
        .join(Submission, Submission.id == Photo.submission_id)
        .where(
            Submission.shop_id == submission.shop_id,
            Submission.id != submission.id,
            Submission.completed_at <= submission.completed_at,
            Submission.status != SENT_BACK,
            Photo.action_id.is_(None),
        )
        .order_by(Submission.completed_at.desc(), Submission.id.desc(), Photo.id)
        .limit(MAX_PREVIOUS_ROWS)
    ).all()
    found: dict[str, Photo] = {}
    for photo in rows:
        found.setdefault(photo.area, photo)
    return found
