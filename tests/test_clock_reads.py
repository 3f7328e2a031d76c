"""Nothing outside merch/clock.py reads the wall clock: time is an input everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import merch

PACKAGE = Path(merch.__file__).resolve().parent
CLOCK_MODULE = PACKAGE / "clock.py"
# (object, attribute) pairs that read the wall clock.
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
}


def wall_clock_reads(source: str) -> list[tuple[int, str]]:
    """Lines of ``source`` that call one of the wall-clock functions, however imported."""
    tree = ast.parse(source)
    aliases: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"datetime", "time"}:
            for name in node.names:
                aliases[name.asname or name.name] = (node.module, name.name)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, func.attr) in WALL_CLOCK_CALLS:
                found.append((node.lineno, f"{owner_name}.{func.attr}"))
        elif isinstance(func, ast.Name) and func.id in aliases:
            module, name = aliases[func.id]
            if (module, name) in WALL_CLOCK_CALLS:
                found.append((node.lineno, f"{module}.{name}"))
    return found


def test_no_module_but_the_clock_reads_the_wall_clock():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {call}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != CLOCK_MODULE
        for line, call in wall_clock_reads(path.read_text(encoding="utf-8"))
    ]

    assert offenders == [], "read merch.clock.utcnow() instead:\n" + "\n".join(offenders)


def test_the_check_finds_every_spelling_of_a_clock_read():
    source = (
        "import datetime as dt\nfrom datetime import date, datetime\nimport time\nfrom time import time as now\n"
        "a = datetime.now()\nb = dt.datetime.utcnow()\nc = date.today()\nd = time.time()\ne = now()\n"
        "f = datetime(2026, 1, 1)\n"
    )

    assert [line for line, _ in wall_clock_reads(source)] == [5, 6, 7, 8, 9]
