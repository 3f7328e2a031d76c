"""Reading an import file: Excel-saved CSV of shops or of users, checked row by row.

The header says which: ``code,name,area,timezone,opens,closes,language,opened_on`` (shops)
or ``username,name,role,shop,area,language,password`` (users), columns in any order;
shops may add a ``sizes`` column (the shop's size set, smallest first).
Every cell is trimmed of surrounding spaces (passwords too: a spreadsheet shows none).
Line numbers are the file's own (the header is line 1), as a spreadsheet shows them.
Checks that need the database (does this shop exist?) are the import service's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from merch.directory.fields import (
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

SHOP_HEADER = ("code", "name", "area", "timezone", "opens", "closes", "language", "opened_on")
# Optional shop column: the shop's sizes, smallest first ("XS;S;M" or, quoted, "XS,S,M").
# Without it (or with the cell empty) a new shop gets the default set and an existing one
# keeps its own.
SHOP_SIZES = "sizes"
USER_HEADER = ("username", "name", "role", "shop", "area", "language", "password")
ROLES = ("staff", "supervisor", "admin")
MAX_ROWS = 20_000


class FileRefused(ValueError):
    """The whole file is unreadable (encoding, header, CSV syntax): nothing can be checked."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class RowError:
    """One bad row: its line, the column at fault (None for the whole row) and why."""

    line: int
    column: str | None
    problem: FieldProblem


@dataclass(frozen=True)
class ShopRow:
    line: int
    code: str
    name: str
    area: str
    timezone: str
    opens: time
    closes: time
    language: str
    opened_on: date
    sizes: tuple[str, ...] | None = None


@dataclass(frozen=True)
class UserRow:
    line: int
    username: str
    name: str
    role: str
    shop: str | None
    area: str | None
    language: str | None
    # None: keep an existing user's password (a new user needs one).
    password: str | None


@dataclass
class ParsedFile:
    kind: str  # "shops" or "users"
    shops: list[ShopRow] = field(default_factory=list)
    users: list[UserRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.shops) + len(self.users)


def decode_csv(data: bytes) -> str:
    """The text of a file saved by Excel: UTF-8 (with or without BOM), else GB18030.

    UTF-8 is tried strictly first: GB18030 decodes almost any byte string, so it is only
    the fallback (what a Chinese-language Excel writes as "CSV").
    """
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("bad_encoding")


def parse_csv(data: bytes) -> ParsedFile:
    """Every row of an import file, checked on its own and against the other rows."""
    text = decode_csv(data)
    if "\x00" in text:
        raise FileRefused("not_csv")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header_cells = next(reader, None)
        if header_cells is None:
            raise FileRefused("empty_file")
        header = tuple(cell.strip().lower() for cell in header_cells)
        kind = _kind_of(header)
        parsed = ParsedFile(kind)
        seen: dict[str, int] = {}
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, and the ",,,,,," rows Excel leaves at the end
            if parsed.row_count + len(parsed.errors) >= MAX_ROWS:
                raise FileRefused("too_many_rows", max=MAX_ROWS)
            if len(cells) != len(header):
                parsed.errors.append(
                    RowError(line, None, FieldProblem("column_count", {"expected": len(header), "found": len(cells)}))
                )
                continue
            values = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
            if kind == "shops":
                _add_shop(parsed, line, values, seen)
            else:
                _add_user(parsed, line, values, seen)
    except csv.Error as error:
        raise FileRefused("bad_csv", line=reader.line_num, detail=str(error)) from None
    if parsed.row_count == 0 and not parsed.errors:
        raise FileRefused("no_rows")
    return parsed


def _kind_of(header: tuple[str, ...]) -> str:
    shop_columns = [name for name in header if name != SHOP_SIZES]
    if sorted(shop_columns) == sorted(SHOP_HEADER) and len(set(header)) == len(header):
        return "shops"
    if sorted(header) == sorted(USER_HEADER) and len(set(header)) == len(header):
        return "users"
    raise FileRefused("bad_header", shops=",".join(SHOP_HEADER), users=",".join(USER_HEADER))


def _duplicate(key: str, line: int, seen: dict[str, int]) -> FieldProblem | None:
    first = seen.get(key.lower())
    if first is not None:
        return FieldProblem("duplicate_in_file", {"value": key, "first_line": first})
    seen[key.lower()] = line
    return None


def _add_shop(parsed: ParsedFile, line: int, values: dict[str, str], seen: dict[str, int]) -> None:
    problems: list[tuple[str, FieldProblem]] = []

    def check(column: str, problem: FieldProblem | None) -> None:
        if problem is not None:
            problems.append((column, problem))

    code = values["code"]
    check("code", check_code(code) or _duplicate(code, line, seen))
    check("name", check_name(values["name"]))
    check("area", check_code(values["area"]))
    check("timezone", check_timezone(values["timezone"]))
    opens, closes = parse_clock(values["opens"]), parse_clock(values["closes"])
    if opens is None:
        check("opens", FieldProblem("bad_time", {"value": values["opens"]}))
    if closes is None:
        check("closes", FieldProblem("bad_time", {"value": values["closes"]}))
    if opens is not None and closes is not None and closes <= opens:
        check("closes", FieldProblem("closes_before_opens", {"opens": values["opens"], "closes": values["closes"]}))
    check("language", check_language(values["language"], required=True))
    opened_on = parse_day(values["opened_on"])
    if opened_on is None:
        check("opened_on", FieldProblem("bad_date", {"value": values["opened_on"]}))
    sizes: tuple[str, ...] | None = None
    if values.get(SHOP_SIZES):
        sizes, problem = parse_size_set(values[SHOP_SIZES])
        check(SHOP_SIZES, problem)
    if problems or opens is None or closes is None or opened_on is None:
        parsed.errors.extend(RowError(line, column, problem) for column, problem in problems)
        return
    parsed.shops.append(
        ShopRow(
            line=line,
            code=code,
            name=values["name"],
            area=values["area"],
            timezone=values["timezone"],
            opens=opens,
            closes=closes,
            language=values["language"],
            opened_on=opened_on,
            sizes=sizes,
        )
    )


def _add_user(parsed: ParsedFile, line: int, values: dict[str, str], seen: dict[str, int]) -> None:
    problems: list[tuple[str, FieldProblem]] = []

    def check(column: str, problem: FieldProblem | None) -> None:
        if problem is not None:
            problems.append((column, problem))

    username, role = values["username"], values["role"].lower()
    shop, area = values["shop"] or None, values["area"] or None
    check("username", check_username(username) or _duplicate(username, line, seen))
    check("name", check_name(values["name"]))
    if role not in ROLES:
        check("role", FieldProblem("bad_role", {"value": values["role"]}))
    elif role == "staff" and shop is None:
        check("shop", FieldProblem("staff_need_shop"))
    elif role == "supervisor" and area is None:
        check("area", FieldProblem("supervisor_need_area"))
    elif role == "supervisor" and shop is not None:
        check("shop", FieldProblem("only_staff_have_shop"))
    elif role == "admin" and (shop is not None or area is not None):
        check("shop" if shop is not None else "area", FieldProblem("admin_no_scope"))
    if shop is not None:
        check("shop", check_code(shop))
    if area is not None:
        check("area", check_code(area))
    check("language", check_language(values["language"], required=False))
    password = values["password"] or None
    if password is not None:
        check("password", check_password(password))
    if problems:
        parsed.errors.extend(RowError(line, column, problem) for column, problem in problems)
        return
    parsed.users.append(
        UserRow(
            line=line,
            username=username,
            name=values["name"],
            role=role,
            shop=shop,
            area=area,
            language=values["language"] or None,
            password=password,
        )
    )
