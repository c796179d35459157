"""Ingest throughput (documents per second) at 1k and 10k generated documents, as processes.

    python bench/ingest.py [--quick] [--sizes 1000,10000] [--no-postgres]

Each document is a short order with one dated duty and a `.meta.json` sidecar (bench/common.py). Per
size and backend, in a fresh database: `python -m tracker ingest FOLDER` (one process, the whole
folder), then the same command again (every document unchanged: the re-run cost). Two baselines are
measured in the same run, on the same files: reading and hashing them (SHA-256 of text and sidecar,
what ingest must do at least), and raw INSERTs of one `document` row per file, one transaction each
(what the database alone costs at ingest's granularity). --quick: 200 and 1,000 documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from common import (
    available_backends,
    database,
    machine,
    run,
    shown,
    table,
    tracker_cmd,
    tracker_env,
    workspace,
    write_orders,
)

from tracker.store.tables import DocumentRow


def read_and_hash(paths: list[Path]) -> float:
    t0 = time.perf_counter()
    for path in paths:
        digest = hashlib.sha256(path.read_bytes())
        digest.update(b"\0" + path.with_name(path.stem + ".meta.json").read_bytes())
        digest.hexdigest()
    return time.perf_counter() - t0


def raw_inserts(url: str, paths: list[Path], env: dict[str, str]) -> float:
    """One `document` row per file, a transaction each, through SQLAlchemy Core (schema by the CLI)."""
    run(tracker_cmd("db", "upgrade"), env)
    engine = sa.create_engine(url)
    table_ = DocumentRow.__table__
    now = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    for i, path in enumerate(paths):
        with engine.begin() as conn:
            conn.execute(
                sa.insert(table_).values(
                    sha256=f"{i:064x}", source=str(path), kind="executive_order", size=400, fetched_at=now
                )
            )
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return elapsed


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 and 1,000 documents")
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--no-postgres", action="store_true")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("200,1000" if args.quick else "1000,10000")).split(",")]
    print("$ " + shown([sys.executable, "bench/ingest.py", *argv]))
    print(f"# {machine()}")
    backends = available_backends(args.no_postgres)

    rows = []
    with workspace() as work:
        for count in sizes:
            folder = work / f"orders-{count}"
            paths = write_orders(folder, count)
            hashed = min(read_and_hash(paths) for _ in range(3))  # warm cache, as ingest's files will be
            for backend in backends:
                with database(backend, work, f"raw{count}") as url:
                    raw = raw_inserts(url, paths, tracker_env(url, work / "home"))
                with database(backend, work, f"ingest{count}") as url:
                    env = tracker_env(url, work / "home")
                    run(tracker_cmd("db", "upgrade"), env)
                    cmd = tracker_cmd("ingest", str(folder))
                    print(f"{backend} {count}: {shown(cmd, {'TRACKER_DATABASE_URL': url})}")
                    first = run(cmd, env)
                    again = run(cmd, env)
                rows.append(
                    (backend, f"{count:,}", f"{count / first:.0f}", f"{count / again:.0f}",
                     f"{count / hashed:,.0f}", f"{count / raw:,.0f}", f"{first / hashed:.0f}x",
                     f"{first / raw:.1f}x", f"{first * 1000 / count:.1f}")
                )  # fmt: skip
    print()
    print(
        table(
            ("backend", "documents", "ingest docs/s", "re-run docs/s", "read+hash docs/s",
             "raw INSERT docs/s", "÷ read+hash", "÷ raw INSERT", "ms per doc"),
            rows,
        )
    )  # fmt: skip
    print("\n(ingest and re-run are whole processes, start-up included; the baselines run in this process)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
