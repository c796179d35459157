"""`tracker list` latency as a process, at 1k, 10k and 100k stored obligations.

    python bench/list.py [--quick] [--sizes 1000,10000,100000] [--repeat 5] [--no-postgres] [--no-profile]

Rows are inserted directly (SQLAlchemy Core on the store's own tables, after `tracker db upgrade`):
one document per ten duties, one mention per duty, 85% open, due dates over three years, a tenth
undated, every duty tagged. Each size is timed as a user runs it, the median of --repeat runs after
one warm-up, on SQLite and on PostgreSQL when it answers:

- `python -m tracker list --json > /dev/null` with no configuration file (the lean way: the database
  URL from TRACKER_DATABASE_URL, no SQLAlchemy or pydantic loaded);
- the same with a configuration file (the general way: settings validated, engine, schema check);
- `python -m tracker list > /dev/null`, the table for people.

Two baselines in the same run: `python -c pass` (the goal is under 300 ms), and the floor: a bare
Python script that imports only the driver (sqlite3 or psycopg), runs the very SQL `list --json`
runs, and writes the lines, i.e. what any Python program printing those lines must at least pay.
The growth column is the cost of each further thousand rows of the lean `--json` run. The largest
size is then profiled in-process (cProfile). --quick: 1k and 10k, three runs each.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from common import (
    Failed,
    available_backends,
    baseline_process,
    database,
    machine,
    median_time,
    run,
    shown,
    table,
    tracker_cmd,
    tracker_env,
    workspace,
)

from tracker.store.tables import DocumentRow, MentionRow, ObligationRow

ROOT = Path(__file__).resolve().parents[1]
SITE = str(Path(sa.__file__).resolve().parents[1]) + "/"

GOAL_MS = 300
STAMP = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
ACTORS = ("Secretary of State", "Secretary of Commerce", "Attorney General", "Secretary of Energy")


def seed(url: str, count: int, env: dict[str, str]) -> float:
    """Create the schema with the CLI, then insert `count` duties; returns the seconds inserting took."""
    run(tracker_cmd("db", "upgrade"), env)
    engine = sa.create_engine(url)
    t0 = time.perf_counter()
    docs = max(1, count // 10)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(DocumentRow.__table__),
            [
                {"id": d + 1, "sha256": f"{d:064x}", "source": f"orders/eo-{d}.txt",
                 "kind": "executive_order", "title": f"Executive Order {100000 + d}",
                 "instrument": f"EO {100000 + d}",
                 "issued": dt.date(2026, 3, 2), "published": None, "enacted": None, "effective": None,
                 "url": None, "size": 400, "fetched_at": STAMP}
                for d in range(docs)
            ],
        )  # fmt: skip
        batch: list[dict[str, object]] = []
        mentions: list[dict[str, object]] = []
        for i in range(count):
            due = None if i % 10 == 9 else dt.date(2026, 1, 1) + dt.timedelta(days=(i * 7) % 1100)
            oid = f"b{i:09d}"
            deadline = f"within {30 + i % 300} days of the date of this order"
            batch.append(
                {"id": oid, "instrument": f"EO {100000 + i // 10}", "kind": "executive_order",
                 "actor": ACTORS[i % len(ACTORS)], "action": f"submit report {i} on program readiness",
                 "deadline_text": deadline, "modal": "shall", "anchor_kind": "issued",
                 "anchor_date": dt.date(2026, 3, 2), "anchor_text": "the date of this order",
                 "anchor_source": "metadata", "period": f"P{30 + i % 300}D", "expr": "{}",
                 "computed_due": due, "due_date": due, "recurrence": None,
                 "status": "open" if i % 20 < 17 else "done", "confidence": 0.9, "flags": "[]",
                 "tags": '["bench"]', "explanation": "[]", "override_due": None, "override_reason": None,
                 "sequence": 0, "created_at": STAMP, "updated_at": STAMP, "origin_key": None,
                 "anchor_ref": None, "anchor_reason": None, "completed_on": None}
            )  # fmt: skip
            mentions.append(
                {"obligation_id": oid, "document_id": i // 10 + 1, "quote": f"The {ACTORS[i % 4]} shall ...",
                 "start": (i % 10) * 200, "end": (i % 10) * 200 + 120, "role": "primary",
                 "deadline_text": deadline, "due_date": due, "anchor_date": dt.date(2026, 3, 2),
                 "confidence": 0.9, "section": "2"}
            )  # fmt: skip
            if len(batch) == 5000:
                conn.execute(sa.insert(ObligationRow.__table__), batch)
                conn.execute(sa.insert(MentionRow.__table__), mentions)
                batch, mentions = [], []
        if batch:
            conn.execute(sa.insert(ObligationRow.__table__), batch)
            conn.execute(sa.insert(MentionRow.__table__), mentions)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - t0


def profile_list(env: dict[str, str], top: int = 18) -> str:
    """cProfile of one `tracker list --json` in this process (imports already paid by a first run)."""
    from tracker.cli import main

    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    sink = open(os.devnull, "w")  # noqa: SIM115 (closed below, after the profiled runs)
    try:
        with contextlib.redirect_stdout(sink):
            for _ in range(2):  # the first run imports; the second is what a warm process pays
                profiler = cProfile.Profile()
                profiler.enable()
                with contextlib.suppress(SystemExit):
                    main(["list", "--json"])
                profiler.disable()
    finally:
        sink.close()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    views = []
    for order, restriction, title in (
        ("cumulative", r"tracker/(?!cli/__init__)", "cumulative time in tracker's own functions"),
        ("tottime", None, "own time, any function"),
    ):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(order)
        stats.print_stats(*([restriction] if restriction else []), top)
        body = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(body) if line.lstrip().startswith("ncalls"))
        total = next((line.strip() for line in body if "function calls" in line), "")
        rows = [line.replace(str(ROOT) + "/", "").replace(SITE, "") for line in body[start:] if line.strip()]
        views.append(f"-- profile ({title}); {total}\n" + "\n".join(rows))
    return "\n".join(views)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1k and 10k only, three runs each")
    ap.add_argument("--sizes", default=None, help="comma-separated obligation counts")
    ap.add_argument("--repeat", type=int, default=None)
    ap.add_argument("--no-postgres", action="store_true")
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000")).split(",")]
    repeat = args.repeat or (3 if args.quick else 5)
    print("$ " + shown([sys.executable, "bench/list.py", *argv]))
    print(f"# {machine()}")

    backends = available_backends(args.no_postgres)

    base = baseline_process()
    print(f"baseline: {shown([sys.executable, '-c', 'pass'])}  median {base * 1000:.0f} ms")
    rows = []
    failures: list[str] = []
    with workspace() as work:
        general = work / "general.toml"
        general.write_text("# a configuration file: listings take the general way\n", encoding="utf-8")
        for backend in backends:
            previous: tuple[int, float] | None = None
            for count in sizes:
                with database(backend, work, f"list{count}") as url:
                    env = tracker_env(url, work / "home")
                    insert_s = seed(url, count, env)
                    runs = repeat if count < 100_000 else min(repeat, 3)
                    cmd = tracker_cmd("list", "--json")
                    floor_cmd = floor_script(url, work / f"floor-{backend}-{count}.py")
                    print(f"{backend} {count:,}: {shown(cmd, {'TRACKER_DATABASE_URL': url})} > /dev/null")
                    try:
                        secs = median_time(cmd, runs, env)
                        full = median_time(cmd, runs, {**env, "TRACKER_CONFIG": str(general)})
                        people = median_time(tracker_cmd("list"), runs, env)
                        floor = median_time(floor_cmd, runs, env)
                    except Failed as exc:
                        rows.append((backend, f"{count:,}", "—", "fails", *[""] * 8))
                        failures.append(f"{backend} {count:,}: {exc}")
                        continue
                    listed = len(run_output(cmd, env).splitlines())
                    if run_output(floor_cmd, env) != run_output(cmd, env):
                        failures.append(f"{backend} {count:,}: the floor script printed other lines")
                    growth = ""
                    if previous is not None:
                        growth = f"{(secs - previous[1]) * 1e6 / (count - previous[0]):.1f}"
                    previous = (count, secs)
                    rows.append(
                        (backend, f"{count:,}", f"{listed:,}", f"{secs * 1000:.0f}", f"{secs / base:.1f}x",
                         f"{floor * 1000:.0f} ({secs / floor:.2f}x)", f"{full * 1000:.0f}",
                         f"{people * 1000:.0f}", growth, "yes" if secs * 1000 < GOAL_MS else "no",
                         f"{insert_s:.2f}", f"{size_mb(url):.1f}")
                    )  # fmt: skip
                    if count == sizes[-1] and not args.no_profile:
                        print(profile_list(env))
    print()
    print(
        table(
            ("backend", "obligations", "lines out", "--json ms (lean)", "÷ python -c pass",
             "floor ms (÷)", "--json ms, config file", "table ms", "ms per +1k rows",
             f"< {GOAL_MS} ms", "seed s", "db MB"),
            rows,
        )
    )  # fmt: skip
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


def size_mb(url: str) -> float:
    """The database's size on disk (SQLite: the file after a checkpoint; PostgreSQL: pg_database_size)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                return Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6
            return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() / 1e6
    finally:
        engine.dispose()


def floor_script(url: str, path: Path) -> list[str]:
    """A script that runs `list --json`'s own SQL with the bare driver and prints the lines."""
    from tracker.store import listing
    from tracker.store.filters import Filters

    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    parts = [
        (sql, {k: str(v) for k, v in p.items()})
        for sql, p in listing.json_sql(Filters(status=("open",)), dialect)
    ]
    if dialect == "sqlite":
        connect = (
            "import sqlite3\n"
            f"conn = sqlite3.connect({url.removeprefix('sqlite:///')!r})\n"
            f"conn.execute({listing.SQLITE_CACHE!r})\n"
        )
    else:
        connect = f"import psycopg\nconn = psycopg.connect({'postgresql://' + url.split('://', 1)[1]!r})\n"
    path.write_text(
        "import sys\n" + connect + f"for sql, params in {parts!r}:\n"
        "    cur = conn.cursor()\n"
        "    cur.execute(sql, params)\n"
        f"    while batch := cur.fetchmany({listing.BATCH}):\n"
        "        sys.stdout.write('\\n'.join([r[0] for r in batch]) + '\\n')\n",
        encoding="utf-8",
    )
    return [sys.executable, str(path)]


def run_output(cmd: list[str], env: dict[str, str]) -> str:
    import subprocess

    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
