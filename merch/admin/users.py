"""Users: list (with search), create, edit role and scope, reset password, deactivate."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from merch.admin import acting_admin, bp
from merch.admin.forms import ROLE_CHOICES, ActiveForm, PasswordForm, UserForm, message
from merch.admin.paging import page_of
from merch.admin.shops import _like
from merch.api.parsing import MAX_ID
from merch.clock import utcnow
from merch.database import release, writing
from merch.directory import FieldProblem
from merch.extensions import db
from merch.models import Role, Shop, User
from merch.services.accounts import hash_password
from merch.services.users import (
    UserFields,
    create_user,
    reset_password,
    set_active,
    sign_out_user_everywhere,
    update_user,
)


@bp.get("/users")
def users() -> Any:
    query = (
        select(User).options(joinedload(User.shop).joinedload(Shop.area), joinedload(User.area)).order_by(User.username)
    )
    search = (request.args.get("q") or "").strip()[:64]
    if search:
        query = query.where(
            or_(User.username.ilike(_like(search), escape="\\"), User.name.ilike(_like(search), escape="\\"))
        )
    role = request.args.get("role") or ""
    if role in tuple(Role):
        query = query.where(User.role == role)
    return render_template("admin/users.html", page=page_of(query), search=search, role=role, roles=ROLE_CHOICES)


def _fields(form: UserForm) -> UserFields:
    return UserFields(
        name=form.name.data,
        role=form.role.data,
        shop=form.shop_obj if form.role.data == Role.STAFF else None,
        area=form.area_obj if form.role.data == Role.SUPERVISOR else None,
        language=form.language.data or None,
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/new", methods=["GET", "POST"])
def new_user() -> Any:
    form = UserForm(actor=acting_admin())
    if form.validate_on_submit():
        fields = _fields(form)
        release()  # no lock held while the password is hashed
        password_hash = hash_password(form.password.data)
        try:
            with writing():
                create_user(form.username.data, fields, password_hash, actor=acting_admin(), now=utcnow())
        except IntegrityError:  # the same username saved by someone else meanwhile
            form.username.errors = [message(FieldProblem("taken", {"value": form.username.data}))]
            return render_template("admin/user_form.html", form=form, user=None), 422
        flash(_("User %(username)s created.", username=form.username.data), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=None), status


def _render_edit(user: User, form: UserForm, password_form: PasswordForm, status: int = 200) -> Any:
    return (
        render_template(
            "admin/user_form.html", form=form, user=user, password_form=password_form, active_form=ActiveForm()
        ),
        status,
    )


@bp.route(f"/users/<int(max={MAX_ID}):user_id>", methods=["GET", "POST"])
def edit_user(user_id: int) -> Any:
    user = _user_or_404(user_id)
    form = UserForm(editing=user, actor=acting_admin())
    if request.method == "GET":
        form.name.data, form.role.data, form.language.data = user.name, user.role, user.language or ""
        form.shop.data = user.shop.code if user.shop else ""
        form.area.data = user.area.code if user.area else ""
    if form.validate_on_submit():
        if update_user(user, _fields(form), actor=acting_admin(), now=utcnow()):
            db.session.commit()
            flash(_("User %(username)s saved.", username=user.username), "success")
        return redirect(url_for("admin.users"))
    return _render_edit(user, form, PasswordForm(formdata=None), 422 if form.is_submitted() else 200)


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/password")
def user_password(user_id: int) -> Any:
    user = _user_or_404(user_id)
    password_form = PasswordForm()
    if password_form.validate_on_submit():
        release()  # no lock held while the password is hashed
        password_hash = hash_password(password_form.password.data)
        with writing():
            reset_password(user, password_hash, actor=acting_admin(), now=utcnow())
        flash(
            _("New password set for %(username)s; they were signed out of the app.", username=user.username), "success"
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserForm(formdata=None, editing=user, actor=acting_admin())
    form.name.data, form.role.data, form.language.data = user.name, user.role, user.language or ""
    form.shop.data = user.shop.code if user.shop else ""
    form.area.data = user.area.code if user.area else ""
    return _render_edit(user, form, password_form, 422)


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/active")
def user_active(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    active = request.form.get("active") == "1"
    if not active and user.id == acting_admin().id:
        flash(message(FieldProblem("own_account")), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id)), 303
    if set_active(user, active, actor=acting_admin(), now=utcnow()):
        db.session.commit()
        text = _("%(username)s can sign in again.") if active else _("%(username)s is deactivated and signed out.")
        flash(text % {"username": user.username}, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post(f"/users/<int(max={MAX_ID}):user_id>/sign-out-everywhere")
def user_sign_out_everywhere(user_id: int) -> Any:
    """End every sign-in and API token of a user (a lost phone, a shared password)."""
    user = _user_or_404(user_id)
    if not ActiveForm().validate_on_submit():
        abort(400)
    sign_out_user_everywhere(user, actor=acting_admin(), now=utcnow())
    db.session.commit()
    flash(_("%(username)s is signed out on every phone and computer.") % {"username": user.username}, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
