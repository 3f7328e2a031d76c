"""Checklist timing: business dates, time windows, due times and states (no Flask)."""

from merch.checklists.schedule import (
    ChecklistState,
    ShopHours,
    SubmissionFacts,
    business_date_of,
    checklist_state,
    day_ends_at,
    due_at,
    minutes_until,
    open_for_business,
    shift_starts_at,
    window_opens_at,
)

__all__ = [
    "ChecklistState",
    "ShopHours",
    "SubmissionFacts",
    "business_date_of",
    "checklist_state",
    "day_ends_at",
    "due_at",
    "minutes_until",
    "open_for_business",
    "shift_starts_at",
    "window_opens_at",
]
