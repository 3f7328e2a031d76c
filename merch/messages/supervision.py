"""Refusals of supervision requests (review, corrective actions, visits), in plain words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Gettext = Callable[[str], str]

# Review and action refusals carry ``reason`` (one of these) in their params.
REASONS = frozenset(
    {
        "bad_passed",
        "bad_comment",
        "bad_key",
        "item_passes",
        "sent_back_final",
        "action_not_open",
        "action_not_closed",
        "note_required",
        "photo_required",
    }
)


def supervision_message(reason: str, params: dict[str, Any], gettext: Gettext) -> str:
    """The sentence for a refused review, close or verify."""
    number = params.get("n", "")
    if reason == "bad_passed":
        return gettext("Item %(n)s: say whether it passes (true or false).") % {"n": number}
    if reason == "bad_comment":
        return gettext("The comment must be text.")
    if reason == "bad_key":
        return gettext("Item %(n)s: name the item by its key.") % {"n": number}
    if reason == "item_passes":
        return gettext("“%(key)s” passes: a corrective action is only for a failing item.") % {
            "key": params.get("key", "")
        }
    if reason == "sent_back_final":
        return gettext("This checklist was sent back: the shop's new submission is reviewed instead.")
    if reason == "action_not_open":
        return gettext("This action is not open: it was already closed.")
    if reason == "action_not_closed":
        return gettext("Only a closed action can be verified or reopened.")
    if reason == "note_required":
        return gettext("Write a note saying what was done.")
    if reason == "photo_required":
        return gettext("Add at least one photo of the corrected display.")
    return gettext("The request is not in the expected form.")
