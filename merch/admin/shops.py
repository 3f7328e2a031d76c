"""Shops: list (with search), create, edit (hours, language, active …)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from merch.admin import acting_admin, bp
from merch.admin.forms import COMMON_TIMEZONES, ShopForm
from merch.admin.paging import page_of
from merch.clock import utcnow
from merch.extensions import db
from merch.models import Area, Shop
from merch.scoring.sizes import DEFAULT_SIZE_SET
from merch.services.shops import ShopFields, create_shop, update_shop


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@bp.get("/shops")
def shops() -> Any:
    query = select(Shop).options(joinedload(Shop.area)).order_by(Shop.code)
    search = (request.args.get("q") or "").strip()[:64]
    if search:
        query = query.where(
            or_(Shop.code.ilike(_like(search), escape="\\"), Shop.name.ilike(_like(search), escape="\\"))
        )
    area = (request.args.get("area") or "").strip()[:32]
    if area:
        query = query.where(Shop.area_id.in_(select(Area.id).where(Area.code == area)))
    return render_template("admin/shops.html", page=page_of(query), search=search, area=area)


def _fields(form: ShopForm) -> ShopFields:
    assert form.area_obj is not None and form.opens_time and form.closes_time and form.opened_day
    return ShopFields(
        name=form.name.data,
        area=form.area_obj,
        timezone=form.timezone.data,
        opens_at=form.opens_time,
        closes_at=form.closes_time,
        language=form.language.data,
        opened_on=form.opened_day,
        active=bool(form.active.data),
        closed_on=form.closed_day,
        size_set=form.sizes,
    )


def _render(form: ShopForm, shop: Shop | None) -> Any:
    status = 422 if form.is_submitted() else 200
    return render_template("admin/shop_form.html", form=form, shop=shop, timezones=COMMON_TIMEZONES), status


@bp.route("/shops/new", methods=["GET", "POST"])
def new_shop() -> Any:
    form = ShopForm()
    if request.method == "GET":
        form.timezone.data = "Asia/Shanghai"
        form.opens.data, form.closes.data = "10:00", "22:00"
        form.language.data = "zh-Hans"
        form.opened_on.data = utcnow().date().isoformat()
        form.size_set.data = ", ".join(DEFAULT_SIZE_SET)
    if form.validate_on_submit():
        create_shop(form.code.data, _fields(form), actor=acting_admin(), now=utcnow())
        db.session.commit()
        flash(_("Shop %(code)s created.", code=form.code.data), "success")
        return redirect(url_for("admin.shops"))
    return _render(form, None)


@bp.route("/shops/<code>", methods=["GET", "POST"])
def edit_shop(code: str) -> Any:
    shop = db.session.scalar(select(Shop).where(Shop.code == code)) or abort(404)
    form = ShopForm(editing=shop)
    if request.method == "GET":
        form.name.data, form.area.data, form.timezone.data = shop.name, shop.area.code, shop.timezone
        form.opens.data, form.closes.data = shop.opens_at.strftime("%H:%M"), shop.closes_at.strftime("%H:%M")
        form.language.data, form.opened_on.data = shop.language, shop.opened_on.isoformat()
        form.active.data = shop.active
        form.closed_on.data = shop.closed_on.isoformat() if shop.closed_on else ""
        form.size_set.data = ", ".join(shop.sizes)
    if form.validate_on_submit():
        if update_shop(shop, _fields(form), actor=acting_admin(), now=utcnow()):
            db.session.commit()
            flash(_("Shop %(code)s saved.", code=shop.code), "success")
        return redirect(url_for("admin.shops"))
    return _render(form, shop)
