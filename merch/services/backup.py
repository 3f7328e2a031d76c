"""Backups: a consistent copy of the database and of every photo file, and bringing it back.

A backup folder holds ``manifest.json``, the database (``database.sqlite`` made with
SQLite's online backup API, or ``database.pgdump`` from ``pg_dump --format=custom``) and
``photos/<key>`` for every stored file. The database is copied first, then the files: a
photo row is committed only after its files are written, so every row in the copy finds its
file (files written later are extra and show up as orphans in ``check-storage``).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL, Engine

from merch.storage import PhotoStorage, valid_key

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"
PHOTOS = "photos"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class BackupSummary:
    database: str
    tables: dict[str, int]
    photo_files: int
    photo_bytes: int


def _pg_command(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` (without the password) and the environment."""
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    try:
        finished = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)") from None
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def _row_counts(engine: Engine) -> dict[str, int]:
    from merch.extensions import db

    counts: dict[str, int] = {}
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in present:
                counts[table.name] = connection.scalar(select(func.count()).select_from(table)) or 0
    return counts


def write_backup(folder: Path, engine: Engine, storage: PhotoStorage, now: datetime) -> BackupSummary:
    """Write a backup of the database behind ``engine`` and of ``storage`` into ``folder``."""
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    folder.mkdir(parents=True, exist_ok=True)
    url = engine.url
    kind = url.get_backend_name()
    tables = _row_counts(engine)
    if kind == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        source = sqlite3.connect(url.database)
        target = sqlite3.connect(folder / SQLITE_FILE)
        try:
            with target:
                source.backup(target)  # a consistent snapshot, even while others write
        finally:
            target.close()
            source.close()
    elif kind == "postgresql":
        dsn, environment = _pg_command(url)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / PG_FILE), dsn],
            environment,
        )
    else:
        raise BackupError(f"cannot back up a {kind} database")

    photos = folder / PHOTOS
    count = size = 0
    for stored in storage.files():
        data = storage.get(stored.key)
        if data is None:  # removed since the listing (an orphan swept meanwhile)
            continue
        path = photos / valid_key(stored.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        count += 1
        size += len(data)
    manifest = {
        "format": FORMAT_VERSION,
        "database": kind,
        "created_at": now.isoformat(),
        "tables": tables,
        "photo_files": count,
        "photo_bytes": size,
        "storage": storage.description,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupSummary(kind, tables, count, size)


def read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} holds no backup ({MANIFEST} is missing)") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{folder / MANIFEST} is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{folder} is not a backup this version can read")
    return manifest


def restore_backup(folder: Path, engine: Engine, storage: PhotoStorage) -> BackupSummary:
    """Bring a backup back into the empty database behind ``engine`` and into ``storage``."""
    manifest = read_manifest(folder)
    url = engine.url
    kind = url.get_backend_name()
    if manifest["database"] != kind:
        raise BackupError(f"the backup is of a {manifest['database']} database; DATABASE_URL names a {kind} one")
    existing = inspect(engine).get_table_names()
    if existing:
        raise BackupError(f"the database is not empty ({len(existing)} tables): restore only into an empty database")
    engine.dispose()
    if kind == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("cannot restore into an in-memory SQLite database")
        source = sqlite3.connect(folder / SQLITE_FILE)
        target = sqlite3.connect(url.database)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        dsn, environment = _pg_command(url)
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", dsn, str(folder / PG_FILE)],
            environment,
        )

    photos = folder / PHOTOS
    count = size = 0
    if photos.is_dir():
        for path in sorted(photos.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                storage.put(path.relative_to(photos).as_posix(), data)
                count += 1
                size += len(data)
    if count != manifest.get("photo_files"):
        raise BackupError(f"the backup lists {manifest.get('photo_files')} photo files but holds {count}")
    return BackupSummary(kind, _row_counts(engine), count, size)
