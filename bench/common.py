"""Helpers shared by bench/ingest.py, bench/list.py and bench/startup.py: generated documents, a
fresh database per run (SQLite file, or a scratch PostgreSQL database when one is reachable), timing
`python -m tracker ...` as a user's shell would, and printing the exact commands and the figures.

Nothing here is a test: the scripts print numbers and compare each against a baseline measured in
the same run, on the same machine, so the ratio means something when the absolute figure does not.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("TRACKER_BENCH_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
AGENCIES = (
    "State", "the Treasury", "Defense", "the Interior", "Agriculture", "Commerce", "Labor", "Energy",
    "Transportation", "Education", "Homeland Security", "Health and Human Services",
)  # fmt: skip
ACTIONS = (
    "submit a report on port readiness",
    "publish guidance on grant reporting",
    "issue a plan for workforce training",
    "review the rules on data retention",
    "propose amendments to the inspection regulations",
)


# --- documents --------------------------------------------------------------------------------


def order_text(i: int) -> str:
    """A short order with one dated duty; `i` makes its text, and so its hash and duty, unique."""
    number = 100000 + i
    return (
        f"Executive Order {number} of March 2, 2026\n\n"
        f"Strengthening Program {i}\n\n"
        f"By the authority vested in me as President, it is hereby ordered as follows:\n\n"
        f"Sec. 1. Purpose. This order sets one deadline for program {i}.\n\n"
        f"Sec. 2. The Secretary of {AGENCIES[i % len(AGENCIES)]} shall {ACTIONS[i % len(ACTIONS)]} "
        f"for program {i} within {30 + i % 300} days of the date of this order.\n"
    )


def write_orders(folder: Path, count: int) -> list[Path]:
    """`count` orders with `.meta.json` sidecars (kind, signing date, title), in subfolders of 1,000."""
    paths = []
    for i in range(count):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"eo-{100000 + i}.txt"
        path.write_text(order_text(i), encoding="utf-8")
        meta = {"kind": "executive_order", "issued": "2026-03-02", "title": f"Executive Order {100000 + i}"}
        (sub / f"eo-{100000 + i}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


# --- databases --------------------------------------------------------------------------------


def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not (printed, never fatal)."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
    except Exception as exc:
        return " ".join(str(exc).split())[:120]
    return None


@contextlib.contextmanager
def database(backend: str, workdir: Path, label: str) -> Iterator[str]:
    """A fresh, empty database URL for one measurement; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / f'{label}.db'}"
        return
    import psycopg

    name = f"tracker_bench_{label}_{uuid.uuid4().hex[:8]}".lower()
    params = dict(p.split("=", 1) for p in PG_ADMIN.split())
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgresql+psycopg://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:"
            f"{params.get('port', '5432')}/{name}"
        )
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def tracker_env(db_url: str, home: Path) -> dict[str, str]:
    """The environment of a user with their own database and nothing else configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        TRACKER_DATABASE_URL=db_url,
        NO_COLOR="1",
    )
    return env


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        path = Path(tmp)
        (path / "home").mkdir()
        yield path


# --- timing -----------------------------------------------------------------------------------


def tracker_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", *args]


class Failed(Exception):
    """A measured command failed: the bench reports it (a finding) rather than a number."""


def run(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
    """Wall time of one run of `cmd` in seconds, output discarded; `Failed` with its stderr if it fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["(no message)"])[-1]
        raise Failed(f"exit {proc.returncode}: {last}")
    return elapsed


def median_time(cmd: Sequence[str], repeat: int, env: dict[str, str] | None = None, warmup: int = 1) -> float:
    for _ in range(warmup):
        run(cmd, env)
    return statistics.median(run(cmd, env) for _ in range(repeat))


def baseline_process(repeat: int = 7) -> float:
    """`python -c pass`: what any Python process costs on this machine, now."""
    return median_time([sys.executable, "-c", "pass"], repeat)


def shown(cmd: Sequence[str], env_keys: dict[str, str] | None = None) -> str:
    """The exact command, as one would type it (with the variables that matter)."""
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env_keys or {}).items())
    return (prefix + " " if prefix else "") + shlex.join(cmd)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table (pastes into BENCHMARKS.md as is)."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        lines.append("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def machine() -> str:
    import platform

    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} CPU(s), {platform.system()} {platform.machine()}"


def available_backends(no_postgres: bool) -> list[str]:
    """SQLite always; PostgreSQL when asked for and reachable (the reason it is skipped is printed)."""
    backends = ["sqlite"]
    if not no_postgres:
        why = pg_reachable()
        if why is None:
            backends.append("postgres")
        else:
            print(f"# PostgreSQL skipped: {why}")
    return backends
