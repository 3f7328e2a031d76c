"""Command-line set-up and upkeep: flask --app merch init-db | seed-demo | create-user | purge
| seed-history | backup | restore | check-storage | evidence-backfill."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from merch.clock import utcnow
from merch.extensions import db
from merch.models import Area, Shop
from merch.schema import upgrade_schema
from merch.services.housekeeping import purge_expired
from merch.services.setup import UserSetupError, create_user, install_guide_rules, seed_demo


@click.command("init-db")
def init_db_command() -> None:
    """Apply the migrations, then add the guide's rulebook (safe to run again)."""
    upgrade_schema()
    added = install_guide_rules(utcnow())
    db.session.commit()
    click.echo(f"Database ready; {added} guide rules added.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Add the demo areas, shops and users (safe to run again)."""
    upgrade_schema()
    created = seed_demo(utcnow(), current_app.config["DEMO_PASSWORD"])
    db.session.commit()
    if created:
        click.echo("Demo users created: " + ", ".join(created))
    else:
        click.echo("Demo data already present; nothing changed.")


@click.command("create-user")
@click.argument("username")
@click.option("--name", help="Display name (default: the username).")
@click.option("--role", type=click.Choice(["staff", "supervisor", "admin"]), required=True)
@click.option("--shop", "shop_code", help="Shop code, for staff.")
@click.option("--area", "area_code", help="Area code, for supervisors.")
@click.option("--language", type=click.Choice(["zh-Hant", "zh-Hans", "en"]))
@click.password_option()
def create_user_command(
    username: str,
    name: str | None,
    role: str,
    shop_code: str | None,
    area_code: str | None,
    language: str | None,
    password: str,
) -> None:
    """Add a user who can sign in."""
    shop = db.session.scalar(select(Shop).where(Shop.code == shop_code)) if shop_code else None
    if shop_code and shop is None:
        raise click.BadParameter(f"no shop with code {shop_code!r}", param_hint="--shop")
    area = db.session.scalar(select(Area).where(Area.code == area_code)) if area_code else None
    if area_code and area is None:
        raise click.BadParameter(f"no area with code {area_code!r}", param_hint="--area")
    try:
        create_user(username, name or username, role, password, shop=shop, area=area, language=language)
    except UserSetupError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"User {username} created.")


@click.command("purge")
def purge_command() -> None:
    """Remove idempotency records past their keep time, old sign-in failures, dead API tokens and sign-ins."""
    config = current_app.config
    purged = purge_expired(
        utcnow(),
        idempotency_days=config["IDEMPOTENCY_KEEP_DAYS"],
        sign_in_window=timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]),
    )
    db.session.commit()
    click.echo(
        f"Removed {purged.idempotency_records} idempotency records older than {config['IDEMPOTENCY_KEEP_DAYS']} days, "
        f"{purged.sign_in_failures} sign-in failures older than {config['SIGN_IN_WINDOW_SECONDS'] // 60} minutes, "
        f"{purged.api_tokens} expired or revoked API tokens, {purged.sign_ins} ended page sign-ins."
    )


@click.command("seed-history")
@click.option("--shops", type=click.IntRange(1, 9999), required=True, help="How many history shops (H0001 …).")
@click.option("--days", type=click.IntRange(1, 3660), required=True, help="Days of checklists, ending yesterday.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same history.")
def seed_history_command(shops: int, days: int, seed: int) -> None:
    """Add shops with a realistic past of checklists (safe to run again: adds nothing)."""
    from merch.services.history import seed_history
    from merch.storage import storage_for

    result = seed_history(
        shops,
        days,
        seed,
        utcnow(),
        current_app.config["DEMO_PASSWORD"],
        storage_for(current_app),
        progress=lambda message: click.echo(message, err=True),
    )
    click.echo(
        f"Added {result.shops} shops, {result.submissions} submissions, {result.items} item results, "
        f"{result.photos} photos."
    )


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_command(folder: Path) -> None:
    """Write a consistent copy of the database and every photo file into FOLDER (new or empty)."""
    from merch.database import reading
    from merch.services.backup import BackupError, write_backup
    from merch.storage import storage_for

    try:
        with reading():
            summary = write_backup(folder, db.engine, storage_for(current_app), utcnow())
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Backed up the {summary.database} database ({summary.tables.get('submissions', 0)} submissions,"
        f" {summary.tables.get('photos', 0)} photos) and {summary.photo_files} photo files"
        f" ({summary.photo_bytes / 1_000_000:.1f} MB) into {folder}."
    )


@click.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def restore_command(folder: Path) -> None:
    """Bring back a backup from FOLDER into the empty database named by DATABASE_URL."""
    from merch.services.backup import BackupError, restore_backup
    from merch.storage import storage_for

    db.session.remove()
    try:
        summary = restore_backup(folder, db.engine, storage_for(current_app))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Restored the {summary.database} database ({summary.tables.get('submissions', 0)} submissions,"
        f" {summary.tables.get('photos', 0)} photos) and {summary.photo_files} photo files."
        " Run `flask --app merch init-db` next if this code is newer than the backup."
    )


@click.command("check-storage")
@click.option("--remove-orphans", is_flag=True, help="Delete files no row points at (older than an hour).")
def check_storage_command(remove_orphans: bool) -> None:
    """List photo files no row points at, and rows whose file is missing.

    Exits with status 1 when a row's file is missing or an orphan was left in place.
    """
    from merch.database import reading
    from merch.services.storage_check import ORPHAN_GRACE, check_storage
    from merch.storage import storage_for

    storage = storage_for(current_app)
    with reading():
        report = check_storage(storage, utcnow(), remove_orphans=remove_orphans)
    for key, column, row_id in report.missing:
        click.echo(f"missing  {key}  ({column}, row {row_id})")
    for item in report.orphans:
        state = "removed" if item.key in report.removed else "orphan "
        click.echo(f"{state}  {item.key}  ({item.size} bytes, {item.modified_at:%Y-%m-%d %H:%M} UTC)")
    for item in report.recent_orphans:
        click.echo(f"recent   {item.key}  (no row yet; younger than {ORPHAN_GRACE}, left alone)")
    click.echo(
        f"{storage.description}: {report.files} files, {report.references} references,"
        f" {len(report.missing)} missing, {len(report.orphans)} orphans"
        + (f" ({len(report.removed)} removed)" if remove_orphans else "")
        + f", {len(report.recent_orphans)} recent."
    )
    if report.missing or len(report.orphans) > len(report.removed):
        raise SystemExit(1)


@click.command("evidence-backfill")
@click.option("--batch", "batch_size", type=click.IntRange(1, 10_000), default=200, show_default=True)
@click.option("--after", "after_id", type=click.IntRange(0), default=0, help="Start after this photo id.")
def evidence_backfill_command(batch_size: int, after_id: int) -> None:
    """Fingerprint stored photos that have none (README "Evidence"), a batch at a time.

    Safe to stop and run again: every batch is committed on its own, and a run only
    looks at photos still without a fingerprint.
    """
    from merch.services.evidence import backfill_batch
    from merch.storage import storage_for

    storage = storage_for(current_app)
    totals = {"fingerprinted": 0, "featureless": 0, "missing": 0}
    while (done := backfill_batch(storage, after_id, batch_size)) is not None:
        after_id = done.last_id
        totals["fingerprinted"] += done.fingerprinted
        totals["featureless"] += done.featureless
        totals["missing"] += done.missing
        click.echo(f"up to photo {done.last_id}: {done.fingerprinted} fingerprinted")
    click.echo(
        f"{totals['fingerprinted']} photos fingerprinted, {totals['featureless']} with nothing to compare,"
        f" {totals['missing']} without a display file."
    )


def register(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    from merch.cli_import import import_command

    for command in (
        init_db_command,
        seed_demo_command,
        create_user_command,
        purge_command,
        seed_history_command,
        import_command,
        backup_command,
        restore_command,
        check_storage_command,
        evidence_backfill_command,
    ):
        app.cli.add_command(command)
