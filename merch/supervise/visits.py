"""A supervisor's visit (巡場) to a shop of their area: the visit checklist on the spot."""

from __future__ import annotations

import uuid
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from merch.clock import utcnow
from merch.i18n.request import current_language
from merch.messages.localized import refusal
from merch.models import VISIT, Role
from merch.rulebook import AREAS
from merch.services.checklists import rule_title, rule_versions_for, shop_today
from merch.services.submissions import (
    BadPhotoField,
    Limits,
    SubmissionRefused,
    SubmissionRequest,
    photos_from_files,
    submit_checklist,
)
from merch.services.visits import shop_visits, visit_shop, visit_status
from merch.staff.forms import ChecklistForm, answers_from_form
from merch.storage import storage_for
from merch.supervise import bp
from merch.supervise.access import me, supervisor_required


def _shop(store: str) -> Any:
    if me().role != Role.SUPERVISOR:
        abort(403)  # visits are the area supervisor's own
    shop = visit_shop(me(), store)
    if shop is None:
        abort(404)
    return shop


def _render(
    store: str, form: ChecklistForm, values: MultiDict[str, str], errors: dict[str, str], code: int = 200
) -> Any:
    shop = _shop(store)
    versions = rule_versions_for(VISIT)
    language = current_language()
    areas = list(AREAS) + sorted({v.rule.area for v in versions} - set(AREAS))
    sections = [(area, [(v, rule_title(v, language)) for v in versions if v.rule.area == area]) for area in areas]
    sections = [(area, cards) for area, cards in sections if cards]
    return (
        render_template(
            "supervise/visit.html",
            shop=shop,
            status=visit_status(shop, shop_today(shop, utcnow())),
            sections=sections,
            photo_areas={v.rule.area for v in versions if v.photo_required},
            form=form,
            values=values,
            errors=errors,
            visits=shop_visits(shop.id),
        ),
        code,
    )


@bp.get("/visit/<store>")
@supervisor_required
def visit(store: str) -> Any:
    form = ChecklistForm()
    form.idempotency_key.data = str(uuid.uuid4())
    return _render(store, form, MultiDict(), {})


@bp.post("/visit/<store>")
@supervisor_required
def visit_submit(store: str) -> Any:
    shop = _shop(store)
    form = ChecklistForm()
    if not form.validate_on_submit():
        errors = {"form": refusal("csrf_failed" if form.csrf_token.errors else "bad_request")}
        return _render(store, form, request.form, errors, 400)
    versions = rule_versions_for(VISIT)
    answers = answers_from_form(request.form, versions)
    try:
        files = ((name, storage.stream) for name, storage in request.files.items(multi=True))
        photos = photos_from_files(files, current_app.config["MAX_PHOTO_BYTES"])
        outcome = submit_checklist(
            SubmissionRequest(
                user=me(),
                shift=VISIT,
                answers=answers,
                idempotency_key=form.idempotency_key.data or "",
                received_at=utcnow(),
                payload={"shift": VISIT, "store": shop.code, "answers": answers},
                photos=photos,
                store=shop.code,
            ),
            Limits.from_config(current_app.config),
            storage_for(current_app),
        )
    except BadPhotoField:
        return _render(store, form, request.form, {"form": refusal("bad_request")}, 400)
    except SubmissionRefused as refused:
        key = (refused.field or "form").removeprefix("answers.").split(".")[0].split("[")[0]
        if (refused.field or "").startswith("photo."):
            key = refused.field or "form"
        return _render(store, form, request.form, {key: refusal(refused.code, refused.params)}, refused.status)
    return redirect(url_for("supervise.review_page", submission_id=outcome.submission.id), code=303)
