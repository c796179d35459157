"""Feed benchmarks: rendering 10,000 obligations, and `tracker serve` under load against a static file.

Run from the repository root (loopback only; everything lives in a temporary directory):

    python bench/feeds.py [--obligations 10000] [--feed-size 200] [--clients 32] [--requests 4000]
                          [--seconds 30] [--db URL]

Goals: render 10,000 obligations in < 0.5 s. The server is compared, in the same run and with the
same client, to Python's http.server serving a file of the same bytes; the ratio is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import sqlalchemy as sa

from tracker import feeds
from tracker.config import Settings
from tracker.model import Anchor, AnchorKind, Status, Step, Tracked
from tracker.service import Tracker
from tracker.service import feeds as feed_service
from tracker.store.filters import Filters, tags_text
from tracker.store.tables import ObligationRow

STAMP = dt.datetime(2026, 6, 29, 14, 30, tzinfo=dt.UTC)
ACTORS = ["Secretary of Homeland Security", "Secretary of Commerce", "Attorney General", "Director of OMB"]


def _fields(n: int) -> dict:
    actor = ACTORS[n % len(ACTORS)]
    due = dt.date(2026, 7, 1) + dt.timedelta(days=n % 900)
    return {
        "actor": actor,
        "action": f"revise the importer-of-record rules, part {n}; report on progress",
        "deadline_text": "within 180 days of the date of this order",
        "due_date": due,
        "status": "revoked" if n % 50 == 0 else "open",
        "tags": ["customs", "trade"] if n % 3 else ["customs"],
        "explanation": [
            {"kind": "anchor", "text": "EO 14411 was signed on 2026-06-03 (document metadata: issued)."},
            {"kind": "period", "text": f"2026-06-03 + 180 calendar days = {due.isoformat()}."},
        ],
        "recurrence": "FREQ=YEARLY" if n % 10 == 0 else None,
    }


def tracked(n: int) -> Tracked:
    f = _fields(n)
    return Tracked(
        id=f"b{n:09d}",
        instrument="EO 14411",
        kind="executive_order",
        actor=f["actor"],
        action=f["action"],
        deadline_text=f["deadline_text"],
        anchor=Anchor(AnchorKind.ISSUED, dt.date(2026, 6, 3), "the date of this order"),
        period="P180D",
        due_date=f["due_date"],
        recurrence=f["recurrence"],
        status=Status(f["status"]),
        confidence=0.9,
        tags=tuple(f["tags"]),
        explanation=tuple(Step(s["kind"], s["text"]) for s in f["explanation"]),
        sequence=n % 3,
        created_at=STAMP,
        updated_at=STAMP,
        quote="The Secretary shall, within 180 days of the date of this order, revise the rules — “über”.",
        url="https://www.federalregister.gov/d/2026-12345",
        title="Executive Order 14411",
    )


def row(n: int, served: bool) -> dict:
    f = _fields(n)
    if served:
        f["tags"] = [*f["tags"], "served"]
    return {
        "id": f"b{n:09d}",
        "instrument": "EO 14411",
        "kind": "executive_order",
        "actor": f["actor"],
        "action": f["action"],
        "deadline_text": f["deadline_text"],
        "modal": "shall",
        "anchor_kind": "issued",
        "anchor_date": dt.date(2026, 6, 3),
        "anchor_text": "the date of this order",
        "anchor_source": "",
        "period": "P180D",
        "expr": "{}",
        "computed_due": f["due_date"],
        "due_date": f["due_date"],
        "recurrence": f["recurrence"],
        "status": f["status"],
        "confidence": 0.9,
        "flags": "[]",
        "tags": tags_text(f["tags"]),
        "explanation": json.dumps(f["explanation"]),
        "sequence": n % 3,
        "created_at": STAMP,
        "updated_at": STAMP,
    }


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Wall-clock and CPU seconds of each run (CPU time is steadier on a busy machine)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def bench_render(n: int, tracker: Tracker) -> None:
    items = [tracked(i) for i in range(n)]
    options = feeds.FeedOptions()
    size = len(feeds.render(items, options))
    wall, cpu = timed(lambda: feeds.render(items, options), 7)
    print(
        f"render {n:,} obligations (pure, in memory): best {min(wall):.3f} s, median"
        f" {statistics.median(wall):.3f} s wall; best {min(cpu):.3f} s CPU"
    )
    print(f"  {size / 1e6:.1f} MB of iCalendar; goal < 0.5 s: {'met' if min(wall) < 0.5 else 'NOT met'}")
    wall, cpu = timed(lambda: feed_service.build(tracker, Filters()), 3)
    print(
        f"build {n:,} from the database (query + render + ETag):"
        f" best {min(wall):.3f} s wall, {min(cpu):.3f} s CPU"
    )


@contextmanager
def process(args: list[str], env: dict[str, str], ready: re.Pattern[str]) -> Iterator[str]:
    """Start a server, wait for the line announcing its URL, stop it afterwards."""
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    found: list[str] = []
    lines = iter(proc.stdout.readline, "")
    deadline = time.monotonic() + 60
    for line in lines:
        match = ready.search(line)
        if match:
            found.append(match.group(1))
            break
        if time.monotonic() > deadline:
            break
    if not found:
        proc.kill()
        raise SystemExit(f"server did not start: {' '.join(args)}")
    drain = threading.Thread(target=lambda: [None for _ in lines], daemon=True)
    drain.start()
    try:
        yield found[0]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        proc.stdout.close()


async def load(url: str, clients: int, total: int, seconds: float, headers: dict[str, str]) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    remaining = [total]
    stop_at = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, trust_env=False, timeout=30) as client:

        async def worker() -> None:
            while remaining[0] > 0 and time.perf_counter() < stop_at:
                remaining[0] -= 1
                start = time.perf_counter()
                response = await client.get(url, headers=headers)
                latencies.append(time.perf_counter() - start)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

        await client.get(url)  # warm up
        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "count": len(latencies),
        "statuses": statuses,
    }


def report(label: str, r: dict) -> None:
    print(
        f"  {label:<44} {r['rps']:>8.0f} req/s   p50 {r['p50']:>7.1f} ms   p99 {r['p99']:>7.1f} ms"
        f"   ({r['count']} requests, statuses {r['statuses']})"
    )


def bench_server(args: argparse.Namespace, db_url: str, tmp: Path, token: str, body: bytes) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        {"TRACKER_DATABASE_URL": db_url, "XDG_CONFIG_HOME": str(tmp / "config"), "PYTHONUNBUFFERED": "1"}
    )
    static = tmp / "static"
    static.mkdir()
    (static / "feed.ics").write_bytes(body)
    load_args = (args.clients, args.requests, args.seconds)
    print(
        f"server: {args.feed_size} obligations per feed ({len(body) / 1e3:.0f} kB), {args.clients} concurrent"
        f" clients (httpx, one process), at most {args.requests} requests or {args.seconds:.0f} s each"
    )
    serve = [sys.executable, "-m", "tracker", "serve", "--host", "127.0.0.1", "--port", "0"]
    with process(serve, env, re.compile(r"serving feeds on (http://\S+)")) as base:
        url = f"{base}/feeds/{token}.ics"
        ours = asyncio.run(load(url, *load_args, {}))
        etag = httpx.get(url, trust_env=False).headers["etag"]
        revalidate = asyncio.run(load(url, *load_args, {"If-None-Match": etag}))
    http_server = [
        sys.executable,
        "-m",
        "http.server",
        "--bind",
        "127.0.0.1",
        "--directory",
        str(static),
        "0",
    ]
    with process(http_server, env, re.compile(r"port (\d+)")) as port:
        baseline = asyncio.run(load(f"http://127.0.0.1:{port}/feed.ics", *load_args, {}))
    report("tracker serve, GET (200, full body)", ours)
    report("tracker serve, GET If-None-Match (304)", revalidate)
    report("baseline: python -m http.server, same bytes", baseline)
    print(f"  ratio tracker/baseline (req/s, full GET): {ours['rps'] / baseline['rps']:.2f}")
    print(f"  ratio tracker 304/baseline (req/s): {revalidate['rps'] / baseline['rps']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--obligations", type=int, default=10_000)
    parser.add_argument("--feed-size", type=int, default=200, help="obligations in the served feed")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--db", help="an empty scratch database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    print("command:", shlex.join([Path(sys.executable).name, *sys.argv]))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        db_url = args.db or f"sqlite:///{tmp / 'bench.db'}"
        tracker = Tracker(Settings().model_copy(update={"database_url": db_url}))
        with tracker.repo() as repo:
            rows = [row(i, i < args.feed_size) for i in range(args.obligations)]
            repo.session.execute(sa.insert(ObligationRow), rows)
        bench_render(args.obligations, tracker)
        token = feed_service.create(tracker, "bench", Filters(tag="served")).token
        rendered = feed_service.for_token(tracker, token)
        assert rendered is not None and rendered.count == args.feed_size, rendered and rendered.count
        tracker.engine.dispose()
        bench_server(args, db_url, tmp, token, rendered.body)


if __name__ == "__main__":
    main()
