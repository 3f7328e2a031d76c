"""Photo files in a folder on disk (the default; share it between app servers, e.g. NFS)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from merch.storage import StoredFile

# Files being written carry this suffix until they are complete; listings skip them.
PARTIAL_SUFFIX = ".partial"


class LocalFolderStorage:
    """Keys are paths below ``root``; a write goes to a temporary name, then is renamed."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.description = f"folder {self.root}"

    def _path(self, key: str) -> Path:
        from merch.storage import valid_key

        return self.root / valid_key(key)

    def put(self, key: str, data: bytes, content_type: str = "image/jpeg") -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}{PARTIAL_SUFFIX}")
        try:
            with open(partial, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def files(self) -> Iterator[StoredFile]:
        from merch.storage import StoredFile

        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if not path.is_file():
                continue
            stat = path.stat()
            # A crashed write leaves a .partial file: listed too, so check-storage sweeps it.
            yield StoredFile(
                key=path.relative_to(self.root).as_posix(),
                size=stat.st_size,
                modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
            )
