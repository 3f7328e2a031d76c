"""The app refuses to serve without a real SECRET_KEY outside debug and testing (issue 12/13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from merch import create_app

ROOT = Path(__file__).resolve().parents[2]
REAL = "0123456789abcdef0123456789abcdef"


def _config(tmp_path, **extra):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite'}", "UPLOAD_FOLDER": str(tmp_path), **extra}


@pytest.fixture
def no_env_secret(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)


@pytest.mark.parametrize("secret", [None, "", "dev", "changeme", "test-secret", "short-key"])
def test_a_server_will_not_start_without_a_real_secret_key(tmp_path, no_env_secret, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_config(tmp_path, SECRET_KEY=secret))


def test_a_real_secret_key_starts(tmp_path, no_env_secret):
    assert create_app(_config(tmp_path, SECRET_KEY=REAL)).config["SECRET_KEY"] == REAL


def test_debug_and_testing_make_a_key_of_their_own(tmp_path, no_env_secret):
    assert create_app(_config(tmp_path, DEBUG=True)).config["SECRET_KEY"]
    assert create_app(_config(tmp_path, TESTING=True)).config["SECRET_KEY"]


def test_flask_commands_that_serve_nothing_still_run_without_one(tmp_path):
    # `flask --app merch db upgrade`, `init-db` …: they sign no cookie.
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "merch", "routes"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert "/api/v1/login" in result.stdout


def test_flask_run_refuses_without_one(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "merch", "run", "--port", "5149"],
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite'}"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
