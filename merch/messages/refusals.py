"""Refused requests: the exception services raise, and its sentence in the reader's language.

No Flask here: services raise ``Refused``, the API answers it as api.md's error body and
the pages show its message next to the field. Messages take plain gettext/ngettext
functions; placeholders are named and filled here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.messages.reasons import render_invalid
from merch.messages.rule_errors import render_rule_error
from merch.messages.supervision import REASONS as SUPERVISION_REASONS
from merch.messages.supervision import supervision_message
from merch.scoring import InvalidAnswer
from merch.scoring.params import InvalidRule

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


class Refused(Exception):
    """A refusal: HTTP status, contract code, field at fault; ``params`` fill the message."""

    def __init__(self, status: int, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.field = field
        self.params = params
        # Every problem found in the request, this one first, when there were several
        # (the submission call lists them all: api.md, "errors").
        self.every: tuple[Refused, ...] = ()


def refusal_message(code: str, params: dict[str, Any], gettext: Gettext, ngettext: Ngettext) -> str:
    """The sentence that tells a user what was wrong and what to do."""
    if params.get("reason") in SUPERVISION_REASONS:
        return supervision_message(params["reason"], params, gettext)
    if code == "invalid_answer" and isinstance(params.get("problem"), InvalidAnswer):
        return render_invalid(params["problem"], gettext, ngettext)
    if code == "invalid_answer" and isinstance(params.get("rule_error"), InvalidRule):
        return render_rule_error(params["rule_error"], gettext, ngettext)
    if code == "unknown_item":
        return gettext("“%(key)s” is not on this checklist.") % {"key": params.get("key", "")}
    if code == "payload_too_large":
        if "decoded_megapixels" in params:
            budget = gettext("These photos have too many pixels together: at most %(decoded_megapixels)s megapixels.")
            return budget % params
        if "megabytes" in params:
            return gettext("A photo is larger than %(megabytes)s MB.") % params
        if "limit" in params:
            return gettext("Too many photos: at most %(limit)s per checklist.") % params
        return gettext("The upload is too large: at most 60 MB in all.")
    if code == "unsupported_media_type":
        return gettext("This file is not a photo we can read: send a JPEG, PNG, WebP or HEIC picture.")
    if code == "image_too_large":
        if "scans" in params:
            passes = gettext(
                "This photo is saved in too many passes (%(scans)s, at most %(limit)s): save it as a plain JPEG."
            )
            return passes % params
        return gettext("This photo has too many pixels: at most 50 megapixels.")
    if code == "idempotency_key_reused":
        return gettext("This Idempotency-Key was already used for a different checklist.")
    if code == "invalid_date":
        return gettext(
            "The date or time is not accepted: a checklist is for today or yesterday, "
            "completed on its own date within the last 24 hours."
        )
    if code == "too_early":
        opens = params.get("opens_at")
        when = opens.strftime("%H:%M") if opens is not None else ""
        return gettext("This checklist cannot be done yet: it opens at %(time)s.") % {"time": when}
    if code == "already_submitted":
        return gettext("This checklist has already been submitted.")
    if code == "forbidden":
        return gettext("Your role may not do this.")
    if code == "not_found":
        return gettext("Not found.")
    if code == "unauthorized":
        return gettext("Sign in first.")
    if code == "invalid_credentials":
        return gettext("Wrong username or password.")
    if code == "csrf_failed":
        return gettext("The page had expired. Reload it and try again.")
    if code == "method_not_allowed":
        return gettext("This method is not allowed here.")
    if code == "too_many_requests":
        return gettext("Too many attempts. Wait a moment and try again.")
    if code == "service_unavailable":
        return gettext("The server is busy. Nothing was saved: try again in a few seconds.")
    if code == "bad_request":
        detail = params.get("detail")
        return detail if isinstance(detail, str) else gettext("The request is not in the expected form.")
    return gettext("Something went wrong on our side. Your work was not saved; try again.")
