"""Photo files: one interface, two back ends (a folder, or S3-compatible object storage).

Every photo file the app writes or reads goes through a :class:`PhotoStorage` (``storage_for
(app)``); nothing else opens the upload folder or talks to the bucket. Keys are relative,
slash-separated paths such as ``shop-3/2026-11/<random>.jpg``: the same key names the same
file in either back end, so ``backup``/``restore`` and ``check-storage`` work on both.

Files are written before the database rows that point at them are committed and removed
again if the commit fails, so a failed request leaves nothing behind. A process killed in
between leaves files no row points at: ``flask --app merch check-storage --remove-orphans``
sweeps them (only those older than a grace period, so an upload still in flight is safe).

No Flask import here beyond the app handle in ``storage_for``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from merch.storage.folder import LocalFolderStorage
from merch.storage.s3 import S3Storage

__all__ = [
    "LocalFolderStorage",
    "PhotoStorage",
    "S3Storage",
    "StoredFile",
    "photo_keys",
    "storage_from_config",
    "storage_for",
    "valid_key",
]


@dataclass(frozen=True)
class StoredFile:
    """One file in storage: its key, size and when it was last written (UTC)."""

    key: str
    size: int
    modified_at: datetime


class PhotoStorage(Protocol):
    """Where photo files live. Keys are validated relative paths (:func:`valid_key`)."""

    description: str

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        """Write ``data`` under ``key`` (the whole file or nothing: never a torn file)."""

    def get(self, key: str) -> bytes | None:
        """The file's bytes, or None when there is no such file."""

    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    def files(self) -> Iterator[StoredFile]:
        """Every stored file, in no particular order."""


def valid_key(key: str) -> str:
    """Refuse keys that could leave the storage root; return the key unchanged."""
    parts = key.split("/")
    if not key or key.startswith("/") or "\\" in key or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key


def photo_keys(shop_id: int, day: date) -> tuple[str, str]:
    """New, unguessable keys for one photo's display copy and thumbnail.

    By shop id, not code: a code is typed by people and must never become a path.
    """
    stem = f"shop-{shop_id}/{day:%Y-%m}/{secrets.token_hex(16)}"
    return f"{stem}.jpg", f"{stem}.thumb.jpg"


def storage_from_config(config: Mapping[str, Any]) -> PhotoStorage:
    """Object storage when ``S3_BUCKET`` is set (``MERCH_S3_BUCKET``), else the upload folder."""
    bucket = config.get("S3_BUCKET")
    if bucket:
        return S3Storage(
            bucket=bucket,
            prefix=config.get("S3_PREFIX") or "",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        )
    return LocalFolderStorage(config["UPLOAD_FOLDER"])


def storage_for(app: Any) -> PhotoStorage:
    """The app's photo storage, made once per app from its config."""
    storage = app.extensions.get("merch_storage")
    if storage is None:
        storage = app.extensions["merch_storage"] = storage_from_config(app.config)
    return storage  # type: ignore[no-any-return]
