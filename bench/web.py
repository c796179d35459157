"""Render time of the web page's list (`GET /`) over many obligations on SQLite, each beside a
baseline measured in the same run.

    python bench/web.py [--obligations 10000] [--repeat 5] [--db FILE]

Obligations (85 % open, due dates spread over ±400 days, one source quote each) are inserted
straight through the store. The page is asked in process (httpx over ASGI, Bearer sign-in, so no
network) and from a real `tracker serve` process over loopback. Baselines: the service query the
page is built on (`Tracker.list`), a plain Jinja2 table of the same open rows (no layout, no
search, no paging), and `tracker list --json` for the same database (a new Python process).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import jinja2
import sqlalchemy as sa

from tracker.config import Settings, WebSettings
from tracker.service import Tracker
from tracker.store.filters import Filters, tags_text
from tracker.store.tables import DocumentRow, MentionRow, ObligationRow
from tracker.web import create_app

TODAY = dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 10, 31, 8, 0, tzinfo=dt.UTC)
TOKEN = "bench-token-" + "b" * 20
PLAIN = jinja2.Environment(autoescape=True).from_string(
    "<table>{% for o in rows %}<tr><td>{{ o.due_date }}</td><td>{{ o.actor }}: {{ o.action }}</td>"
    "<td>{{ o.status.value }}</td></tr>{% endfor %}</table>"
)


def populate(tracker: Tracker, n: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    quote = "The Secretary of Commerce shall, within 90 days of the date of this order, publish report {i}."
    obligations, mentions = [], []
    for i in range(n):
        due = TODAY + dt.timedelta(days=rng.randint(-400, 400))
        oid = f"w{i:09d}"
        obligations.append(
            {
                "id": oid,
                "instrument": f"EO {14000 + i % 900}",
                "kind": "executive_order",
                "actor": rng.choice(
                    ["Secretary of Commerce", "Secretary of Homeland Security", "Administrator"]
                ),
                "action": f"publish report number {i}",
                "deadline_text": "within 90 days",
                "modal": "shall",
                "anchor_kind": "issued",
                "anchor_text": "the date of this order",
                "anchor_source": "",
                "expr": "{}",
                "due_date": due,
                "computed_due": due,
                "status": "open" if rng.random() < 0.85 else "done",
                "confidence": 0.9,
                "flags": "[]",
                "tags": tags_text(["customs"] if rng.random() < 0.1 else []),
                "explanation": json.dumps([{"kind": "period", "text": f"anchor + 90 days = {due}"}]),
                "sequence": 0,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        text = quote.format(i=i)
        mentions.append({"obligation_id": oid, "document_id": 1, "quote": text, "start": 0, "end": len(text)})
    with tracker.engine.begin() as conn:
        conn.execute(
            sa.insert(DocumentRow.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": 1,
                    "sha256": "0" * 64,
                    "source": "bench.txt",
                    "kind": "executive_order",
                    "fetched_at": NOW,
                }
            ],
        )
        for i in range(0, n, 5000):
            conn.execute(sa.insert(ObligationRow.__table__), obligations[i : i + 5000])  # type: ignore[attr-defined]
            conn.execute(sa.insert(MentionRow.__table__), mentions[i : i + 5000])  # type: ignore[attr-defined]


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def in_process(tracker: Tracker, paths: list[str], repeat: int) -> dict[str, tuple[float, int, int]]:
    """Best time, status and size of each path, asked of the ASGI app in this process."""
    app = create_app(tracker)

    async def run() -> dict[str, tuple[float, int, int]]:
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        out = {}
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", headers=headers) as client:
            for path in paths:
                best, r = float("inf"), None
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    r = await client.get(path)
                    best = min(best, time.perf_counter() - t0)
                assert r is not None and r.status_code == 200, (path, r and r.status_code)
                out[path] = (best, r.status_code, len(r.content))
        return out

    return asyncio.run(run())


def over_loopback(db: str, paths: list[str], repeat: int) -> dict[str, float]:
    env = {**os.environ, "TRACKER_DATABASE_URL": db, "TRACKER_WEB__ACCESS_TOKEN": TOKEN,
           "TRACKER_TODAY": TODAY.isoformat()}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        found = re.search(r"(http://\S+)", line)
        assert found, line
        out = {}
        with httpx.Client(base_url=found.group(1), headers={"Authorization": f"Bearer {TOKEN}"},
                          trust_env=False, timeout=60) as client:  # fmt: skip
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get("/healthz")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.05)
            for path in paths:
                out[path], r = timed(lambda p=path: client.get(p), repeat)
                assert r.status_code == 200
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--obligations", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", help="SQLite file to use (default: a temporary one)")
    args = ap.parse_args()
    print("$", shlex.join([Path(sys.executable).name, *sys.argv]))

    folder = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(folder.name) / "bench.db"
    path.unlink(missing_ok=True)
    db = f"sqlite:///{path}"
    settings = Settings(database_url=db, web=WebSettings(access_token=TOKEN))
    tracker = Tracker(settings, clock=lambda: NOW)
    t0 = time.perf_counter()
    populate(tracker, args.obligations)
    print(
        f"setup: {args.obligations} obligations (+1 quote each) inserted in {time.perf_counter() - t0:.2f} s"
    )

    paths = ["/", "/?view=timeline", "/?q=report+1234", "/?status=all&page=50", "/?actor=homeland"]
    pages = in_process(tracker, paths, args.repeat)
    query, items = timed(lambda: tracker.list(Filters(status=("open",))), args.repeat)
    plain, html = timed(lambda: PLAIN.render(rows=items), args.repeat)
    r = args.repeat
    print(f"GET / in process, best of {r} (open duties, first page of 100 rows):")
    for p, (best, status, size) in pages.items():
        print(f"  {p:<24} {best * 1e3:8.1f} ms  {status}  {size / 1024:7.1f} KiB")
    print(f"  baseline Tracker.list(status=open) alone -> {len(items)} rows: {query * 1e3:.1f} ms; "
          f"page / query {pages['/'][0] / query:.2f}x")  # fmt: skip
    print(f"  baseline plain Jinja table of the same {len(items)} rows: {plain * 1e3:.1f} ms "
          f"({len(html) / 1024:.0f} KiB); query + plain table {(query + plain) * 1e3:.1f} ms")  # fmt: skip

    served = over_loopback(db, paths[:2], args.repeat)
    for p, best in served.items():
        print(f"GET {p} from `tracker serve` over loopback, best of {r}: {best * 1e3:.1f} ms")
    cli_env = {**os.environ, "TRACKER_DATABASE_URL": db}
    cli, out = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "tracker", "list", "--json"], env=cli_env, capture_output=True, check=True
        ),
        max(1, r // 2),
    )
    print(f"baseline `tracker list --json` (new process, {len(out.stdout.splitlines())} lines): "
          f"{cli * 1e3:.0f} ms")  # fmt: skip
    tracker.engine.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()
