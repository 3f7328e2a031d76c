"""JSON shapes of api.md, built from models."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for

from merch.i18n import normalise_language
from merch.messages.localized import problem_lines
from merch.models import Photo, Shop, Submission, User
from merch.services.checklists import ChecklistStatus, rule_title
from merch.services.evidence import is_stale, visible_photo_id


def iso(moment: datetime | None, where: User | Shop | None = None) -> str | None:
    """ISO 8601 with the shop's UTC offset (api.md); admins without a shop get UTC."""
    if moment is None:
        return None
    shop = where if isinstance(where, Shop) else getattr(where, "shop", None)
    zone = ZoneInfo(shop.timezone) if shop is not None else None
    # Whole seconds: what a person reads, and what a phone sends back as completed_at.
    return rfc3339(moment.astimezone(zone) if zone else moment)


def rfc3339(moment: datetime) -> str:
    """An aware datetime in whole seconds as RFC 3339 (the schema's ``date-time``).

    Before a zone took standard time its offset is the local mean time, with seconds
    (Shanghai was +08:05:43 until 1901), which RFC 3339 cannot write: such a moment is
    written in UTC instead, the same instant.
    """
    moment = moment.replace(microsecond=0)
    offset = moment.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def score_number(score: Decimal | None) -> float | None:
    return float(score) if score is not None else None


def user_json(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "store": user.shop.code if user.shop else None,
        "area": user.area_code,
        "language": normalise_language(user.language) or (user.shop.language if user.shop else None),
    }


def checklist_json(shop: Shop, status: ChecklistStatus, versions: list[Any], language: str) -> dict[str, Any]:
    live = status.live_submission
    return {
        "store": shop.code,
        "name": shop.name,
        "shift": status.shift,
        "business_date": status.business_date.isoformat(),
        "opens_at": rfc3339(status.opens_at),
        "due_at": rfc3339(status.due_at),
        "state": status.state.value,
        "submission_id": live.id if live else None,
        "submission_status": live.status if live else (status.submission.status if status.submission else None),
        # An addition to api.md: the shop's size set, smallest first, for the size_order items.
        "sizes": list(shop.sizes),
        "items": [
            {
                "key": version.rule.key,
                "kind": version.rule.kind,
                "area": version.rule.area,
                "title": rule_title(version, language),
                "params": version.params,
                "weight": version.weight,
                "photo_required": version.photo_required,
                "allow_na": version.allow_na,
            }
            for version in versions
        ],
    }


def evidence_json(photo: Photo, viewer: User | None) -> dict[str, Any]:
    """api.md's ``evidence`` for one photo, as ``viewer`` may see it.

    Another shop's photo is named (id, store) only to callers who may see that photo:
    staff of another shop learn the date it was first used and nothing else.
    """
    submission = photo.submission
    reused = None
    earlier = photo.reused_of or photo.duplicate_of
    if earlier is not None:
        visible = visible_photo_id(earlier, viewer) is not None
        reused = {
            "photo_id": earlier.id if visible else None,
            "store": earlier.submission.shop.code if visible else None,
            "business_date": earlier.submission.business_date.isoformat(),
            "exact": earlier.sha256 == photo.sha256,
        }
    unchanged = None
    if photo.window_match is not None and photo.window_similarity is not None:
        unchanged = {
            "photo_id": visible_photo_id(photo.window_match, viewer),
            "business_date": photo.window_match.submission.business_date.isoformat(),
            "similarity": round(photo.window_similarity, 3),
        }
    return {
        "taken_at": iso(photo.captured_at, submission.shop),
        "taken_before_window": photo.taken_before_window,
        "stale": is_stale(photo.captured_at, submission.completed_at),
        "reused": reused,
        "window_unchanged": unchanged,
    }


def photo_json(photo: Photo, viewer: User | None = None) -> dict[str, Any]:
    """A photo reference; ids of other photos only as far as ``viewer`` may see them."""
    url = url_for("api.photo", photo_id=photo.id)
    return {
        "id": photo.id,
        "url": url,
        "thumb_url": f"{url}?size=thumb",
        "area": photo.area,
        "sha256": photo.sha256,
        "captured_at": iso(photo.captured_at, photo.submission.shop),
        "duplicate_of": visible_photo_id(photo.duplicate_of, viewer),
        "taken_before_window": photo.taken_before_window,
        "evidence": evidence_json(photo, viewer),
    }


def submission_json(submission: Submission, language: str, viewer: User | None = None) -> dict[str, Any]:
    """A submission as api.md writes it; evidence names other photos only to ``viewer``
    as far as they may see them (no viewer: to nobody)."""
    from merch.api.supervision_json import item_supervision_fields, supervision_fields

    shop = submission.shop
    by_area: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for photo in submission.photos:
        by_area[photo.area].append(photo_json(photo, viewer))
    items = []
    for item in submission.items:
        problems = problem_lines(item)
        items.append(
            {
                "key": item.key,
                "kind": item.kind,
                "area": item.area,
                "title": rule_title(item.rule_version, language),
                "params": item.params,
                "weight": item.weight,
                "rule_version": item.rule_version.version,
                "photo_required": item.photo_required,
                "answer": item.answer,
                "passed": item.passed,
                "not_applicable": item.not_applicable,
                "credit": item.credit,
                "reason": "\n".join(problems) if problems else None,
                "problems": problems,
                "photos": by_area.get(item.area, []),
                **item_supervision_fields(item, submission),
            }
        )
    return {
        "id": submission.id,
        "store": shop.code,
        "shift": submission.shift,
        "business_date": submission.business_date.isoformat(),
        "status": submission.status,
        "late": submission.late,
        "submitted_by": submission.user.username,
        "completed_at": iso(submission.completed_at, shop),
        "received_at": iso(submission.received_at, shop),
        "due_at": iso(submission.due_at, shop),
        "score": score_number(submission.score),
        "items": items,
        "photos": dict(by_area),
        **supervision_fields(submission, language),
    }
