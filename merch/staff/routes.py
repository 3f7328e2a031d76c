"""Home, the checklist form and the result page."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from merch.api.parsing import MAX_ID
from merch.clock import utcnow
from merch.database import reading
from merch.extensions import db
from merch.i18n.request import current_language
from merch.messages.localized import problem_lines, refusal
from merch.models import Role, Submission
from merch.rulebook import AREAS, SHIFTS
from merch.services.accounts import can_view_submission
from merch.services.actions import shop_open_actions
from merch.services.checklists import (
    ChecklistStatus,
    checklist_status,
    day_statuses,
    load_submission,
    rule_title,
    rule_versions_for,
    shop_today,
)
from merch.services.sendback import awaits_resubmission, pending_resubmissions
from merch.services.submission_list import recent_submissions
from merch.services.submissions import (
    BadPhotoField,
    Limits,
    SubmissionRefused,
    SubmissionRequest,
    photos_from_files,
    submit_checklist,
)
from merch.staff import bp
from merch.staff.forms import ChecklistForm, answers_from_form
from merch.storage import storage_for

RECENT_LIMIT = 50


def _staff_shop() -> Any:
    if current_user.role != Role.STAFF or current_user.shop is None:
        abort(403)
    return current_user.shop


@bp.get("/")
@login_required
def home() -> Any:
    """Staff: today's two checklists. Supervisors and admins: recent submissions in scope."""
    now = utcnow()
    if current_user.role == Role.STAFF:
        shop = _staff_shop()
        today = shop_today(shop, now)
        recent = db.session.scalars(
            select(Submission)
            .where(Submission.shop_id == shop.id)
            .order_by(Submission.business_date.desc(), Submission.id.desc())
            .limit(10)
        ).all()
        return render_template(
            "staff/home.html",
            shop=shop,
            today=today,
            statuses=day_statuses(shop, today, now),
            recent=recent,
            sent_back=pending_resubmissions(shop),
            actions=shop_open_actions(shop),
        )
    recent = recent_submissions(current_user._get_current_object(), RECENT_LIMIT)
    return render_template("staff/overview.html", recent=recent)


def _redo_date() -> date | None:
    """The business date of a sent-back checklist being redone (``?date=``), else None."""
    raw = request.args.get("date", "")
    try:
        return date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def _todays_status(shift: str) -> ChecklistStatus:
    """Today's checklist, or the sent-back one of ``?date=`` that the shop may redo."""
    shop = _staff_shop()
    now = utcnow()
    day = _redo_date()
    if day is not None and awaits_resubmission(shop, shift, day):
        return checklist_status(shop, shift, day, now)
    return checklist_status(shop, shift, shop_today(shop, now), now)


def _render_checklist(
    shift: str,
    form: ChecklistForm,
    values: MultiDict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Any:
    shop = _staff_shop()
    status = _todays_status(shift)
    versions = rule_versions_for(shift)
    language = current_language()
    sections = [
        (
            area,
            [(version, rule_title(version, language)) for version in versions if version.rule.area == area],
        )
        for area in AREAS
    ]
    sections = [(area, cards) for area, cards in sections if cards]
    photo_areas = {version.rule.area for version in versions if version.photo_required}
    return (
        render_template(
            "staff/checklist.html",
            shop=shop,
            shift=shift,
            status=status,
            sections=sections,
            photo_areas=photo_areas,
            form=form,
            values=values,
            errors=errors,
            server_now=utcnow().astimezone(status.opens_at.tzinfo),
        ),
        status_code,
    )


@bp.get("/checklist/<shift>")
@login_required
def checklist(shift: str) -> Any:
    """The checklist form, or the result if this checklist is already in."""
    if shift not in SHIFTS:
        abort(404)
    status = _todays_status(shift)
    if status.live_submission is not None:
        return redirect(url_for("staff.submission", submission_id=status.live_submission.id))
    form = ChecklistForm()
    form.idempotency_key.data = str(uuid.uuid4())
    return _render_checklist(shift, form, MultiDict(), {})


def _error_target(field: str | None, versions: list[Any]) -> str:
    """Which card an error belongs on: a rule key, ``photo.<area>``, or the whole form."""
    if not field:
        return "form"
    if field.startswith("answers."):
        return field.split(".")[1].split("[")[0]
    if field.startswith("photo."):
        target = field[len("photo.") :]
        areas = {version.rule.key: version.rule.area for version in versions}
        return f"photo.{areas.get(target, target)}"
    return "form"


@bp.post("/checklist/<shift>")
@login_required
def submit(shift: str) -> Any:
    """Submit the checklist page; with fetch() the answer is JSON so the page keeps its photos."""
    if shift not in SHIFTS:
        abort(404)
    with reading():  # no write lock until the checklist's own writes
        _staff_shop()  # staff only: others get 403 before anything is read
        versions = rule_versions_for(shift)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = ChecklistForm()
    errors: dict[str, str] = {}
    status_code = 422
    if not form.validate_on_submit():
        # Either the CSRF token or the hidden key was missing or altered: reload the page.
        errors["form"] = refusal("csrf_failed" if form.csrf_token.errors else "bad_request")
        status_code = 400
    else:
        answers = answers_from_form(request.form, versions)
        status = _todays_status(shift)
        redo_day = (
            status.business_date.isoformat()
            if status.submission is not None and status.live_submission is None
            else None
        )
        try:
            files = ((name, storage.stream) for name, storage in request.files.items(multi=True))
            photos = photos_from_files(files, current_app.config["MAX_PHOTO_BYTES"])
            outcome = submit_checklist(
                SubmissionRequest(
                    user=current_user._get_current_object(),
                    shift=shift,
                    answers=answers,
                    idempotency_key=form.idempotency_key.data or "",
                    received_at=utcnow(),
                    payload={"shift": shift, "answers": answers, "business_date": redo_day},
                    photos=photos,
                    business_date=redo_day,
                ),
                Limits.from_config(current_app.config),
                storage_for(current_app),
            )
        except BadPhotoField:
            errors["form"] = refusal("bad_request")
            status_code = 400
        except SubmissionRefused as refused:
            status_code = refused.status
            target = _error_target(refused.field, versions)
            errors[target] = refusal(refused.code, refused.params)
            if refused.code == "already_submitted":
                live = _todays_status(shift).live_submission
                if live is not None:
                    target_url = url_for("staff.submission", submission_id=live.id)
                    if wants_json:
                        return jsonify({"redirect": target_url, "errors": errors}), 409
                    return redirect(target_url)
        else:
            with reading():
                target_url = url_for("staff.submission", submission_id=outcome.submission.id)
            if wants_json:
                return jsonify({"redirect": target_url})
            return redirect(target_url, code=303)
    if wants_json:
        return jsonify({"errors": errors}), status_code
    return _render_checklist(shift, form, request.form, errors, status_code)


@bp.get(f"/submissions/<int(max={MAX_ID}):submission_id>")
@login_required
def submission(submission_id: int) -> Any:
    """A submission's score, every item with its reason, and the photos."""
    record = load_submission(submission_id)
    if record is None or not can_view_submission(current_user, record):
        abort(404)
    language = current_language()
    items = [(item, rule_title(item.rule_version, language), problem_lines(item)) for item in record.items]
    photos_by_area: dict[str, list[Any]] = {}
    for photo in record.photos:
        photos_by_area.setdefault(photo.area, []).append(photo)
    return render_template("staff/submission.html", submission=record, items=items, photos_by_area=photos_by_area)
