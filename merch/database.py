"""Engine set-up that SQLite needs to behave under concurrent shops.

SQLite in WAL mode still answers "database is locked" when two deferred transactions
both try to upgrade to writing; starting every writing transaction with BEGIN IMMEDIATE
takes the write lock up front, so the second writer waits (busy timeout) instead.
Requests that only read (GET) begin deferred transactions so they never queue behind a
writer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_MS = 10_000

_read_only: ContextVar[bool] = ContextVar("merch_read_only", default=False)


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings for the engine's backend."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def mark_read_only(read_only: bool) -> None:
    """Declare whether transactions begun from now on in this context only read."""
    _read_only.set(read_only)


@contextmanager
def reading_only() -> Iterator[None]:
    """Run a block whose transactions only read (used by read-only commands)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)
