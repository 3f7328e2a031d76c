"""The rule editor: reading the rulebook, changing a rule as a new version, its history, a preview.

Every change adds a version (who, when) and an audit entry in the same transaction; the
caller commits. Stored items point at the version they were scored with and keep copies
of its numbers, so no change ever moves an old score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from merch.extensions import db
from merch.messages.refusals import Refused
from merch.models import SENT_BACK, ItemResult, Rule, RuleVersion, Submission, User
from merch.scoring import InvalidAnswer, ScoringContext, score_item, submission_score, validate_answer
from merch.scoring.params import InvalidRule, apply_change
from merch.services.audit import record_change
from merch.services.submissions import last_window_change


class RuleRefused(Refused):
    """A rule change the contract refuses (422 invalid_answer naming the field)."""


def rulebook() -> list[RuleVersion]:
    """The newest version of every rule, switched off ones too, in display order."""
    latest = (
        select(RuleVersion.rule_id, func.max(RuleVersion.version).label("version"))
        .group_by(RuleVersion.rule_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(RuleVersion)
            .join(latest, (RuleVersion.rule_id == latest.c.rule_id) & (RuleVersion.version == latest.c.version))
            .join(Rule, Rule.id == RuleVersion.rule_id)
            .options(joinedload(RuleVersion.rule), joinedload(RuleVersion.created_by))
            .order_by(Rule.position, Rule.id)
        )
    )


def current_version(key: str) -> RuleVersion | None:
    """The newest version of the rule ``key``, or None."""
    return db.session.scalar(
        select(RuleVersion)
        .join(Rule, Rule.id == RuleVersion.rule_id)
        .where(Rule.key == key)
        .options(joinedload(RuleVersion.rule))
        .order_by(RuleVersion.version.desc())
        .limit(1)
    )


def rule_state(version: RuleVersion) -> dict[str, Any]:
    """A version's editable fields, as the API and the audit log show them."""
    rule = version.rule
    return {
        "area": rule.area,
        "shifts": list(version.shifts),
        "titles": dict(version.titles),
        "params": dict(version.params),
        "weight": version.weight,
        "photo_required": version.photo_required,
        "allow_na": version.allow_na,
        "active": rule.active,
    }


def proposed_state(key: str, change: Any) -> tuple[str, dict[str, Any], RuleVersion | None]:
    """The kind and complete state ``change`` would give the rule, checked; nothing is saved."""
    current = current_version(key)
    try:
        kind, state = apply_change(
            key,
            current.rule.kind if current else None,
            rule_state(current) if current else None,
            change,
        )
    except InvalidRule as error:
        raise RuleRefused(422, "invalid_answer", error.field or None, rule_error=error) from None
    return kind, state, current


def save_rule(key: str, change: Any, actor: User, now: datetime) -> tuple[RuleVersion, bool]:
    """Apply an admin's change as a new version; returns it and whether anything changed.

    A change that alters nothing adds no version. A new key with ``kind`` and every field
    creates the rule, placed after the other rules of its area.
    """
    kind, state, current = proposed_state(key, change)
    before = rule_state(current) if current else None
    if current is not None and before == state:
        return current, False
    if current is None:
        rule = Rule(key=key, area=state["area"], kind=kind, position=_new_position(state["area"]))
        db.session.add(rule)
        number = 1
    else:
        rule = current.rule
        number = current.version + 1
    rule.area = state["area"]
    rule.active = state["active"]
    version = RuleVersion(
        rule=rule,
        version=number,
        params=state["params"],
        weight=state["weight"],
        photo_required=state["photo_required"],
        shifts=state["shifts"],
        titles=state["titles"],
        allow_na=state["allow_na"],
        created_at=now,
        created_by=actor,
    )
    db.session.add(version)
    record_change(
        actor=actor,
        action="rule.create" if current is None else "rule.update",
        target_type="rule",
        target=key,
        before=None if before is None else {**before, "version": current.version if current else None},
        after={**state, "kind": kind, "version": number},
        now=now,
    )
    db.session.flush()
    return version, True


SAVE_ATTEMPTS = 3


def save_rule_and_commit(key: str, change: Any, actor: User, now: datetime) -> tuple[RuleVersion, bool]:
    """``save_rule`` in its own transaction, committed.

    Two admins saving the same rule at once both reach for the next version number; the
    unique (rule, version) index stops the second, which then re-reads and applies its
    change on top of the first instead of failing.
    """
    for attempt in range(SAVE_ATTEMPTS):
        try:
            saved = save_rule(key, change, actor, now)
            db.session.commit()
            return saved
        except IntegrityError:
            db.session.rollback()
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _new_position(area: str) -> int:
    """After the last rule of ``area`` (or at the end); later rules move down one."""
    last = db.session.scalar(select(func.max(Rule.position)).where(Rule.area == area))
    if last is None:
        return (db.session.scalar(select(func.max(Rule.position))) or 0) + 1
    for rule in db.session.scalars(select(Rule).where(Rule.position > last)):
        rule.position += 1
    return last + 1


@dataclass(frozen=True)
class VersionHistory:
    """One version of a rule with how many submitted items were scored with it."""

    version: RuleVersion
    items_scored: int


def rule_history(key: str) -> list[VersionHistory] | None:
    """Every version of a rule, newest first, with its creator and use; None for no such rule."""
    rule = db.session.scalar(select(Rule).where(Rule.key == key))
    if rule is None:
        return None
    versions = db.session.scalars(
        select(RuleVersion)
        .where(RuleVersion.rule_id == rule.id)
        .options(joinedload(RuleVersion.created_by))
        .order_by(RuleVersion.version.desc())
    ).all()
    counts: dict[int, int] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(ItemResult.rule_version_id, func.count(ItemResult.id))
            .where(ItemResult.rule_version_id.in_([version.id for version in versions]))
            .group_by(ItemResult.rule_version_id)
        ).all()
    )
    return [VersionHistory(version, int(counts.get(version.id, 0))) for version in versions]


@dataclass(frozen=True)
class PreviewRow:
    """One stored checklist re-scored under a proposed change (nothing is saved)."""

    submission: Submission
    # The automatic score as stored (before any review), and under the change.
    score_before: Decimal | None
    score_after: Decimal | None
    passed_before: bool
    passed_after: bool


def preview_change(key: str, state: dict[str, Any], kind: str, day: date) -> list[PreviewRow]:
    """How the checklists of business date ``day`` that scored this rule would score under ``state``.

    The stored answers are re-scored with the pure scoring functions and the proposed
    params, weight, photo requirement and N/A allowance; every other item keeps its
    stored credit. Both scores are automatic ones (a reviewer's overrides aside).
    """
    submissions = db.session.scalars(
        select(Submission)
        .join(ItemResult, ItemResult.submission_id == Submission.id)
        .where(Submission.business_date == day, Submission.status != SENT_BACK, ItemResult.key == key)
        .options(selectinload(Submission.items), joinedload(Submission.shop))
        .order_by(Submission.id)
    ).all()
    rows = []
    for submission in submissions:
        before: list[tuple[int | float, Fraction | None]] = []
        after: list[tuple[int | float, Fraction | None]] = []
        passed_before = passed_after = True
        for item in submission.items:
            before.append((item.weight, item.score_credit))
            if item.key != key:
                after.append((item.weight, item.score_credit))
                continue
            passed_before = item.passed
            credit, passed_after = _rescored(item, submission, kind, state)
            after.append((state["weight"], credit))
        rows.append(
            PreviewRow(
                submission=submission,
                score_before=submission_score(before),
                score_after=submission_score(after),
                passed_before=passed_before,
                passed_after=passed_after,
            )
        )
    return rows


def _rescored(
    item: ItemResult, submission: Submission, kind: str, state: dict[str, Any]
) -> tuple[Fraction | None, bool]:
    """An item's credit (None: N/A) and pass under the proposed state."""
    has_photo = any(photo.area == item.area for photo in submission.photos)
    last_change = (
        last_window_change(submission.shop_id, item.key, submission.business_date) if kind == "refresh" else None
    )
    try:
        answer = validate_answer(kind, item.answer, state["allow_na"], submission.shop.sizes)
    except InvalidAnswer:
        # An N/A the change no longer allows would be refused today; the preview counts it 0.
        return Fraction(0), False
    outcome = score_item(
        kind,
        state["params"],
        answer,
        photo_required=state["photo_required"],
        has_photo=has_photo,
        context=ScoringContext(
            business_date=submission.business_date,
            last_window_change=last_change,
            area=state["area"],
            size_set=submission.shop.sizes,
        ),
    )
    return outcome.score_credit, outcome.passed


def yesterday(today: date) -> date:
    """The business date a preview looks at by default."""
    return today - timedelta(days=1)
