"""The console's forms: each owns its validation, with messages in the admin's language.

Fields picked from a list (area, shop, role, language) are text fields that the pages draw
as a <select> from ``field.choices`` ((value, label) pairs set here); the form checks the
value itself, so a forged value gets our message, not a library's.

Values are checked by the same functions the import uses (``merch.directory``), so a
page and a CSV file refuse the same things with the same sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import BooleanField, Field, PasswordField, StringField
from wtforms.validators import StopValidation, ValidationError

from merch.checklists import business_date_of
from merch.clock import utcnow
from merch.directory import (
    FieldProblem,
    check_code,
    check_language,
    check_name,
    check_password,
    check_timezone,
    check_username,
    parse_clock,
    parse_day,
    parse_size_set,
)
from merch.extensions import db
from merch.i18n import LANGUAGE_NAMES, LANGUAGES
from merch.i18n.request import translators
from merch.messages.directory import problem_message
from merch.models import Area, Role, Shop, User
from merch.services.shops import first_checklist_dates, opening_date_problem

COMMON_TIMEZONES = ("Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "Asia/Macau", "Asia/Singapore")
ROLE_CHOICES = (("staff", _l("Staff")), ("supervisor", _l("Supervisor")), ("admin", _l("Admin")))


def message(problem: FieldProblem) -> str:
    return problem_message(problem, translators()[0])


class Checked:
    """A WTForms validator running one ``merch.directory`` check on the stripped value."""

    def __init__(self, check: Callable[[str], FieldProblem | None]) -> None:
        self.check = check

    def __call__(self, form: FlaskForm, field: Field) -> None:
        problem = self.check(field.data or "")
        if problem is not None:
            raise StopValidation(message(problem))


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _language_choices(optional_label: Any = None) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [(tag, LANGUAGE_NAMES[tag]) for tag in LANGUAGES]
    return ([("", optional_label)] if optional_label is not None else []) + choices


class AreaForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[Checked(check_code)])
    name = StringField(_l("Name"), filters=[_strip], validators=[Checked(check_name)])

    def __init__(self, *args: Any, editing: Area | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            del self.code  # a code never changes: shops, files and the API refer to it

    def validate_code(self, field: Field) -> None:
        if db.session.scalar(select(Area.id).where(Area.code == field.data)) is not None:
            raise ValidationError(message(FieldProblem("taken", {"value": field.data})))


class ShopForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[Checked(check_code)])
    name = StringField(_l("Name"), filters=[_strip], validators=[Checked(check_name)])
    area = StringField(_l("Area"))
    timezone = StringField(
        _l("Time zone"),
        filters=[_strip],
        validators=[Checked(check_timezone)],
        render_kw={"list": "timezones", "autocapitalize": "none", "spellcheck": "false"},
    )
    opens = StringField(_l("Opens at"), filters=[_strip], render_kw={"type": "time"})
    closes = StringField(_l("Closes at"), filters=[_strip], render_kw={"type": "time"})
    language = StringField(_l("Language"), validators=[Checked(lambda v: check_language(v, required=True))])
    opened_on = StringField(_l("Opened on"), filters=[_strip], render_kw={"type": "date"})
    active = BooleanField(_l("Active (has checklists; its staff can submit)"), default=True)
    closed_on = StringField(
        _l("Closed on (no checklists from this date; empty: today)"), filters=[_strip], render_kw={"type": "date"}
    )
    size_set = StringField(
        _l("Sizes sold, smallest first (comma-separated; the phone offers them in this order)"),
        filters=[_strip],
        render_kw={"autocapitalize": "characters", "spellcheck": "false"},
    )

    def __init__(self, *args: Any, editing: Shop | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            del self.code
        self.area.choices = [("", "—")] + [
            (code, f"{code} · {name}")
            for code, name in db.session.execute(select(Area.code, Area.name).order_by(Area.code))
        ]
        self.language.choices = _language_choices()
        self.area_obj: Area | None = None
        self.opens_time: time | None = None
        self.closes_time: time | None = None
        self.opened_day: date | None = None
        self.closed_day: date | None = None
        self.sizes: tuple[str, ...] | None = None

    def validate_code(self, field: Field) -> None:
        if db.session.scalar(select(Shop.id).where(Shop.code == field.data)) is not None:
            raise ValidationError(message(FieldProblem("taken", {"value": field.data})))

    def validate_area(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(message(FieldProblem("required")))
        self.area_obj = db.session.scalar(select(Area).where(Area.code == field.data))
        if self.area_obj is None:
            raise ValidationError(message(FieldProblem("unknown_area", {"value": field.data})))

    def validate_opens(self, field: Field) -> None:
        self.opens_time = parse_clock(field.data or "")
        if self.opens_time is None:
            raise ValidationError(message(FieldProblem("bad_time", {"value": field.data or ""})))

    def validate_closes(self, field: Field) -> None:
        self.closes_time = parse_clock(field.data or "")
        if self.closes_time is None:
            raise ValidationError(message(FieldProblem("bad_time", {"value": field.data or ""})))
        opens = parse_clock(self.opens.data or "")
        if opens is not None and self.closes_time <= opens:
            problem = FieldProblem("closes_before_opens", {"opens": self.opens.data, "closes": field.data})
            raise ValidationError(message(problem))

    def validate_opened_on(self, field: Field) -> None:
        self.opened_day = parse_day(field.data or "")
        if self.opened_day is None:
            raise ValidationError(message(FieldProblem("bad_date", {"value": field.data or ""})))
        if self.editing is not None:
            first = first_checklist_dates([self.editing.id]).get(self.editing.id)
            problem = opening_date_problem(self.opened_day, first)
            if problem is not None:
                raise ValidationError(message(problem))

    def validate_closed_on(self, field: Field) -> None:
        if not field.data:
            return
        self.closed_day = parse_day(field.data)
        if self.closed_day is None:
            raise ValidationError(message(FieldProblem("bad_date", {"value": field.data})))
        if self.active.data:
            raise ValidationError(message(FieldProblem("closed_but_active")))
        opened = parse_day(self.opened_on.data or "")
        if opened is not None and self.closed_day < opened:
            raise ValidationError(message(FieldProblem("closed_before_opened", {"opened_on": opened.isoformat()})))
        zone = self.timezone.data or ""
        today = business_date_of(utcnow(), zone) if check_timezone(zone) is None else utcnow().date()
        if self.closed_day > today:
            raise ValidationError(message(FieldProblem("closed_in_future", {"today": today.isoformat()})))

    def validate_size_set(self, field: Field) -> None:
        self.sizes, problem = parse_size_set(field.data or "")
        if problem is not None:
            raise ValidationError(message(problem))


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"),
        filters=[_strip],
        validators=[Checked(check_username)],
        render_kw={"autocapitalize": "none", "autocorrect": "off"},
    )
    name = StringField(_l("Name"), filters=[_strip], validators=[Checked(check_name)])
    role = StringField(_l("Role"))
    shop = StringField(_l("Shop (staff)"))
    area = StringField(_l("Area (supervisors)"))
    language = StringField(_l("Language"), validators=[Checked(lambda v: check_language(v, required=False))])
    password = PasswordField(
        _l("Password"), validators=[Checked(check_password)], render_kw={"autocomplete": "new-password"}
    )

    def __init__(self, *args: Any, editing: User | None = None, actor: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing, self.actor = editing, actor
        if editing is not None:
            del self.username
            del self.password  # changed with its own form: "Reset password"
        self.shop.choices = [("", "—")] + [
            (code, f"{code} · {name}")
            for code, name in db.session.execute(select(Shop.code, Shop.name).order_by(Shop.code))
        ]
        self.area.choices = [("", "—")] + [
            (code, f"{code} · {name}")
            for code, name in db.session.execute(select(Area.code, Area.name).order_by(Area.code))
        ]
        self.language.choices = _language_choices(_l("The shop's language"))
        self.role.choices = list(ROLE_CHOICES)
        self.shop_obj: Shop | None = None
        self.area_obj: Area | None = None

    def validate_username(self, field: Field) -> None:
        if db.session.scalar(select(User.id).where(User.username == field.data)) is not None:
            raise ValidationError(message(FieldProblem("taken", {"value": field.data})))

    def validate_role(self, field: Field) -> None:
        if field.data not in tuple(Role):
            raise StopValidation(message(FieldProblem("bad_role", {"value": field.data or ""})))
        if (
            self.editing is not None
            and self.actor is not None
            and self.editing.id == self.actor.id
            and field.data != Role.ADMIN
        ):
            raise StopValidation(message(FieldProblem("own_account")))

    def validate_shop(self, field: Field) -> None:
        role = self.role.data
        if field.data:
            if role != Role.STAFF:
                raise ValidationError(message(FieldProblem("only_staff_have_shop")))
            self.shop_obj = db.session.scalar(select(Shop).where(Shop.code == field.data))
            if self.shop_obj is None:
                raise ValidationError(message(FieldProblem("unknown_shop", {"value": field.data})))
        elif role == Role.STAFF:
            raise ValidationError(message(FieldProblem("staff_need_shop")))

    def validate_area(self, field: Field) -> None:
        role = self.role.data
        if field.data:
            if role != Role.SUPERVISOR:
                code = "admin_no_scope" if role == Role.ADMIN else "only_supervisors_have_area"
                raise ValidationError(message(FieldProblem(code)))
            self.area_obj = db.session.scalar(select(Area).where(Area.code == field.data))
            if self.area_obj is None:
                raise ValidationError(message(FieldProblem("unknown_area", {"value": field.data})))
        elif role == Role.SUPERVISOR:
            raise ValidationError(message(FieldProblem("supervisor_need_area")))


class PasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), validators=[Checked(check_password)], render_kw={"autocomplete": "new-password"}
    )


class ActiveForm(FlaskForm):
    """Deactivate or reactivate: a POST button with its CSRF token."""


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), render_kw={"accept": ".csv,text/csv"})
    dry_run = BooleanField(_l("Only check the file: import nothing"))

    def validate_file(self, field: Field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(message(FieldProblem("file_required")))


class AuditFilterForm(FlaskForm):
    """The audit page's filters (a GET form: no CSRF needed to read)."""

    class Meta:
        csrf = False

    action = StringField(_l("Action"))
    actor = StringField(_l("By"), filters=[_strip])
    date_from = StringField(_l("From"), filters=[_strip], render_kw={"type": "date"})
    date_to = StringField(_l("To"), filters=[_strip], render_kw={"type": "date"})

    def validate_date_from(self, field: Field) -> None:
        if field.data and parse_day(field.data) is None:
            raise ValidationError(message(FieldProblem("bad_date", {"value": field.data})))

    def validate_date_to(self, field: Field) -> None:
        if field.data and parse_day(field.data) is None:
            raise ValidationError(message(FieldProblem("bad_date", {"value": field.data})))
