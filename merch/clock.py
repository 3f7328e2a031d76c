"""The request's clock, injectable through the app config (tests pin it with ``CLOCK``)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app


def system_clock() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Now, as an aware UTC datetime, from the app's configured clock."""
    clock = current_app.config.get("CLOCK") or system_clock
    moment = clock()
    if moment.tzinfo is None:
        raise ValueError("the configured CLOCK must return aware datetimes")
    return moment.astimezone(UTC)
