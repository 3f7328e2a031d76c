"""Areas: list, create, rename."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from merch.admin import acting_admin, bp
from merch.admin.forms import AreaForm
from merch.admin.paging import page_of
from merch.clock import utcnow
from merch.extensions import db
from merch.models import Area, Shop
from merch.services.areas import create_area, rename_area


@bp.get("/areas")
def areas() -> Any:
    # Paginate the areas alone: db.paginate reads one entity per row, so a (area, count)
    # select would hand the template bare areas. The page's shop counts come in one more query.
    page = page_of(select(Area).order_by(Area.code))
    counted = select(Shop.area_id, func.count(Shop.id)).where(Shop.area_id.in_([area.id for area in page.items]))
    counts = dict(db.session.execute(counted.group_by(Shop.area_id)).tuples().all())
    rows = [(area, counts.get(area.id, 0)) for area in page.items]
    return render_template("admin/areas.html", page=page, rows=rows)


@bp.route("/areas/new", methods=["GET", "POST"])
def new_area() -> Any:
    form = AreaForm()
    if form.validate_on_submit():
        create_area(form.code.data, form.name.data, actor=acting_admin(), now=utcnow())
        db.session.commit()
        flash(_("Area %(code)s created.", code=form.code.data), "success")
        return redirect(url_for("admin.areas"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/area_form.html", form=form, area=None), status


@bp.route("/areas/<code>", methods=["GET", "POST"])
def edit_area(code: str) -> Any:
    area = db.session.scalar(select(Area).where(Area.code == code)) or abort(404)
    form = AreaForm(obj=area, editing=area)
    if form.validate_on_submit():
        if rename_area(area, form.name.data, actor=acting_admin(), now=utcnow()):
            db.session.commit()
            flash(_("Area %(code)s renamed.", code=area.code), "success")
        return redirect(url_for("admin.areas"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/area_form.html", form=form, area=area), status
