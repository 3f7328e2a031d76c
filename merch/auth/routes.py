"""Sign in, sign out, language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from merch.auth import bp
from merch.auth.forms import EmptyForm, LanguageForm, LoginForm
from merch.clock import utcnow
from merch.extensions import db
from merch.messages.localized import refusal
from merch.services.accounts import authenticate
from merch.services.throttle import ThrottlePolicy, clear_failures, record_failure, retry_after


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to, or None: never redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        username = form.username.data or ""
        now, address = utcnow(), request.remote_addr or "unknown"
        policy = ThrottlePolicy.from_config(current_app.config)
        wait = retry_after(username, address, now, policy)
        user = None if wait is not None else authenticate(username, form.password.data or "")
        if wait is not None:
            form.password.errors.append(refusal("too_many_requests"))
            status = 429
        elif user is None:
            record_failure(username, address, now, policy)
            db.session.commit()
            form.password.errors.append(_("Wrong username or password."))
        else:
            clear_failures(user.username)
            db.session.commit()
            session.pop("language", None)
            login_user(user, remember=bool(form.remember.data))
            return redirect(safe_next(form.next.data) or url_for("staff.home"))
    return render_template("auth/login.html", form=form, language_form=LanguageForm()), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Sign out (a POST with CSRF, so a link elsewhere cannot sign anyone out)."""
    if EmptyForm().validate_on_submit():
        logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language() -> Any:
    """Remember a language: on the user if signed in, else in the session."""
    form = LanguageForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            current_user.language = form.language.data
            db.session.commit()
        else:
            session["language"] = form.language.data
    else:
        flash(_("That language is not available."), "error")
    return redirect(safe_next(form.next.data) or url_for("staff.home"))
