"""Areas, shops and users as an admin edits or imports them: the checks, with no Flask.

``fields`` checks one value at a time (shared by the admin forms and the import);
``csvfile`` reads an Excel-saved CSV into checked rows. Problems are codes with
parameters; ``merch.messages.directory`` turns them into sentences.
"""

from merch.directory.csvfile import (
    SHOP_HEADER,
    USER_HEADER,
    FileRefused,
    ParsedFile,
    RowError,
    ShopRow,
    UserRow,
    decode_csv,
    parse_csv,
)
from merch.directory.fields import (
    MIN_PASSWORD,
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
    timezone_names,
)

__all__ = [
    "MIN_PASSWORD",
    "SHOP_HEADER",
    "USER_HEADER",
    "FieldProblem",
    "FileRefused",
    "ParsedFile",
    "RowError",
    "ShopRow",
    "UserRow",
    "check_code",
    "check_language",
    "check_name",
    "check_password",
    "check_timezone",
    "check_username",
    "decode_csv",
    "parse_clock",
    "parse_csv",
    "parse_day",
    "parse_size_set",
    "timezone_names",
]
