"""Why an area, shop, user or import row was refused, as a sentence (pure).

Used by the admin forms (one field), the import page and the import command (one row per
line: "line 7, timezone: …"). Column names stay as the file's header spells them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from merch.directory import FieldProblem, FileRefused, RowError

Gettext = Callable[[str], str]


def problem_message(problem: FieldProblem, gettext: Gettext) -> str:
    """One refused value."""
    p: dict[str, Any] = problem.params
    code = problem.code
    if code == "required":
        return gettext("This is required.")
    if code == "too_long":
        return gettext("At most %(max)s characters.") % p
    if code == "bad_code":
        return gettext("“%(value)s” is not a valid code: use letters, digits, - and _.") % p
    if code == "bad_username":
        return gettext("“%(value)s” is not a valid username: use letters, digits and . _ @ -, no spaces.") % p
    if code == "unknown_timezone":
        return gettext("“%(value)s” is not a time zone name: use one such as Asia/Shanghai or Asia/Taipei.") % p
    if code == "bad_time":
        return gettext("“%(value)s” is not a time: write it as HH:MM, e.g. 10:00.") % p
    if code == "closes_before_opens":
        return gettext("Closing time %(closes)s must be after opening time %(opens)s on the same day.") % p
    if code == "bad_date":
        return gettext("“%(value)s” is not a date: write it as YYYY-MM-DD.") % p
    if code == "closed_but_active":
        return gettext("An active shop has no closing date: untick Active or clear the date.")
    if code == "closed_before_opened":
        return gettext("The shop opened on %(opened_on)s: it cannot close before that.") % p
    if code == "opened_after_checklists":
        return gettext("This shop has checklists from %(first)s: it cannot have opened after that.") % p
    if code == "closed_in_future":
        return gettext("A closing date cannot be after the shop's today (%(today)s).") % p
    if code == "bad_language":
        return gettext("“%(value)s” is not a language: use zh-Hant, zh-Hans or en.") % p
    if code == "bad_role":
        return gettext("“%(value)s” is not a role: use staff, supervisor or admin.") % p
    if code == "staff_need_shop":
        return gettext("Staff need a shop.")
    if code == "supervisor_need_area":
        return gettext("Supervisors need an area.")
    if code == "only_staff_have_shop":
        return gettext("Only staff belong to a shop.")
    if code == "only_supervisors_have_area":
        return gettext("Only supervisors have an area; staff belong to their shop's.")
    if code == "file_required":
        return gettext("Choose a CSV file to import.")
    if code == "admin_no_scope":
        return gettext("Admins have neither a shop nor an area.")
    if code == "staff_area_mismatch":
        return gettext("Shop %(shop)s is in area %(shop_area)s, not %(value)s: leave the area empty for staff.") % p
    if code == "password_too_short":
        return gettext("The password needs at least %(min)s characters.") % p
    if code == "password_required":
        return gettext("A new user needs a password.")
    if code == "duplicate_in_file":
        return gettext("“%(value)s” is already on line %(first_line)s of this file.") % p
    if code == "unknown_shop":
        return gettext("There is no shop %(value)s.") % p
    if code == "unknown_area":
        return gettext("There is no area %(value)s.") % p
    if code == "taken":
        return gettext("“%(value)s” is already in use.") % p
    if code == "column_count":
        return gettext("This row has %(found)s cells; the header has %(expected)s.") % p
    if code == "size_set_empty":
        return gettext("List at least one size, smallest first, separated by commas.")
    if code == "size_set_too_many":
        return gettext("At most %(max)s sizes.") % p
    if code == "size_set_too_long":
        return gettext("“%(size)s” is too long for a size: at most %(max)s characters.") % p
    if code == "size_set_duplicate":
        return gettext("“%(size)s” is the same size as “%(other)s”: list each size once.") % p
    if code == "size_set_order":
        return gettext("“%(size)s” comes after “%(other)s” but is smaller: list the sizes smallest first.") % p
    if code == "own_account":
        return gettext("You cannot deactivate or demote your own account.")
    return gettext("This value is not accepted.")


def row_error_message(error: RowError, gettext: Gettext) -> str:
    """A bad import row: its line, the column at fault and why."""
    message = problem_message(error.problem, gettext)
    if error.column is None:
        return gettext("line %(line)s: %(message)s") % {"line": error.line, "message": message}
    return gettext("line %(line)s, %(column)s: %(message)s") % {
        "line": error.line,
        "column": error.column,
        "message": message,
    }


def file_refused_message(refused: FileRefused, gettext: Gettext) -> str:
    """A file that cannot be read at all."""
    p: dict[str, Any] = refused.params
    if refused.code == "bad_encoding":
        return gettext("The file is neither UTF-8 nor GB18030 text: save it from Excel as “CSV UTF-8”.")
    if refused.code == "empty_file":
        return gettext("The file is empty.")
    if refused.code == "no_rows":
        return gettext("The file has a header but no rows.")
    if refused.code == "bad_header":
        return gettext("The first line must be the header %(shops)s (shops) or %(users)s (users).") % p
    if refused.code == "too_many_rows":
        return gettext("The file has more than %(max)s rows: split it.") % p
    if refused.code == "bad_csv":
        return gettext("line %(line)s: this is not valid CSV.") % p
    return gettext("This file is not a CSV file.")
