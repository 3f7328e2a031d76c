"""The review queue and the review page."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from merch.api.parsing import MAX_ID
from merch.clock import utcnow
from merch.extensions import db
from merch.i18n.request import current_language
from merch.messages.localized import problem_lines, refusal
from merch.messages.refusals import Refused
from merch.services.accounts import can_view_submission
from merch.services.checklists import load_submission, rule_title
from merch.services.evidence import shown_matches
from merch.services.flags import submission_flags
from merch.services.listing import ListFilters, list_submissions
from merch.services.review import (
    REVIEW_ACTIONS,
    ActionRequest,
    ItemDecision,
    ReviewRequest,
    previous_area_photos,
    review_submission,
)
from merch.supervise import bp
from merch.supervise.access import me, supervisor_required

QUEUE_LIMIT = 100


@bp.get("/")
@supervisor_required
def queue() -> Any:
    """What needs a look first; clean checklists folded into one line."""
    user = me()
    needs = list_submissions(user, ListFilters(needs_review=True), QUEUE_LIMIT, None).submissions
    pending = list_submissions(user, ListFilters(status="submitted"), QUEUE_LIMIT, None).submissions
    clean = [row for row in pending if not submission_flags(row)]
    recent = list_submissions(user, ListFilters(), 30, None).submissions
    return render_template(
        "supervise/queue.html",
        needs=[(row, submission_flags(row)) for row in needs],
        clean=clean,
        recent=recent,
    )


@bp.post("/reviewed")
@supervisor_required
def mark_clean_reviewed() -> Any:
    """Mark the listed clean checklists reviewed together."""
    user = me()
    now = utcnow()
    count = 0
    for raw in request.form.getlist("submission"):
        if not raw.isdigit() or int(raw) > MAX_ID:
            continue
        submission = load_submission(int(raw))
        if submission is None or not can_view_submission(user, submission) or submission.status != "submitted":
            continue
        if submission_flags(submission):
            continue  # only clean ones go through without a look
        review_submission(submission, user, ReviewRequest("reviewed", "", [], []), now)
        count += 1
    db.session.commit()
    flash(_("%(n)s checklists marked reviewed.", n=count), "info")
    return redirect(url_for("supervise.queue"), code=303)


def _found(submission_id: int) -> Any:
    submission = load_submission(submission_id)
    if submission is None or not can_view_submission(me(), submission):
        abort(404)
    return submission


def _render(submission: Any, errors: dict[str, str], values: MultiDict[str, str], status: int = 200) -> Any:
    language = current_language()
    photos: dict[str, list[Any]] = {}
    for photo in submission.photos:
        photos.setdefault(photo.area, []).append(photo)
    items = [
        {
            "item": item,
            "title": rule_title(item.rule_version, language),
            "problems": problem_lines(item),
            "photos": photos.get(item.area, []),
        }
        for item in submission.items
    ]
    areas_seen: list[str] = []
    for entry in items:
        entry["first_of_area"] = entry["item"].area not in areas_seen
        areas_seen.append(entry["item"].area)
    history = sorted(
        ((override, item) for item in submission.items for override in item.overrides), key=lambda pair: pair[0].id
    )
    return (
        render_template(
            "supervise/review.html",
            submission=submission,
            items=items,
            previous=previous_area_photos(submission),
            matches={photo.id: shown_matches(photo, me()) for photo in submission.photos},
            flags=submission_flags(submission),
            history=history,
            errors=errors,
            values=values,
        ),
        status,
    )


@bp.get(f"/submissions/<int(max={MAX_ID}):submission_id>")
@supervisor_required
def review_page(submission_id: int) -> Any:
    return _render(_found(submission_id), {}, MultiDict())


def review_from_form(form: MultiDict[str, str], keys: list[str]) -> ReviewRequest:
    """The review page's form as a ReviewRequest: per item keep / pass / fail and an action."""
    action = form.get("action", "")
    items = []
    actions = []
    for key in keys:
        choice = form.get(f"result.{key}", "keep")
        comment = form.get(f"comment.{key}", "").strip()
        if choice in ("pass", "fail"):
            items.append(ItemDecision(key, choice == "pass", comment))
        if form.get(f"open_action.{key}"):
            actions.append(ActionRequest(key, form.get(f"action_comment.{key}", "").strip() or comment))
    return ReviewRequest(action if action in REVIEW_ACTIONS else "", form.get("comment", "").strip(), items, actions)


@bp.post(f"/submissions/<int(max={MAX_ID}):submission_id>")
@supervisor_required
def review_submit(submission_id: int) -> Any:
    submission = _found(submission_id)
    review = review_from_form(request.form, [item.key for item in submission.items])
    if not review.action:
        return _render(submission, {"form": refusal("bad_request")}, request.form, 400)
    try:
        review_submission(submission, me(), review, utcnow())
    except Refused as refused:
        db.session.rollback()
        field = refused.field or "form"
        target = field.split("[")[0] if field.startswith(("items", "actions")) else "form"
        errors = {target: refusal(refused.code, refused.params)}
        if target != "form":
            index = int(field.split("[")[1].split("]")[0])
            key = (review.items if target == "items" else review.actions)[index].key
            errors = {key: errors[target]}
        return _render(_found(submission_id), errors, request.form, refused.status)
    db.session.commit()
    if review.action == "sent_back":
        flash(_("Sent back to the shop."), "info")
    else:
        flash(_("Marked reviewed."), "info")
    return redirect(url_for("supervise.review_page", submission_id=submission_id), code=303)
