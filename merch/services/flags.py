"""What a reviewer should look at in a submission (api.md, "Evidence": ``flags``).

Read from the loaded submission (items, their overrides and photos), so a list of
submissions loaded with ``selectinload`` costs no query per row.
"""

from __future__ import annotations

from datetime import timedelta

from merch.models import Submission
from merch.services.evidence import evidence_flags

DELAYED_UPLOAD = timedelta(minutes=30)

# The order flags are listed in.
FLAG_ORDER = ("reused_photo", "stale_photo", "window_unchanged", "late", "delayed_upload", "failed_items")


def submission_flags(submission: Submission, failed_items: bool | None = None) -> list[str]:
    """The submission's flags, in ``FLAG_ORDER``.

    ``failed_items``: whether an item fails after review, when the caller has read it
    already (the board asks SQL, sparing the items' loading); None reads the items.
    """
    # reused_photo, stale_photo, window_unchanged: from the photos' evidence.
    flags: set[str] = evidence_flags(submission)
    if submission.late:
        flags.add("late")
    if submission.received_at - submission.completed_at > DELAYED_UPLOAD:
        flags.add("delayed_upload")
    if failed_items is None:
        failed_items = any(not item.final_passed for item in submission.items)
    if failed_items:
        flags.add("failed_items")
    return [flag for flag in FLAG_ORDER if flag in flags]
