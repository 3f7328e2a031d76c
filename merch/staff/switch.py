"""The shared shop phone: switch to another assistant of the shop with their PIN, set your own."""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField
from wtforms.validators import DataRequired, Length

from merch.auth.routes import safe_next, sign_in
from merch.clock import utcnow
from merch.database import writing
from merch.extensions import db
from merch.messages.localized import refusal
from merch.services.sessions import end_sign_in
from merch.services.shop_phone import colleagues, set_pin, switch_to, valid_pin
from merch.services.throttle import failure_store
from merch.staff import bp
from merch.staff.routes import _staff_shop


class SwitchForm(FlaskForm):
    username = HiddenField(validators=[DataRequired(), Length(max=64)])
    pin = PasswordField(validators=[DataRequired(), Length(max=6)])
    next = HiddenField()


class PinForm(FlaskForm):
    password = PasswordField(validators=[DataRequired(), Length(max=256)])
    pin = PasswordField(validators=[DataRequired(), Length(max=6)])


@bp.route("/switch", methods=["GET", "POST"])
@login_required
def switch() -> Any:
    """Who else works here: tap a name, type their PIN; a draft stays on the phone per assistant."""
    _staff_shop()
    form = SwitchForm()
    status, error, chosen = 200, None, None
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    elif form.validate_on_submit():
        chosen = form.username.data
        now = utcnow()
        outcome = switch_to(
            current_user._get_current_object(),
            form.username.data or "",
            form.pin.data or "",
            now,
            request.remote_addr or "unknown",
            failure_store(current_app.config),
        )
        db.session.commit()
        if outcome.user is not None:
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            # The previous assistant's sign-in ends here; their draft stays on the phone.
            with writing():
                end_sign_in(current_user.get_id(), now)
            sign_in(outcome.user, remember=remembered, now=now)
            return redirect(safe_next(form.next.data) or url_for("staff.home"))
        status = 429 if outcome.retry_after else 422
        error = refusal("too_many_requests") if outcome.retry_after else _("Wrong PIN.")
    else:
        status, error = 400, refusal("bad_request")
    return (
        render_template(
            "staff/switch.html",
            form=form,
            people=colleagues(current_user._get_current_object()),
            error=error,
            chosen=chosen,
        ),
        status,
    )


@bp.route("/pin", methods=["GET", "POST"])
@login_required
def pin() -> Any:
    """Set or change your own PIN, confirmed with your password."""
    _staff_shop()
    form = PinForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.password.data or ""):
            errors["password"] = _("Wrong password.")
        elif not valid_pin(form.pin.data or ""):
            errors["pin"] = _("A PIN is 4 to 6 digits.")
        else:
            set_pin(user, form.pin.data or "")
            db.session.commit()
            return render_template("staff/pin.html", form=PinForm(), errors={}, done=True)
        status = 422
    elif request.method == "POST":
        errors["pin"], status = _("A PIN is 4 to 6 digits."), 422
    return render_template("staff/pin.html", form=form, errors=errors, done=False), status
