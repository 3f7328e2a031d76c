#!/usr/bin/env python3
"""Rankings, trend, export (and the board, when it exists) on 500 shops × 365 days of history.

Run by hand from the repository root, against a database seeded with history:

    DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app merch init-db
    DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/flask --app merch seed-history --shops 500 --days 365
    DATABASE_URL=sqlite:////tmp/bench.sqlite .venv/bin/python benchmarks/rankings.py [--runs 21] [--only TEXT]

(the same with ``postgresql+psycopg://…``). Each call goes through the app as a client
would (bearer token, JSON or CSV), and the bare aggregate beside it is the one GROUP BY over
the same period's live opening/closing submissions that any ranking must read. Runs of a
call and its aggregate alternate, so background load falls on both alike. Targets: the
rankings call within 3× its bare aggregate; board, trend and export of one area under
100 ms at the 95th percentile. Creates one admin user, ``bench-admin``, if missing.

``--only TEXT`` (repeatable) runs only the calls whose name contains TEXT, e.g.
``--only rankings`` or ``--only "30 days"``: enough to check one change without the minutes
the exports take.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, text  # noqa: E402

from merch import create_app  # noqa: E402
from merch.checklists import business_date_of  # noqa: E402
from merch.clock import utcnow  # noqa: E402
from merch.extensions import db  # noqa: E402
from merch.models import Submission, User  # noqa: E402
from merch.services.setup import create_user  # noqa: E402

PASSWORD = "bench-pass-123"
AREA = "H-01"
STORE = "H0001"

BARE = text(
    "SELECT shop_id, count(*), sum(CASE WHEN late THEN 1 ELSE 0 END), sum(score) FROM submissions "
    "WHERE business_date BETWEEN :start AND :end AND status <> 'sent_back' "
    "AND shift IN ('opening', 'closing') GROUP BY shop_id"
)


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this process's CPU milliseconds of one call.

    On a shared machine the wall clock also counts time spent waiting for a core; the CPU
    time does not (with SQLite it includes the query, which runs in this process).
    """
    start, cpu = time.perf_counter(), time.process_time()
    call()
    return (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--only", action="append", default=[], metavar="TEXT", help="run only the calls whose name contains TEXT"
    )
    args = parser.parse_args()
    # A throwaway key: the benchmark signs in through the API only.
    app = create_app({"SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32)})
    with app.app_context():
        rows = db.session.scalar(select(func.count(Submission.id)))
        shops = db.session.scalar(text("SELECT count(*) FROM shops"))
        if db.session.scalar(select(User.id).where(User.username == "bench-admin")) is None:
            create_user("bench-admin", "Benchmark", "admin", PASSWORD)
            db.session.commit()
        today = business_date_of(utcnow(), "Asia/Shanghai")
        dialect = db.engine.dialect.name
    client = app.test_client()
    token = client.post("/api/v1/login", json={"username": "bench-admin", "password": PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def get(url: str) -> Callable[[], object]:
        def call() -> object:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:200])
            return response.get_data()

        return call

    def bare(days: int) -> Callable[[], object]:
        # bare(60) is what a 30-day ranking reads: its period and the one before it
        # (for previous_rank).
        start, end = today - timedelta(days=days - 1), today

        def call() -> object:
            with app.app_context():
                return db.session.execute(BARE, {"start": start, "end": end}).all()

        return call

    month_ago = (today - timedelta(days=29)).isoformat()
    week_ago = (today - timedelta(days=6)).isoformat()
    calls: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
        ("rankings, 500 shops, 30 days", get("/api/v1/rankings?days=30"), bare(30)),
        ("rankings, 500 shops, 30 days (vs 60-day aggregate)", get("/api/v1/rankings?days=30"), bare(60)),
        ("rankings, 500 shops, 365 days", get("/api/v1/rankings?days=365"), bare(365)),
        (f"rankings, area {AREA}, 30 days", get(f"/api/v1/rankings?days=30&area={AREA}"), None),
        (f"trend, store {STORE}, 30 days", get(f"/api/v1/stores/{STORE}/trend?days=30"), None),
        (f"trend, store {STORE}, 365 days", get(f"/api/v1/stores/{STORE}/trend?days=365"), None),
        (f"export, area {AREA}, 30 days (CSV)", get(f"/api/v1/export?from={month_ago}&to={today}&area={AREA}"), None),
        (f"export, area {AREA}, 7 days (CSV)", get(f"/api/v1/export?from={week_ago}&to={today}&area={AREA}"), None),
    ]
    if any(rule.rule == "/api/v1/board" for rule in app.url_map.iter_rules()):
        calls.append((f"board, area {AREA}", get(f"/api/v1/board?area={AREA}"), None))
        # The history ends yesterday, so today's board has nothing in yet (a morning before
        # opening); yesterday's has every shop's opening and closing checklist in.
        yesterday = (today - timedelta(days=1)).isoformat()
        calls.append((f"board, area {AREA}, yesterday", get(f"/api/v1/board?area={AREA}&date={yesterday}"), None))
    if args.only:
        calls = [entry for entry in calls if any(part in entry[0] for part in args.only)]
    print(f"{dialect}: {shops} shops, {rows} submissions; {args.runs} runs each (median / p95, ms)")
    print(f"| {'call':44} | median | p95 | CPU median | bare aggregate | ratio | CPU ratio |")
    print(f"|{'-' * 46}|-------:|----:|-----------:|---------------:|------:|----------:|")
    for name, call, aggregate in calls:
        call()  # warm caches and the connection pool
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for _ in range(args.runs):
            ours.append(timed(call))
            if aggregate is not None:
                theirs.append(timed(aggregate))
        wall = [sample[0] for sample in ours]
        median, cpu = statistics.median(wall), statistics.median(sample[1] for sample in ours)
        line = f"| {name:44} | {median:.1f} | {p95(wall):.1f} | {cpu:.1f} |"
        if theirs:
            base = statistics.median(sample[0] for sample in theirs)
            base_cpu = statistics.median(sample[1] for sample in theirs)
            line += f" {base:.1f} (CPU {base_cpu:.1f}) | {median / base:.2f} | {cpu / max(base_cpu, 0.01):.2f} |"
        else:
            line += " | | |"
        print(line, flush=True)
    if not args.only and not any(rule.rule == "/api/v1/board" for rule in app.url_map.iter_rules()):
        print("board: not measured (GET /api/v1/board is not on this branch)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
