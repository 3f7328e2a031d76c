"""Sign-in throttling that an attacker cannot turn against the user.

Failures are counted three ways, each with a delay that doubles with every failure past
a free allowance, measured from the latest failure:

- per account and address: one address guessing one account slows down quickly;
- per account, but only for addresses that have themselves failed on it: guessing from
  many addresses shares one growing delay, while the real user on an address that has
  not failed still signs in with the right password;
- per address: one address trying many accounts slows down; the allowance is wide, since
  a shop's phones share one address.

Counts are forgotten after a quiet window. The client address is what the documented
proxy set-up says (ProxyFix with ``MERCH_PROXY_COUNT`` proxies). The counts live where
every app server sees them: the database by default, Redis when ``MERCH_REDIS_URL`` is
set.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, func, select

from merch.extensions import db
from merch.models import SignInFailure


@dataclass(frozen=True)
class ThrottlePolicy:
    window: timedelta = timedelta(minutes=15)
    per_account_and_address: int = 3
    per_account: int = 10
    # A shop's one phone is many people behind one address; the address limit is wider.
    per_address: int = 50
    first_delay: timedelta = timedelta(seconds=1)
    max_delay: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        return cls(
            window=timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]),
            per_account_and_address=config["SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
            per_account=config["SIGN_IN_FAILURES_PER_USERNAME"],
            per_address=config["SIGN_IN_FAILURES_PER_ADDRESS"],
            first_delay=timedelta(seconds=config["SIGN_IN_FIRST_DELAY_SECONDS"]),
            max_delay=timedelta(seconds=config["SIGN_IN_MAX_DELAY_SECONDS"]),
        )

    def delay(self, failures: int, allowance: int) -> timedelta:
        """How long after the latest failure the next attempt must wait."""
        if failures < allowance:
            return timedelta(0)
        doublings = min(failures - allowance, 40)
        return min(self.max_delay, self.first_delay * (2**doublings))


@dataclass(frozen=True)
class Tally:
    """Recent failures of one kind: how many, and when the latest was."""

    count: int = 0
    last: datetime | None = None


@dataclass(frozen=True)
class Tallies:
    pair: Tally
    account: Tally
    address: Tally


class FailureStore(Protocol):
    """Where failures are counted; shared by every app server."""

    def tallies(self, account: str, address: str, since: datetime) -> Tallies: ...

    def record_failure(self, account: str, address: str, now: datetime, window: timedelta) -> None: ...

    def clear_account(self, account: str) -> None: ...


def account_key(username: str) -> str:
    """The username as counted: case and spaces ignored, storable anywhere (no NUL, no lone surrogate)."""
    text = username.strip().lower().encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("\x00", "\\x00")[:64]


def address_key(address: str | None) -> str:
    return (address or "unknown")[:64]


def retry_after(store: FailureStore, username: str, address: str, now: datetime, policy: ThrottlePolicy) -> int | None:
    """Seconds to wait before another attempt, or None when an attempt may be made."""
    tallies = store.tallies(account_key(username), address_key(address), now - policy.window)
    limits = [(tallies.pair, policy.per_account_and_address), (tallies.address, policy.per_address)]
    if tallies.pair.count:
        limits.append((tallies.account, policy.per_account))
    waits = [
        (tally.last + policy.delay(tally.count, allowance) - now).total_seconds()
        for tally, allowance in limits
        if tally.last is not None
    ]
    longest = max(waits, default=0.0)
    return max(1, math.ceil(longest)) if longest > 0 else None


def record_failure(store: FailureStore, username: str, address: str, now: datetime, policy: ThrottlePolicy) -> None:
    store.record_failure(account_key(username), address_key(address), now, policy.window)


def clear_failures(store: FailureStore, username: str) -> None:
    """A successful sign-in starts the account's counts again (the address's stay)."""
    store.clear_account(account_key(username))


class DatabaseFailures:
    """Failures as rows of ``sign_in_failures``; write calls belong in ``writing()``."""

    def tallies(self, account: str, address: str, since: datetime) -> Tallies:
        def tally(*conditions: Any) -> Tally:
            count, last = db.session.execute(
                select(func.count(), func.max(SignInFailure.at)).where(SignInFailure.at > since, *conditions)
            ).one()
            if last is not None and last.tzinfo is None:
                last = last.replace(tzinfo=UTC)
            return Tally(count or 0, last)

        return Tallies(
            pair=tally(SignInFailure.username == account, SignInFailure.address == address),
            account=tally(SignInFailure.username == account),
            address=tally(SignInFailure.address == address),
        )

    def record_failure(self, account: str, address: str, now: datetime, window: timedelta) -> None:
        db.session.execute(delete(SignInFailure).where(SignInFailure.at <= now - window))
        db.session.add(SignInFailure(username=account, address=address, at=now))
        db.session.flush()

    def clear_account(self, account: str) -> None:
        db.session.execute(delete(SignInFailure).where(SignInFailure.username == account))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class RedisFailures:
    """Failures as Redis hashes that expire after a quiet window.

    One hash per account (its count, latest time, and the same per address that failed
    on it) and one per address, so clearing an account is one DEL.
    """

    def __init__(self, client: Any, prefix: str = "merch:sign-in:") -> None:
        self.client = client
        self.prefix = prefix

    def _account(self, account: str) -> str:
        return f"{self.prefix}account:{_digest(account)}"

    def _address(self, address: str) -> str:
        return f"{self.prefix}address:{_digest(address)}"

    def tallies(self, account: str, address: str, since: datetime) -> Tallies:
        pair = f"pair:{_digest(address)}"
        pipe = self.client.pipeline(transaction=False)
        pipe.hmget(self._account(account), "n", "last", f"{pair}:n", f"{pair}:last")
        pipe.hmget(self._address(address), "n", "last")
        (account_n, account_last, pair_n, pair_last), (address_n, address_last) = pipe.execute()

        def tally(count: Any, last: Any) -> Tally:
            if count is None or last is None:
                return Tally()
            moment = datetime.fromtimestamp(float(last), UTC)
            return Tally(int(count), moment) if moment > since else Tally()

        return Tallies(
            pair=tally(pair_n, pair_last),
            account=tally(account_n, account_last),
            address=tally(address_n, address_last),
        )

    def record_failure(self, account: str, address: str, now: datetime, window: timedelta) -> None:
        pair = f"pair:{_digest(address)}"
        stamp = repr(now.timestamp())
        seconds = max(1, int(window.total_seconds()))
        pipe = self.client.pipeline(transaction=True)
        account_hash, address_hash = self._account(account), self._address(address)
        pipe.hincrby(account_hash, "n", 1)
        pipe.hincrby(account_hash, f"{pair}:n", 1)
        pipe.hset(account_hash, mapping={"last": stamp, f"{pair}:last": stamp})
        pipe.expire(account_hash, seconds)
        pipe.hincrby(address_hash, "n", 1)
        pipe.hset(address_hash, "last", stamp)
        pipe.expire(address_hash, seconds)
        pipe.execute()

    def clear_account(self, account: str) -> None:
        self.client.delete(self._account(account))


def failure_store(config: Mapping[str, Any]) -> FailureStore:
    """Redis when ``REDIS_URL`` is configured, else the database."""
    url = config.get("REDIS_URL")
    if not url:
        return DatabaseFailures()
    return RedisFailures(_redis_client(url), config.get("REDIS_PREFIX", "merch:sign-in:"))


_clients: dict[str, Any] = {}


def _redis_client(url: str) -> Any:
    # One client (and connection pool) per URL and process.
    client = _clients.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        _clients[url] = client
    return client
