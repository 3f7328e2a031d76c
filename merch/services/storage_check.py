"""Photo files against the rows that point at them: orphans, and rows whose file is gone.

A row points at a stored file through a string column whose name ends in ``_path`` (today
``photos.display_path`` and ``photos.thumb_path``); any table that stores files keeps to
that naming, so this check and ``backup`` cover it without a change here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import String, Table, select

from merch.extensions import db
from merch.storage import PhotoStorage, StoredFile

# A file younger than this may belong to an upload whose rows are not committed yet.
ORPHAN_GRACE = timedelta(hours=1)


def file_columns() -> list[tuple[Table, str]]:
    """Every (table, column) that holds a storage key."""
    found: list[tuple[Table, str]] = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_path") and isinstance(column.type, String):
                found.append((table, column.name))
    return found


def referenced_keys() -> Iterator[tuple[str, str, object]]:
    """(key, "table.column", row id) for every stored-file reference in the database."""
    for table, name in file_columns():
        column = table.c[name]
        ident = table.c["id"] if "id" in table.c else column
        for row_id, key in db.session.execute(select(ident, column).where(column.is_not(None))):
            yield key, f"{table.name}.{name}", row_id


@dataclass
class StorageReport:
    """What ``check-storage`` found."""

    orphans: list[StoredFile] = field(default_factory=list)  # files no row points at
    recent_orphans: list[StoredFile] = field(default_factory=list)  # same, but maybe in flight
    missing: list[tuple[str, str, object]] = field(default_factory=list)  # (key, column, row id)
    files: int = 0
    references: int = 0
    removed: list[str] = field(default_factory=list)


def check_storage(storage: PhotoStorage, now: datetime, *, remove_orphans: bool = False) -> StorageReport:
    """Compare storage with the database; optionally remove orphans older than the grace period."""
    report = StorageReport()
    stored = {item.key: item for item in storage.files()}
    report.files = len(stored)
    referenced: set[str] = set()
    for key, column, row_id in referenced_keys():
        report.references += 1
        referenced.add(key)
        if key not in stored:
            report.missing.append((key, column, row_id))
    for key in sorted(set(stored) - referenced):
        item = stored[key]
        if now - item.modified_at < ORPHAN_GRACE:
            report.recent_orphans.append(item)
        else:
            report.orphans.append(item)
    if remove_orphans:
        for item in report.orphans:
            storage.delete(item.key)
            report.removed.append(item.key)
    return report
