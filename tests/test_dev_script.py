"""dev.py, the Quick start's two commands: what a newcomer sees when something is in the way."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

DEV = Path(__file__).resolve().parent.parent / "dev.py"


def run_dev(port: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEV), "run"],
        env={**os.environ, "PORT": port},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_busy_port_gets_one_line_naming_it_and_how_to_pick_another():
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = run_dev(str(port))

    assert result.returncode == 1
    assert result.stdout == ""  # nothing printed before the message, no banner
    assert result.stderr.strip().splitlines() == [
        f"Port {port} is already in use: stop what runs there, or pick another: PORT={port + 1} python3 dev.py run"
    ]


def test_a_port_that_is_no_number_is_refused_in_one_line():
    result = run_dev("http")

    assert result.returncode == 1
    assert "PORT='http' is not a port number" in result.stderr
