"""Password and PIN hashing: the one place that decides how every hash is made and checked.

New hashes are argon2id with OWASP's parameters (Password Storage Cheat Sheet: m = 19 MiB,
t = 2, p = 1), OWASP's first choice, and a quarter of the CPU of werkzeug's scrypt
(n = 2^15) the app used before. Hashes made before (werkzeug's ``scrypt:`` and
``pbkdf2:``) keep verifying; ``needs_rehash`` tells the sign-in to replace such a hash
once the password has been checked.

``PASSWORD_HASH_METHOD`` chooses the method. The only other one is ``testing-sha256``: a
salted SHA-256, no work factor, for the test suite's thousands of users and sign-ins
(like Django's MD5 hasher in tests). ``create_app`` refuses it unless ``TESTING``, and an
app set to argon2id never accepts a password against such a hash.

The checks themselves are plain functions; only ``active_policy`` looks at the app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

ARGON2ID = "argon2id"
TESTING_ONLY = "testing-sha256"
METHODS = (ARGON2ID, TESTING_ONLY)
DEFAULT_METHOD = ARGON2ID

# OWASP Password Storage Cheat Sheet, argon2id: "a minimum configuration of 19 MiB of
# memory, an iteration count of 2, and 1 degree of parallelism".
ARGON2_MEMORY_KIB = 19 * 1024
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

_ARGON2 = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)
_TESTING_PREFIX = TESTING_ONLY + "$"
_EXTENSION = "merch.passwords"


class PasswordSettingError(RuntimeError):
    """PASSWORD_HASH_METHOD names no method, or the testing one outside tests."""


@dataclass(frozen=True)
class PasswordPolicy:
    """How new hashes are made; which stored hashes are accepted and which are outdated."""

    method: str = DEFAULT_METHOD

    def hash(self, secret: str) -> str:
        """A new hash of a password or PIN, in this policy's method (slow: outside transactions)."""
        if self.method == TESTING_ONLY:
            salt = secrets.token_hex(8)
            return f"{_TESTING_PREFIX}{salt}${_sha256(salt, secret)}"
        return _ARGON2.hash(secret)

    def verify(self, stored: str | None, secret: str) -> bool:
        """Whether ``secret`` is the one ``stored`` was made from; a malformed hash matches nothing."""
        if not stored:
            return False
        if stored.startswith("$argon2"):
            try:
                return bool(_ARGON2.verify(stored, secret))
            except (VerificationError, InvalidHashError):
                return False
        if stored.startswith(_TESTING_PREFIX):
            if self.method != TESTING_ONLY:
                return False  # never a way in outside the test suite
            _, salt, digest = (stored.split("$", 2) + ["", ""])[:3]
            return hmac.compare_digest(digest, _sha256(salt, secret))
        try:
            return check_password_hash(stored, secret)  # werkzeug's scrypt: and pbkdf2: of before
        except ValueError:
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether a hash that just verified should be replaced by a new one.

        Older methods and weaker argon2 parameters are replaced; the testing policy
        leaves argon2id hashes alone (it never weakens one).
        """
        if stored.startswith("$argon2id$"):
            return self.method == ARGON2ID and bool(_ARGON2.check_needs_rehash(stored))
        if stored.startswith(_TESTING_PREFIX):
            return self.method != TESTING_ONLY
        return True

    def verify_dummy(self, secret: str) -> None:
        """The same work as checking a real user's password, for an unknown username, so
        a wrong username takes as long as a wrong password."""
        self.verify(_dummy_hash(self), secret)

    def describe(self, stored: str) -> str:
        """The method and cost a stored hash names, without salt or digest (e.g.
        ``$argon2id$v=19$m=19456,t=2,p=1``): what a check of it costs."""
        if stored.startswith("$"):
            return "$".join(stored.split("$")[:4])
        return stored.split("$", 1)[0]


@cache
def _dummy_hash(policy: PasswordPolicy) -> str:
    return policy.hash(secrets.token_hex(8))


def _sha256(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode("utf-8", "backslashreplace")).hexdigest()


def policy_from_config(config: Mapping[str, Any]) -> PasswordPolicy:
    """The policy an app's settings ask for; raises ``PasswordSettingError`` for an
    unknown method, or for the testing one when ``TESTING`` is off."""
    method = str(config.get("PASSWORD_HASH_METHOD") or DEFAULT_METHOD)
    if method not in METHODS:
        raise PasswordSettingError(f"PASSWORD_HASH_METHOD must be one of {', '.join(METHODS)}, not {method!r}")
    if method == TESTING_ONLY and not config.get("TESTING"):
        raise PasswordSettingError(
            f"PASSWORD_HASH_METHOD={TESTING_ONLY} is for the test suite only (it has no work factor): "
            f"unset it or use {ARGON2ID}"
        )
    return PasswordPolicy(method)


def install(extensions: dict[str, Any], config: Mapping[str, Any]) -> PasswordPolicy:
    """Check the app's setting and keep its policy with the app (``create_app`` calls it)."""
    policy = policy_from_config(config)
    extensions[_EXTENSION] = policy
    return policy


def active_policy() -> PasswordPolicy:
    """The current app's policy; outside an app the production default.

    Worker threads (the import's hashing pool) have no app: take the policy before
    starting them and hand it over.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        policy = current_app.extensions.get(_EXTENSION)
        if isinstance(policy, PasswordPolicy):
            return policy
    return PasswordPolicy()


def hash_password(secret: str) -> str:
    """A new hash of a password or PIN under the current app's policy."""
    return active_policy().hash(secret)


def verify_password(stored: str | None, secret: str) -> bool:
    """Whether ``secret`` matches ``stored`` under the current app's policy."""
    return active_policy().verify(stored, secret)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash that just verified should be replaced (older method or cost)."""
    return active_policy().needs_rehash(stored)


def verify_dummy(secret: str) -> None:
    """One check of the cost of a real one, against nobody's hash."""
    active_policy().verify_dummy(secret)
