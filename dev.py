#!/usr/bin/env python3
"""The two Quick start commands: ``python3 dev.py run`` and ``python3 dev.py test``.

Both make a virtual environment in .venv (once), install the pinned requirements into it,
and then run the app with demo data on SQLite, or the test suite. Standard library only,
so it works on a fresh machine with nothing but Python 3.11.
"""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _requirements_stamp(requirements: Path) -> str:
    digest = hashlib.sha256()
    for path in (requirements, ROOT / "requirements.txt"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_environment(requirements: Path) -> None:
    """Create .venv and install ``requirements`` unless they are already installed."""
    if not PYTHON.exists():
        print("Creating .venv …", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except subprocess.CalledProcessError:
            # Debian's system Python ships venv without ensurepip.
            sys.exit(
                "Could not create .venv: install your Python's venv support (Debian: apt-get install python3-venv)."
            )
    stamp_file = VENV / f".installed-{requirements.stem}"
    stamp = _requirements_stamp(requirements)
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    print(f"Installing {requirements.name} …", flush=True)
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(requirements),
        ],
        check=True,
    )
    stamp_file.write_text(stamp)


def flask(*args: str) -> None:
    subprocess.run([str(PYTHON), "-m", "flask", "--app", "merch", *args], check=True, cwd=ROOT)


def _lan_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent, it only picks a route
            return str(probe.getsockname()[0])
    except OSError:
        return None


def port_in_use(port: int) -> bool:
    """Whether something already listens on ``port`` (on any address, as the server binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


def _local_secret_key() -> str:
    """SECRET_KEY for the Quick start: kept in instance/secret_key (the app refuses to
    serve without one outside debug mode)."""
    path = ROOT / "instance" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def run(port: str) -> None:
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"PORT={port!r} is not a port number: use e.g. PORT=5001 python3 dev.py run")
    if port_in_use(int(port)):
        sys.exit(
            f"Port {port} is already in use: stop what runs there, or pick another: "
            f"PORT={int(port) + 1} python3 dev.py run"
        )
    ensure_environment(ROOT / "requirements.txt")
    os.environ.setdefault("SECRET_KEY", _local_secret_key())
    flask("init-db")
    flask("seed-demo")
    password = os.environ.get("MERCH_DEMO_PASSWORD", "demo-pass-123")
    lan = _lan_address()
    print(
        "\nmerch is starting.\n"
        f"  Open   http://127.0.0.1:{port}/"
        + (f"   (on a phone on the same network: http://{lan}:{port}/)" if lan else "")
        + "\n"
        f"  Logins (password {password}):\n"
        "    staff1  shop assistant, ZZ001 郑州二七店\n"
        "    staff2  shop assistant, LY001 洛阳王城店\n"
        "    demo    shop assistant, ZZ900 演示店 (opens 01:00: a checklist to fill at any hour)\n"
        "    super1  area supervisor, HN-ZZ\n"
        "    admin   brand admin\n",
        flush=True,
    )
    os.execv(
        str(PYTHON),
        [str(PYTHON), "-m", "flask", "--app", "merch", "run", "--host", "0.0.0.0", "--port", port],
    )


def test(extra: list[str]) -> int:
    ensure_environment(ROOT / "requirements-dev.txt")
    return subprocess.run([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "help"
    if command == "run":
        run(os.environ.get("PORT", "5000"))
        return 0
    if command == "test":
        return test(argv[2:])
    print(__doc__)
    print("usage: python3 dev.py run | test [pytest arguments]")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
