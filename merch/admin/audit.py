"""The audit log: filter by action, actor and date; page through; export as CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template, request, stream_with_context
from sqlalchemy import Select, select

from merch.admin import bp
from merch.admin.forms import AuditFilterForm
from merch.admin.paging import page_of
from merch.directory import parse_day
from merch.extensions import db
from merch.models import AuditEntry
from merch.services.audit import day_range

EXPORT_COLUMNS = ("at", "actor", "action", "target_type", "target", "before", "after")
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def brand_zone() -> ZoneInfo:
    """The time zone the audit log's dates and times are read in (BRAND_TIMEZONE)."""
    return ZoneInfo(current_app.config["BRAND_TIMEZONE"])


def _filters() -> tuple[AuditFilterForm, Select[Any]]:
    form = AuditFilterForm(formdata=request.args)
    form.action.choices = [("", "—")] + [
        (action, action)
        for action in db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    ]
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    form.validate()
    if form.action.data:
        query = query.where(AuditEntry.action == form.action.data)
    if form.actor.data:
        query = query.where(AuditEntry.actor_name == form.actor.data)
    start = parse_day(form.date_from.data or "") if not form.date_from.errors else None
    end = parse_day(form.date_to.data or "") if not form.date_to.errors else None
    # The dates are the brand's (an admin has no time zone of their own).
    first, after = day_range(start, end, brand_zone())
    if first is not None:
        query = query.where(AuditEntry.at >= first)
    if after is not None:
        query = query.where(AuditEntry.at < after)
    return form, query


@bp.get("/audit")
def audit() -> Any:
    form, query = _filters()
    status = 400 if form.errors else 200
    return render_template("admin/audit.html", form=form, page=page_of(query), zone=brand_zone()), status


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: formula-like starts get a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.get("/audit.csv")
def audit_export() -> Any:
    form, query = _filters()
    if form.errors:
        return render_template("admin/audit.html", form=form, page=page_of(query), zone=brand_zone()), 400
    zone = brand_zone()

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(EXPORT_COLUMNS)
        for entry in db.session.scalars(query.execution_options(yield_per=500)):
            writer.writerow(
                safe_cell(cell)
                for cell in (
                    entry.at.astimezone(zone).isoformat(),
                    entry.actor_name,
                    entry.action,
                    entry.target_type,
                    entry.target,
                    _json(entry.before),
                    _json(entry.after),
                )
            )
            if buffer.tell() > 64_000:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response
