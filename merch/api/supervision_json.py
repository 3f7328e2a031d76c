"""JSON shapes of supervision (api.md, "Review and corrective actions"), built from models."""

from __future__ import annotations

from typing import Any

from flask import url_for

from merch.api.serializers import iso, score_number
from merch.models import CorrectiveAction, ItemOverride, ItemResult, Photo, Submission
from merch.services.checklists import rule_title
from merch.services.flags import submission_flags


def photo_link(photo: Photo) -> dict[str, Any]:
    url = url_for("api.photo", photo_id=photo.id)
    return {"id": photo.id, "url": url, "thumb_url": f"{url}?size=thumb"}


def override_json(override: ItemOverride | None, submission: Submission) -> dict[str, Any] | None:
    if override is None:
        return None
    return {
        "passed": override.passed,
        "comment": override.comment,
        "by": override.user.username,
        "at": iso(override.at, submission.shop),
    }


def history_json(submission: Submission) -> list[dict[str, Any]]:
    """Every override of every item, oldest first."""
    entries = [(override, item) for item in submission.items for override in item.overrides]
    entries.sort(key=lambda pair: pair[0].id)
    return [
        {"key": item.key, **(override_json(override, submission) or {}), "credit_before": item.credit}
        for override, item in entries
    ]


def review_json(submission: Submission) -> dict[str, Any] | None:
    if submission.reviewed_at is None:
        return None
    return {
        "by": submission.reviewed_by.username if submission.reviewed_by else None,
        "at": iso(submission.reviewed_at, submission.shop),
        "comment": submission.review_comment,
        "action": submission.review_action,
    }


def action_json(action: CorrectiveAction, language: str) -> dict[str, Any]:
    shop = action.shop
    return {
        "id": action.id,
        "store": shop.code,
        "name": shop.name,
        "submission_id": action.submission_id,
        "key": action.key,
        "title": rule_title(action.item.rule_version, language),
        "comment": action.comment,
        "status": action.status,
        "opened_by": action.opened_by.username,
        "opened_at": iso(action.opened_at, shop),
        "closed_by": action.closed_by.username if action.closed_by else None,
        "closed_at": iso(action.closed_at, shop),
        "note": action.note,
        "photos": [photo_link(photo) for photo in action.photos],
        "verified_by": action.verified_by.username if action.verified_by else None,
        "verified_at": iso(action.verified_at, shop),
        "verify_comment": action.verify_comment,
    }


def supervision_fields(submission: Submission, language: str) -> dict[str, Any]:
    """What review adds to a submission's body."""
    original = submission.original_score if submission.original_score is not None else submission.score
    return {
        "original_score": score_number(original),
        "review": review_json(submission),
        "flags": submission_flags(submission),
        "actions": [action_json(action, language) for action in submission.actions],
        "history": history_json(submission),
        "submitted_by_name": submission.user.name,
    }


def item_supervision_fields(item: ItemResult, submission: Submission) -> dict[str, Any]:
    """What review adds to one item: its latest override and its result after review."""
    return {
        "override": override_json(item.latest_override, submission),
        "final_passed": item.final_passed,
        "final_credit": None if item.final_credit is None else float(item.final_credit),
    }


def list_row_json(submission: Submission) -> dict[str, Any]:
    """One row of GET /api/v1/submissions."""
    shop = submission.shop
    original = submission.original_score if submission.original_score is not None else submission.score
    return {
        "id": submission.id,
        "store": shop.code,
        "name": shop.name,
        "shift": submission.shift,
        "business_date": submission.business_date.isoformat(),
        "status": submission.status,
        "score": score_number(submission.score),
        "original_score": score_number(original),
        "late": submission.late,
        "flags": submission_flags(submission),
        "submitted_by": submission.user.username,
        "submitted_by_name": submission.user.name,
        "completed_at": iso(submission.completed_at, shop),
        "received_at": iso(submission.received_at, shop),
    }
