"""Sign in, sign out, language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from merch.auth import bp
from merch.auth.forms import EmptyForm, LanguageForm, LoginForm
from merch.clock import utcnow
from merch.database import reading, writing
from merch.extensions import db
from merch.messages.localized import refusal
from merch.models import User
from merch.services.accounts import find_user, password_matches, store_upgraded_hash, upgraded_hash
from merch.services.sessions import end_sign_in, sign_out_everywhere, start_sign_in
from merch.services.throttle import ThrottlePolicy, clear_failures, failure_store, record_failure, retry_after


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to, or None: never redirect to another host."""
    if not target:
        return None
    # Browsers drop tabs and newlines inside URLs ("/\t/evil.example" is "//evil.example")
    # and read "\\" as "/": a target with any of them, or any space, is refused.
    if any(ord(char) < 0x21 or char in "\\\x7f" for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _drop_csrf_token() -> None:
    # Flask-WTF keeps the raw token in the session and the signed one on g for the request.
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)


def _new_session() -> None:
    session.clear()
    _drop_csrf_token()


def sign_in_lifetime(remember: bool) -> timedelta:
    """How long the server honours a sign-in: the remember cookie's month, else a day."""
    if remember:
        return current_app.config["REMEMBER_COOKIE_DURATION"]  # type: ignore[no-any-return]
    return timedelta(hours=current_app.config["SIGN_IN_SESSION_HOURS"])


def sign_in(user: User, *, remember: bool, now: datetime) -> None:
    """Start a server-side sign-in for ``user`` in a fresh session (a new CSRF token too).

    Used by the sign-in page and by switching assistant on a shared shop phone.
    """
    with writing():
        start_sign_in(user, now, sign_in_lifetime(remember), remember=remember)
    # A new session: nothing from before sign-in carries over, the CSRF token included.
    _new_session()
    with reading():
        login_user(user, remember=remember, duration=sign_in_lifetime(remember))


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
        username, password = form.username.data or "", form.password.data or ""
        now, address = utcnow(), request.remote_addr or "unknown"
        policy = ThrottlePolicy.from_config(current_app.config)
        store = failure_store(current_app.config)
        with reading():
            wait = retry_after(store, username, address, now, policy)
            user = None if wait is not None else find_user(username)
        if wait is not None:
            form.password.errors.append(refusal("too_many_requests"))
            status = 429
        # Hashing outside any transaction; one hash whether or not the user exists.
        elif not password_matches(user, password) or user is None:
            with writing():
                record_failure(store, username, address, now, policy)
            form.password.errors.append(_("Wrong username or password."))
        else:
            remember = bool(form.remember.data)
            new_hash = upgraded_hash(user, password)  # an older method's hash is replaced now
            with writing():
                clear_failures(store, user.username)
                store_upgraded_hash(user, new_hash)
            target = safe_next(form.next.data) or url_for("staff.home")
            sign_in(user, remember=remember, now=now)
            return redirect(target)
    return render_template("auth/login.html", form=form, language_form=LanguageForm()), status


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Sign out (a POST with CSRF, so a link elsewhere cannot sign anyone out)."""
    if EmptyForm().validate_on_submit():
        with writing():
            end_sign_in(current_user.get_id(), utcnow())
        logout_user()
        _drop_csrf_token()
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account() -> Any:
    """The signed-in user's own page: who they are, and "sign out everywhere"."""
    return render_template("auth/account.html", form=EmptyForm())


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere_route() -> Any:
    """End every sign-in and API token of the current user, this one included."""
    if EmptyForm().validate_on_submit():
        with writing():
            sign_out_everywhere(current_user._get_current_object(), utcnow())
        logout_user()
        _drop_csrf_token()
        flash(_("You are signed out on every phone and computer."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


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
