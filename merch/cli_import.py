"""flask --app merch import FILE.csv [--dry-run] [--language en|zh-Hant|zh-Hans]."""

from __future__ import annotations

from pathlib import Path

import click
from babel.support import NullTranslations, Translations

from merch.clock import utcnow
from merch.directory import FileRefused
from merch.i18n import BABEL_LOCALES, LANGUAGES
from merch.messages.directory import file_refused_message, row_error_message
from merch.services.imports import import_csv

TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def _gettext(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [BABEL_LOCALES[language]])


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the report (the bad rows' reasons).",
)
def import_command(path: Path, dry_run: bool, language: str) -> None:
    """Import shops or users from a CSV file (api.md): all rows or none.

    Bad rows go to stderr, one per line, in ``--language``; the exit status is 1 then.
    """
    translations = _gettext(language)
    gettext = translations.gettext
    try:
        report = import_csv(path.read_bytes(), actor=None, now=utcnow(), dry_run=dry_run, source=path.name)
    except FileRefused as refused:
        click.echo(file_refused_message(refused, gettext), err=True)
        raise SystemExit(1) from None
    if report.errors:
        for error in report.errors:
            click.echo(row_error_message(error, gettext), err=True)
        bad = len({error.line for error in report.errors})
        message = translations.ngettext(
            "%(count)s bad row: nothing was imported.", "%(count)s bad rows: nothing was imported.", bad
        )
        click.echo(message % {"count": bad}, err=True)
        raise SystemExit(1)
    if report.dry_run:
        message = gettext("Dry run: all %(rows)s rows are good; %(created)s would be created, %(updated)s updated.")
        click.echo(message % {"rows": report.rows, "created": report.created, "updated": report.updated})
        return
    message = gettext("Imported %(rows)s rows: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
    click.echo(
        message
        % {"rows": report.rows, "created": report.created, "updated": report.updated, "unchanged": report.unchanged}
    )
    if report.areas_created:
        click.echo(gettext("Areas created: %(codes)s") % {"codes": ", ".join(report.areas_created)})
