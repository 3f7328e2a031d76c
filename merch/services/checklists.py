"""Reading checklists: which rules a shift asks, and where a shop's checklist stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from merch.checklists import (
    ChecklistState,
    ShopHours,
    SubmissionFacts,
    business_date_of,
    checklist_state,
    due_at,
    minutes_until,
    window_opens_at,
)
from merch.extensions import db
from merch.models import (
    SENT_BACK,
    CorrectiveAction,
    ItemOverride,
    ItemResult,
    Photo,
    RuleVersion,
    Shop,
    Submission,
    current_versions_query,
)
from merch.rulebook import SHIFTS, render_title


def shop_hours(shop: Shop) -> ShopHours:
    """The schedule facts of a shop."""
    return ShopHours(
        timezone=shop.timezone,
        opens_at=shop.opens_at,
        closes_at=shop.closes_at,
        opened_on=shop.opened_on,
        active=shop.active,
        closed_on=shop.closed_on,
    )


def shop_today(shop: Shop, now: datetime) -> date:
    """The shop's business date at ``now``."""
    return business_date_of(now, shop.timezone)


def rule_versions_for(shift: str) -> list[RuleVersion]:
    """The current version of every rule on ``shift``'s checklist, in display order.

    One query, rules included: the count does not grow with the rulebook.
    """
    versions = db.session.scalars(current_versions_query().options(contains_eager(RuleVersion.rule))).all()
    return [version for version in versions if shift in version.shifts]


def rule_title(version: RuleVersion, language: str) -> str:
    """A rule's title in plain words with its current numbers."""
    return render_title(version.title(language), version.params)


def load_submission(submission_id: int) -> Submission | None:
    """A submission with everything its page or JSON shows, in a fixed number of queries."""
    return (
        db.session.scalars(
            select(Submission)
            .where(Submission.id == submission_id)
            .options(
                selectinload(Submission.items).selectinload(ItemResult.rule_version).selectinload(RuleVersion.rule),
                # Overrides and actions ride in joins (few rows), not statements of their own.
                selectinload(Submission.items).joinedload(ItemResult.overrides).joinedload(ItemOverride.user),
                # The earlier photos evidence points at, with their submission and shop,
                # joined into the photos' own statement: the count is the same whether
                # or not anything matched.
                *(
                    selectinload(Submission.photos)
                    .joinedload(earlier)
                    .joinedload(Photo.submission)
                    .joinedload(Submission.shop)
                    for earlier in (Photo.reused_of, Photo.duplicate_of, Photo.window_match)
                ),
                joinedload(Submission.actions).selectinload(CorrectiveAction.photos),
                joinedload(Submission.actions).joinedload(CorrectiveAction.opened_by),
                joinedload(Submission.actions).joinedload(CorrectiveAction.closed_by),
                joinedload(Submission.actions).joinedload(CorrectiveAction.verified_by),
                joinedload(Submission.shop),
                joinedload(Submission.user),
                joinedload(Submission.reviewed_by),
            )
        )
        .unique()
        .first()
    )


def latest_submission(shop_id: int, shift: str, day: date) -> Submission | None:
    """The live submission of a checklist, else its latest sent-back one, else None."""
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.shop_id == shop_id,
            Submission.shift == shift,
            Submission.business_date == day,
        )
        .order_by((Submission.status == SENT_BACK).asc(), Submission.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class ChecklistStatus:
    """One checklist of one shop and date, as the home page and API show it."""

    shift: str
    business_date: date
    opens_at: datetime
    due_at: datetime
    state: ChecklistState
    submission: Submission | None
    # Whole minutes from the moment the status was read until the window opens and until
    # it falls due (0 once passed), for "opens 09:00, in 5 h 40 min".
    minutes_to_open: int = 0
    minutes_to_due: int = 0

    @property
    def live_submission(self) -> Submission | None:
        """The submission that counts, None if none or sent back."""
        if self.submission is None or self.submission.status == SENT_BACK:
            return None
        return self.submission

    @property
    def can_submit(self) -> bool:
        """Whether the shop may fill this checklist in now."""
        return self.live_submission is None and self.state not in (
            ChecklistState.NONE,
            ChecklistState.NOT_OPEN_YET,
        )


def checklist_status(shop: Shop, shift: str, day: date, now: datetime) -> ChecklistStatus:
    """Where one checklist stands at ``now``."""
    hours = shop_hours(shop)
    submission = latest_submission(shop.id, shift, day)
    facts = (
        SubmissionFacts(late=submission.late, sent_back=submission.status == SENT_BACK)
        if submission is not None
        else None
    )
    zone = hours.zone
    opens = window_opens_at(hours, shift, day)
    due = due_at(hours, shift, day)
    return ChecklistStatus(
        shift=shift,
        business_date=day,
        opens_at=opens.astimezone(zone),
        due_at=due.astimezone(zone),
        state=checklist_state(hours, shift, day, now, facts),
        submission=submission,
        minutes_to_open=minutes_until(now, opens),
        minutes_to_due=minutes_until(now, due),
    )


def day_statuses(shop: Shop, day: date, now: datetime) -> list[ChecklistStatus]:
    """Both checklists of a business date."""
    return [checklist_status(shop, shift, day, now) for shift in SHIFTS]
