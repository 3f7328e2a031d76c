"""Password hashing (issue 11, item 1): argon2id with OWASP's parameters for every new
hash, older hashes still accepted and replaced at the next sign-in, and a cheap hash
that only the test suite may use."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from merch import create_app
from merch.extensions import db
from merch.models import User
from merch.passwords import ARGON2ID, TESTING_ONLY, PasswordPolicy, PasswordSettingError, policy_from_config
from merch.services.imports import import_csv
from tests.conftest import api_login, page_login
from tests.factories import PASSWORD, make_user

ARGON2 = PasswordPolicy(ARGON2ID)
CHEAP = PasswordPolicy(TESTING_ONLY)


@pytest.fixture
def app_settings():
    return {"PASSWORD_HASH_METHOD": ARGON2ID}


def test_a_new_hash_is_argon2id_with_owasps_parameters():
    stored = ARGON2.hash("correct-horse-9")

    assert ARGON2.describe(stored) == "$argon2id$v=19$m=19456,t=2,p=1"
    assert ARGON2.verify(stored, "correct-horse-9")
    assert not ARGON2.verify(stored, "correct-horse-0")
    assert not ARGON2.needs_rehash(stored)


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256:600000"])
def test_hashes_of_before_still_verify_and_are_marked_for_replacement(method):
    stored = generate_password_hash("correct-horse-9", method=method)

    assert ARGON2.verify(stored, "correct-horse-9")
    assert not ARGON2.verify(stored, "correct-horse-0")
    assert ARGON2.needs_rehash(stored)


def test_weaker_argon2_parameters_are_marked_for_replacement():
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("correct-horse-9")

    assert ARGON2.verify(weak, "correct-horse-9")
    assert ARGON2.needs_rehash(weak)


@pytest.mark.parametrize(
    "stored", ["", "nonsense", "$argon2id$v=19$m=19456,t=2,p=1$broken", "md5$salt$digest", "scrypt:1:1:1$x$y"]
)
def test_a_malformed_stored_hash_matches_nothing(stored):
    assert not ARGON2.verify(stored, "correct-horse-9")
    assert not CHEAP.verify(stored, "correct-horse-9")


def test_the_testing_hash_is_never_accepted_outside_the_testing_policy():
    cheap = CHEAP.hash("correct-horse-9")

    assert CHEAP.verify(cheap, "correct-horse-9")
    assert not CHEAP.verify(cheap, "correct-horse-0")
    assert not ARGON2.verify(cheap, "correct-horse-9")
    assert ARGON2.needs_rehash(cheap)
    # The testing policy accepts real hashes and never trades one for its own.
    real = ARGON2.hash("correct-horse-9")
    assert CHEAP.verify(real, "correct-horse-9") and not CHEAP.needs_rehash(real)


def test_the_testing_hash_is_refused_unless_testing(tmp_path):
    with pytest.raises(PasswordSettingError, match="test suite only"):
        policy_from_config({"PASSWORD_HASH_METHOD": TESTING_ONLY, "TESTING": False})
    with pytest.raises(PasswordSettingError, match="test suite only"):
        create_app(
            {
                "SECRET_KEY": "r" * 40,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}",
                "PASSWORD_HASH_METHOD": TESTING_ONLY,
            }
        )
    with pytest.raises(PasswordSettingError, match="must be one of"):
        policy_from_config({"PASSWORD_HASH_METHOD": "md5", "TESTING": True})
    assert policy_from_config({}).method == ARGON2ID


def test_a_user_made_now_gets_an_argon2id_hash(app):
    user = make_user("staff")
    db.session.commit()

    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


def _legacy_user(username: str, method: str = "scrypt") -> User:
    user = make_user("staff", username=username)
    user.password_hash = generate_password_hash(PASSWORD, method=method)
    db.session.commit()
    return user


def _stored_hash(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).password_hash


def test_an_api_sign_in_replaces_an_scrypt_hash_and_the_password_still_works(app, client):
    user = _legacy_user("legacy1")

    api_login(client, "legacy1")

    stored = _stored_hash(user.id)
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert ARGON2.verify(stored, PASSWORD)
    api_login(client, "legacy1")
    assert _stored_hash(user.id) == stored  # a current hash is left alone


def test_a_page_sign_in_replaces_a_pbkdf2_hash(app, client):
    user = _legacy_user("legacy2", method="pbkdf2:sha256:600000")

    page_login(client, "legacy2")

    assert _stored_hash(user.id).startswith("$argon2id$")


def test_a_failed_sign_in_leaves_an_old_hash_alone(app, client):
    user = _legacy_user("legacy3")
    before = _stored_hash(user.id)

    response = client.post("/api/v1/login", json={"username": "legacy3", "password": "not-the-password"})

    assert response.status_code == 401
    assert _stored_hash(user.id) == before


def test_imported_users_get_argon2id_hashes_from_the_hashing_workers(app, clock):
    lines = ["username,name,role,shop,area,language,password"]
    lines += [f"boss{n},Boss {n},admin,,,en,initial-pass-{n}" for n in range(10)]  # 8 or more: the worker pool
    report = import_csv(("\n".join(lines) + "\n").encode(), actor=None, now=clock(), dry_run=False, source="users.csv")

    assert not report.errors and report.created == 10
    stored = db.session.get(User, db.session.query(User.id).filter_by(username="boss7").scalar()).password_hash
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert ARGON2.verify(stored, "initial-pass-7")


@pytest.mark.parametrize("app_settings", [{}])  # the suite's own setting (tests/conftest.py)
def test_the_test_suite_hashes_with_the_cheap_method(app):
    user = make_user("staff")
    db.session.commit()

    assert user.password_hash.startswith(TESTING_ONLY + "$")
    assert user.check_password(PASSWORD) and not user.check_password("wrong")
