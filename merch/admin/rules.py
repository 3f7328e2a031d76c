"""The rule editor pages: the rulebook, editing a rule with a preview, adding one, its history.

Routes parse the form into the same change the API takes (PUT /api/v1/rules/<key>), so
one set of checks serves both; the service saves it as a new version.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from merch.admin import acting_admin, bp
from merch.checklists import business_date_of
from merch.clock import utcnow
from merch.extensions import db
from merch.i18n.request import current_language
from merch.messages.localized import refusal
from merch.models import Shop
from merch.rulebook import ALL_SHIFTS, AREAS, KINDS, LANGUAGES, render_title
from merch.scoring.params import DEFAULTS, PARAMS
from merch.services.rules import (
    PreviewRow,
    RuleRefused,
    current_version,
    preview_change,
    proposed_state,
    rule_history,
    rule_state,
    rulebook,
    save_rule_and_commit,
    yesterday,
)

_WHOLE = re.compile(r"^\s*-?\d+\s*$")
_DECIMAL = re.compile(r"^\s*-?\d+(\.\d+)?\s*$")
PREVIEW_ROWS = 50


class RuleForm(FlaskForm):
    """CSRF only: the rule's own fields depend on its kind and are read by hand."""


def _number(text: str | None) -> Any:
    """A typed number as int or float; anything else is passed on for the checks to name."""
    value = (text or "").strip()
    if _WHOLE.match(value):
        return int(value)
    if _DECIMAL.match(value):
        return float(value)
    return value


def change_from_form(form: MultiDict[str, str], kind: str) -> dict[str, Any]:
    """The form's fields as an API change: the whole state, as the page always shows all of it."""
    params: dict[str, Any] = {}
    for name, spec in PARAMS[kind].items():
        if spec.type == "range":
            params[name] = [_number(form.get(f"params.{name}.0")), _number(form.get(f"params.{name}.1"))]
        elif spec.type == "boolean":
            params[name] = form.get(f"params.{name}") == "on"
        elif spec.type == "choice":
            params[name] = form.get(f"params.{name}", "")
        else:
            params[name] = _number(form.get(f"params.{name}"))
    return {
        "area": form.get("area", ""),
        "shifts": [shift for shift in ALL_SHIFTS if shift in form.getlist("shifts")],
        "titles": {language: form.get(f"titles.{language}", "") for language in LANGUAGES},
        "params": params,
        "weight": _number(form.get("weight")),
        "photo_required": form.get("photo_required") == "on",
        "allow_na": form.get("allow_na") == "on",
        "active": form.get("active") == "on",
    }


def _error_field(field: str | None) -> str:
    """The form input an error belongs to: ``params.thin[1]`` → ``params.thin``."""
    return re.sub(r"\[\d+\]$", "", field or "")


def _refusal_errors(refused: RuleRefused) -> dict[str, str]:
    return {_error_field(refused.field): refusal(refused.code, refused.params)}


def preview_date() -> date:
    """Yesterday, in the time zone most shops keep (UTC when there are none)."""
    zone = db.session.scalar(
        select(Shop.timezone).group_by(Shop.timezone).order_by(func.count(Shop.id).desc(), Shop.timezone).limit(1)
    )
    return yesterday(business_date_of(utcnow(), zone or "UTC"))


@bp.get("/rules")
def rules() -> Any:
    """Every rule at its newest version, in display order, switched-off ones too."""
    language = current_language()
    rows = [(version, render_title(version.title(language), version.params)) for version in rulebook()]
    return render_template("admin/rules.html", rows=rows)


@bp.get("/rules/new")
def rules_new_kind() -> Any:
    """Adding a rule starts with its kind: one of the guide's six."""
    return render_template("admin/rules_new.html", kinds=KINDS)


def _render_form(
    *,
    key: str,
    kind: str,
    state: dict[str, Any],
    version: Any,
    errors: dict[str, str],
    preview: list[PreviewRow] | None = None,
    preview_day: date | None = None,
    status: int = 200,
) -> Any:
    summary = None
    if preview is not None:
        changed = Counter(row.score_after != row.score_before for row in preview)
        summary = {"total": len(preview), "changed": changed[True]}
    return (
        render_template(
            "admin/rules_form.html",
            form=RuleForm(),
            key=key,
            kind=kind,
            state=state,
            version=version,
            errors=errors,
            specs=PARAMS[kind],
            areas=AREAS,
            shifts=ALL_SHIFTS,
            languages=LANGUAGES,
            preview=preview[:PREVIEW_ROWS] if preview is not None else None,
            preview_summary=summary,
            preview_day=preview_day,
        ),
        status,
    )


@bp.route("/rules/new/<kind>", methods=["GET", "POST"])
def rules_create(kind: str) -> Any:
    """A new rule of an existing kind: key, area, shifts, titles, numbers."""
    if kind not in KINDS:
        abort(404)
    blank = {
        "area": AREAS[0],
        "shifts": ["opening"],
        "titles": dict.fromkeys(LANGUAGES, ""),
        "params": dict(DEFAULTS[kind]),
        "weight": 1,
        "photo_required": True,
        "allow_na": False,
        "active": True,
    }
    if request.method == "GET":
        return _render_form(key="", kind=kind, state=blank, version=None, errors={})
    form = RuleForm()
    key = request.form.get("key", "").strip()
    change = {**change_from_form(request.form, kind), "kind": kind}
    if not form.validate_on_submit():
        errors = {"": _("The page had expired. Reload it and try again.")}
        return _render_form(key=key, kind=kind, state=change, version=None, errors=errors, status=400)
    if current_version(key) is not None:
        errors = {"key": _("A rule with this key already exists.")}
        return _render_form(key=key, kind=kind, state=change, version=None, errors=errors, status=422)
    try:
        save_rule_and_commit(key, change, acting_admin(), utcnow())
    except RuleRefused as refused:
        db.session.rollback()
        return _render_form(key=key, kind=kind, state=change, version=None, errors=_refusal_errors(refused), status=422)
    flash(_("Rule %(key)s added.", key=key), "info")
    return redirect(url_for("admin.rules"), 303)


@bp.route("/rules/<key>", methods=["GET", "POST"])
def rules_edit(key: str) -> Any:
    """Edit a rule; "Preview" re-scores yesterday's checklists under the change, "Save" keeps it."""
    version = current_version(key)
    if version is None:
        abort(404)
    kind = version.rule.kind
    if request.method == "GET":
        return _render_form(key=key, kind=kind, state=rule_state(version), version=version, errors={})
    form = RuleForm()
    change = change_from_form(request.form, kind)
    if not form.validate_on_submit():
        errors = {"": _("The page had expired. Reload it and try again.")}
        return _render_form(key=key, kind=kind, state=change, version=version, errors=errors, status=400)
    try:
        if request.form.get("action") == "preview":
            state = proposed_state(key, change)[1]
            day = preview_date()
            rows = preview_change(key, state, kind, day)
            db.session.rollback()
            return _render_form(
                key=key, kind=kind, state=state, version=version, errors={}, preview=rows, preview_day=day
            )
        saved, changed = save_rule_and_commit(key, change, acting_admin(), utcnow())
    except RuleRefused as refused:
        db.session.rollback()
        return _render_form(
            key=key, kind=kind, state=change, version=version, errors=_refusal_errors(refused), status=422
        )
    if changed:
        flash(_("Rule %(key)s saved as version %(version)s.", key=key, version=saved.version), "info")
    else:
        flash(_("Nothing changed."), "info")
    return redirect(url_for("admin.rules"), 303)


@bp.get("/rules/<key>/history")
def rules_history(key: str) -> Any:
    """Each version of a rule: its numbers, who made it and when, how many items it scored."""
    history = rule_history(key)
    if history is None:
        abort(404)
    language = current_language()
    rows = [(entry, render_title(entry.version.title(language), entry.version.params)) for entry in history]
    return render_template("admin/rules_history.html", key=key, kind=history[0].version.rule.kind, rows=rows)
