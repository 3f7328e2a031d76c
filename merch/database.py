"""Engine set-up that SQLite needs to behave under concurrent shops, and the two
transaction helpers every service uses.

SQLite in WAL mode still answers "database is locked" when two deferred transactions
both try to upgrade to writing; starting a writing transaction with BEGIN IMMEDIATE
takes the write lock up front, so the second writer waits (busy timeout) instead.

The lock must be held only while rows are written, never while a phone's upload
arrives, a password is hashed or a photo decoded:

- the whole request body is read before the view runs (``merch.request_body``);
- ``reading()``: a block of reads in a deferred transaction (no write lock) that ends
  with the block, keeping what it loaded, so what follows holds no lock and no
  connection;
- ``writing()``: a block of writes in one short transaction that takes the write lock
  at its start and commits at its end (rolls back if the block raises).

Outside those blocks a GET reads in deferred transactions and any other method begins
with BEGIN IMMEDIATE, so code that writes without the helpers is still safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

BUSY_TIMEOUT_MS = 10_000

_read_only: ContextVar[bool] = ContextVar("merch_read_only", default=False)


def configure_engine(engine: Engine) -> None:
    """Apply per-connection settings for the engine's backend."""
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
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


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # No JIT compilation: every query here answers a request in milliseconds, and
        # PostgreSQL compiles any query its planner costs above jit_above_cost, whatever
        # it really takes; the board's last-change lookup (1.5 ms) spent 40 ms compiling.
        # Set outside a transaction so that the pool's rollback does not undo it.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.autocommit = autocommit


def mark_read_only(read_only: bool) -> None:
    """Declare whether transactions begun from now on in this context only read."""
    _read_only.set(read_only)


def _mark_wrote(session: Session, _context: Any) -> None:
    session.info["merch_wrote"] = True


def _mark_ended(session: Session, _transaction: Any) -> None:
    if _transaction.parent is None:
        session.info.pop("merch_wrote", None)


def track_writes() -> None:
    """Let ``release`` tell a transaction that only read from one that wrote."""
    if not event.contains(Session, "after_flush", _mark_wrote):
        event.listen(Session, "after_flush", _mark_wrote)
        event.listen(Session, "after_transaction_end", _mark_ended)


def release() -> None:
    """End the transaction in progress if it only read, without expiring what it loaded.

    Its lock (SQLite) and its pooled connection go back at once; the objects it loaded
    stay usable as they were read. A transaction holding writes (pending or flushed) is
    left alone: only its own code may commit it.
    """
    from merch.extensions import db

    session = db.session()
    if not session.in_transaction():
        return
    if session.new or session.dirty or session.deleted or session.info.get("merch_wrote"):
        return
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


@contextmanager
def reading() -> Iterator[None]:
    """A block that only reads: a deferred transaction, ended (kept loaded) with the block."""
    release()
    token = _read_only.set(True)
    try:
        yield
    finally:
        release()
        _read_only.reset(token)


@contextmanager
def writing() -> Iterator[None]:
    """A block of writes in one short transaction: write lock at its start, commit at its end."""
    from merch.extensions import db

    release()
    token = _read_only.set(False)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _read_only.reset(token)
