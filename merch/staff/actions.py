"""A corrective action as the shop sees it, and closing it with a new photo and a note."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from merch.api.parsing import MAX_ID
from merch.clock import utcnow
from merch.messages.localized import refusal
from merch.messages.refusals import Refused
from merch.services.actions import close_action, visible_action
from merch.services.submissions import BadPhotoField, Limits, UploadedPhoto
from merch.staff import bp
from merch.storage import storage_for


def _action(action_id: int) -> Any:
    action = visible_action(current_user._get_current_object(), action_id)
    if action is None:
        abort(404)
    return action


@bp.get(f"/actions/<int(max={MAX_ID}):action_id>")
@login_required
def action(action_id: int) -> Any:
    return render_template("staff/action.html", action=_action(action_id), error=None, note="")


@bp.post(f"/actions/<int(max={MAX_ID}):action_id>")
@login_required
def action_close(action_id: int) -> Any:
    record = _action(action_id)
    limit = current_app.config["MAX_PHOTO_BYTES"]
    photos = []
    try:
        for name, storage in request.files.items(multi=True):
            if name != "photo":
                raise BadPhotoField(name)
            data = storage.stream.read(limit + 1)
            if data:
                photos.append(UploadedPhoto("photo.photo", data))
        close_action(
            record,
            current_user._get_current_object(),
            request.form.get("note", ""),
            photos,
            Limits.from_config(current_app.config),
            storage_for(current_app),
            utcnow(),
        )
    except BadPhotoField:
        return render_template("staff/action.html", action=_action(action_id), error=refusal("bad_request")), 400
    except Refused as refused:
        error = refusal(refused.code, refused.params)
        note = request.form.get("note", "")
        return render_template("staff/action.html", action=_action(action_id), error=error, note=note), refused.status
    flash(_("Thank you: the supervisor will check the fix."), "info")
    return redirect(url_for("staff.home"), code=303)
