"""The import page: upload a CSV of shops or users, see every bad row, or the result."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import gettext as _

from merch.admin import acting_admin, bp
from merch.admin.forms import ImportForm
from merch.clock import utcnow
from merch.directory import SHOP_HEADER, USER_HEADER, FileRefused
from merch.i18n.request import translators
from merch.messages.directory import file_refused_message, row_error_message
from merch.services.imports import import_csv

MAX_IMPORT_BYTES = 5_000_000  # about 50,000 rows: far more than a brand's shops and staff
SHOWN_ERRORS = 200


def _render(form: ImportForm, status: int = 200, **context: Any) -> Any:
    return (
        render_template(
            "admin/import.html",
            form=form,
            shop_header=",".join(SHOP_HEADER),
            user_header=",".join(USER_HEADER),
            **context,
        ),
        status,
    )


def _source_name(filename: str | None) -> str:
    """The uploaded file's name as the audit log keeps it (printable, at most 120 characters)."""
    name = "".join(char for char in (filename or "") if char.isprintable()).strip()
    return name[:120] or "upload.csv"


@bp.route("/import", methods=["GET", "POST"])
def import_file() -> Any:
    form = ImportForm()
    if not form.validate_on_submit():
        return _render(form, 422 if form.is_submitted() else 200)
    upload = form.file.data
    data = upload.stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        form.file.errors.append(
            _("The file is larger than %(megabytes)s MB: split it.", megabytes=MAX_IMPORT_BYTES // 1_000_000)
        )
        return _render(form, 413)
    gettext = translators()[0]
    try:
        report = import_csv(
            data,
            actor=acting_admin(),
            now=utcnow(),
            dry_run=bool(form.dry_run.data),
            source=_source_name(upload.filename),
        )
    except FileRefused as refused:
        form.file.errors.append(file_refused_message(refused, gettext))
        return _render(form, 422)
    if report.errors:
        lines = [row_error_message(error, gettext) for error in report.errors]
        bad_rows = len({error.line for error in report.errors})
        return _render(
            form,
            422,
            report=report,
            error_lines=lines[:SHOWN_ERRORS],
            hidden=max(len(lines) - SHOWN_ERRORS, 0),
            bad_rows=bad_rows,
        )
    return _render(form, 200, report=report)
