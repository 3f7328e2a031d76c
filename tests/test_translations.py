"""The catalogs: every message in the code is translated, placeholders match, .mo is fresh."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "merch" / "translations"
LOCALES = ("zh_Hant", "zh_Hans")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages() -> set[str]:
    found: set[str] = set()
    method_map = [("merch/**.py", "python"), ("templates/**.html", "jinja2")]
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=method_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog(locale: str):
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_in_the_code_is_translated(locale):
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalog(locale)
        if message.id
        and message.string
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }

    missing = sorted(source_messages() - translated)

    assert missing == [], f"untranslated in {locale}: run pybabel extract/update (README) and translate"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_the_placeholders(locale):
    for message in catalog(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= expected | {"num"}, message.id
            assert expected - {"num"} <= set(PLACEHOLDER.findall(string)) | {"num"}, message.id


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_its_source(locale):
    source = catalog(locale)
    buffer = io.BytesIO()
    write_mo(buffer, source)
    buffer.seek(0)
    fresh = {_key(message.id): _key(message.string) for message in read_mo(buffer) if message.id}
    with open(CATALOGS / locale / "LC_MESSAGES" / "messages.mo", "rb") as handle:
        committed = {_key(message.id): _key(message.string) for message in read_mo(handle) if message.id}

    assert committed == fresh, "messages.mo is stale: run pybabel compile -d merch/translations"


def catalogue_keys(text: str) -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) of every entry of a .po file, in file order, header left out."""
    keys = []
    for entry in re.split(r"\n\s*\n", text):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        if msgid is None or msgid.group(1).strip() == '""':
            continue
        context = re.search(r'^msgctxt (".*")$', entry, re.M)
        keys.append((context.group(1) if context else None, msgid.group(1).strip()))
    return keys


@pytest.mark.parametrize("locale", LOCALES)
def test_no_message_is_in_a_catalogue_twice(locale):
    # Parallel branches append to the catalogues and git merges them by union
    # (.gitattributes): the same new message from two branches would land twice, and the
    # compiler silently keeps one of the two translations.
    keys = catalogue_keys((CATALOGS / locale / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8"))

    assert sorted({key for key in keys if keys.count(key) > 1}) == []


def test_the_duplicate_check_sees_a_message_added_twice():
    text = (
        'msgid ""\nmsgstr ""\n\nmsgid "Late"\nmsgstr "遲"\n\nmsgid "Show"\nmsgstr "看"\n\nmsgid "Late"\nmsgstr "晚"\n'
    )

    assert catalogue_keys(text) == [(None, '"Late"'), (None, '"Show"'), (None, '"Late"')]
