"""Start-up cost of the CLI: wall time of `tracker --help`, `--version` and `list --json` on an empty
database as processes, against `python -c pass` and `python -c "import typer"` in the same run, and
where `--help` and `list` spend their import time (`python -X importtime`).

    python bench/startup.py [--quick] [--repeat 15]

--quick: five runs of each command. Every figure is a median after one warm-up run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import defaultdict

from common import (
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

HEAVY = (
    "sqlmodel", "sqlalchemy", "icalendar", "alembic", "httpx", "selectolax", "pypdf", "markdown_it",
    "holidays", "apscheduler", "starlette",
)  # fmt: skip


def import_profile(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, float]]:
    """Total import time (ms) and each top-level package's share, from `-X importtime`."""
    proc = subprocess.run(
        [cmd[0], "-X", "importtime", *cmd[1:]], env=env, capture_output=True, text=True, check=True
    )
    per: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        if match := re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*([\w.]+)", line):
            per[match.group(2).split(".")[0]] += int(match.group(1)) / 1000
    return sum(per.values()), dict(per)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=None)
    args = ap.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 15)
    print("$ " + shown([sys.executable, "bench/startup.py", *argv]))
    print(f"# {machine()}; median of {repeat} runs after one warm-up")

    with workspace() as work, database("sqlite", work, "startup") as url:
        env = tracker_env(url, work / "home")
        run(tracker_cmd("db", "upgrade"), env)
        base = baseline_process(repeat)
        commands = [
            ("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
            ("python -c 'import typer'", [sys.executable, "-c", "import typer"]),
            ("tracker --version", tracker_cmd("--version")),
            ("tracker --help", tracker_cmd("--help")),
            ("tracker list --help", tracker_cmd("list", "--help")),
            ("tracker list --json (empty db)", tracker_cmd("list", "--json")),
        ]
        rows = []
        for label, cmd in commands:
            secs = base if label.endswith("(baseline)") else median_time(cmd, repeat, env)
            rows.append((label, f"{secs * 1000:.0f}", f"{secs / base:.1f}x"))
        print(table(("command", "median ms", "÷ python -c pass"), rows))
        print(f"\ncommands as run: {shown(tracker_cmd('--help'))}, ... with TRACKER_DATABASE_URL={url}")

        for cmd in (tracker_cmd("--help"), tracker_cmd("list")):
            total, per = import_profile(cmd, env)
            heavy = sorted(p for p in per if p in HEAVY)
            print(f"\n{shown([sys.executable, '-X', 'importtime', *cmd[1:]])}")
            print(f"imports: {total:.0f} ms in all; heavy packages imported: {', '.join(heavy) or 'none'}")
            top = sorted(per.items(), key=lambda kv: -kv[1])[:12]
            print(
                table(
                    ("package", "own import ms", "share"),
                    [(p, f"{ms:.1f}", f"{ms / total:.0%}") for p, ms in top],
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
