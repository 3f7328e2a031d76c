"""Corrective actions for supervisors: the list, one action, verify or reopen."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from merch.api.parsing import MAX_ID
from merch.clock import utcnow
from merch.extensions import db
from merch.messages.localized import refusal
from merch.messages.refusals import Refused
from merch.models import ACTION_STATUSES, CorrectiveAction, Shop
from merch.services.actions import actions_query, verify_action, visible_action
from merch.supervise import bp
from merch.supervise.access import me, supervisor_required

LIST_LIMIT = 200


@bp.get("/actions")
@supervisor_required
def actions() -> Any:
    status = request.args.get("status", "open")
    query = actions_query(me())
    if status in ACTION_STATUSES:
        query = query.where(CorrectiveAction.status == status)
    store = request.args.get("store")
    if store:
        query = query.where(CorrectiveAction.shop_id.in_(select(Shop.id).where(Shop.code == store)))
    rows = db.session.scalars(query.limit(LIST_LIMIT)).unique().all()
    return render_template("supervise/actions.html", actions=rows, status=status, now=utcnow())


@bp.get(f"/actions/<int(max={MAX_ID}):action_id>")
@supervisor_required
def action_page(action_id: int) -> Any:
    action = visible_action(me(), action_id)
    if action is None:
        abort(404)
    return render_template("supervise/action.html", action=action, error=None)


@bp.post(f"/actions/<int(max={MAX_ID}):action_id>")
@supervisor_required
def action_verify(action_id: int) -> Any:
    action = visible_action(me(), action_id)
    if action is None:
        abort(404)
    choice = request.form.get("action", "")
    try:
        verify_action(action, me(), choice, request.form.get("comment", ""), utcnow())
    except Refused as refused:
        db.session.rollback()
        action = visible_action(me(), action_id)
        error = refusal(refused.code, refused.params)
        return render_template("supervise/action.html", action=action, error=error), refused.status
    db.session.commit()
    flash(_("Action verified.") if choice == "verified" else _("Action reopened."), "info")
    return redirect(url_for("supervise.action_page", action_id=action_id), code=303)
