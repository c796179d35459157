"""Cost of a reminder sweep over many obligations on SQLite: planning (pure and with the store),
a dry run, and the claim step, each beside a baseline measured in the same run.

    python bench/reminders.py [--obligations 100000] [--recipients 2] [--db FILE]

Obligations get due dates spread over ±400 days around the sweep's day (85 % open, 10 % tagged
with their own lead times). Baselines: a plain SELECT of the rows in the due window (the least any
planner must read) and one executemany INSERT of the claimed rows (the least any claim must write).
Nothing is sent: the claim step claims, then a second pass finds everything already claimed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shlex
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from tracker import reminders
from tracker.config import RemindersSettings, Settings
from tracker.reminders import Candidate
from tracker.service import Tracker
from tracker.service import reminders as service
from tracker.store.filters import tags_text
from tracker.store.tables import ObligationRow, ReminderLogRow

TODAY = dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 10, 31, 8, 0, tzinfo=dt.UTC)


def populate(tracker: Tracker, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        due = TODAY + dt.timedelta(days=rng.randint(-400, 400))
        rows.append(
            {
                "id": f"b{i:09d}",
                "instrument": f"EO {14000 + i % 900}",
                "kind": "executive_order",
                "actor": "Secretary of Commerce",
                "action": f"publish report number {i}",
                "deadline_text": "within 90 days",
                "modal": "shall",
                "anchor_kind": "issued",
                "anchor_text": "",
                "anchor_source": "",
                "expr": "{}",
                "due_date": due,
                "computed_due": due,
                "status": "open" if rng.random() < 0.85 else "done",
                "confidence": 0.9,
                "flags": "[]",
                "tags": tags_text(["customs"] if rng.random() < 0.1 else []),
                "explanation": "[]",
                "sequence": 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    with tracker.engine.begin() as conn:
        for i in range(0, n, 5000):
            conn.execute(sa.insert(ObligationRow.__table__), rows[i : i + 5000])  # type: ignore[attr-defined]


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--obligations", type=int, default=100_000)
    ap.add_argument("--recipients", type=int, default=2)
    ap.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    args = ap.parse_args()
    print("$", shlex.join([Path(sys.executable).name, *sys.argv]))

    folder = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(folder.name) / "bench.db"
    path.unlink(missing_ok=True)
    recipients = [f"r{i}@example.org" for i in range(args.recipients)]
    settings = Settings(
        database_url=f"sqlite:///{path}",
        reminders=RemindersSettings(recipients=recipients, lead_days_by_tag={"customs": [60, 14, 2]}),
    )
    tracker = Tracker(settings, clock=lambda: NOW)
    t0 = time.perf_counter()
    populate(tracker, args.obligations)
    print(f"setup: {args.obligations} obligations inserted in {time.perf_counter() - t0:.2f} s")

    # 1. the pure computation over every obligation (no window prefilter), against a bare loop
    with tracker.engine.connect() as conn:
        ob = ObligationRow.__table__  # type: ignore[attr-defined]
        rows = conn.execute(sa.select(ob.c.id, ob.c.due_date, ob.c.tags).where(ob.c.status == "open")).all()
    cands = [Candidate(i, d, tuple(json.loads(t))) for i, d, t in rows]
    policy = service.policy(settings)
    pure, planned = timed(lambda: reminders.plan(cands, policy, TODAY))
    loop, _ = timed(lambda: [c for c in cands if c.due_date + dt.timedelta(days=30) >= TODAY])
    print(f"pure plan over {len(cands)} open obligations: {pure:.3f} s -> {len(planned)} reminders")
    print(f"  baseline (one date comparison per obligation): {loop:.3f} s; ratio {pure / loop:.1f}x")

    # 2. planning with the store: window query + reminder_log + plan, against a bare window SELECT
    lo, hi = TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=policy.horizon)
    naive_sql = sa.text(
        "SELECT id, due_date, tags FROM obligation WHERE status = 'open' AND due_date BETWEEN :lo AND :hi"
    )

    def naive() -> int:
        with tracker.engine.connect() as conn:
            return len(conn.execute(naive_sql, {"lo": lo, "hi": hi}).all())

    base, window_rows = timed(naive)
    planning, (due, _waiting) = timed(lambda: service.plan(tracker, TODAY, NOW))
    print(f"service.plan (SQL window + log + plan): {planning:.3f} s -> {len(due)} reminders")
    print(f"  baseline (naive SELECT of the {window_rows} rows in the window): {base:.3f} s; "
          f"ratio {planning / base:.1f}x")  # fmt: skip

    dry, report = timed(lambda: service.sweep(tracker, today=TODAY, dry_run=True), repeat=1)
    print(f"dry run (plan + load the due obligations with their mentions): {dry:.3f} s, "
          f"{len(report.outcomes)} reminders")  # fmt: skip

    # 3. the claim step (one committed transaction per reminder, as the sweep does), twice
    def claim_all() -> int:
        won = 0
        for r in due:
            with tracker.repo() as repo:
                won += service.claim(repo, r.key, NOW) is not None
        return won

    t0 = time.perf_counter()
    won = claim_all()
    claim = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = claim_all()
    reclaim = time.perf_counter() - t0
    log = ReminderLogRow.__table__  # type: ignore[attr-defined]
    values = [
        {"obligation_id": r.key.obligation_id, "recipient": r.key.recipient, "lead_days": r.key.lead_days,
         "due_date": r.key.due_date, "status": "pending", "attempts": 1, "created_at": NOW}
        for r in due
    ]  # fmt: skip
    with tracker.engine.begin() as conn:
        conn.execute(sa.delete(log))
    t0 = time.perf_counter()
    with tracker.engine.begin() as conn:
        conn.execute(sa.insert(log), values)
    bulk = time.perf_counter() - t0
    print(f"claim step: {won} claimed in {claim:.3f} s ({claim / max(won, 1) * 1e3:.2f} ms each); "
          f"second pass {again} claimed in {reclaim:.3f} s")  # fmt: skip
    print(f"  baseline (one executemany INSERT of the same rows): {bulk:.3f} s; ratio {claim / bulk:.1f}x")
    tracker.engine.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
