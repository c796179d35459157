"""Start-up cost of the CLI: `tracker --help` (and every command's `--help`) imports none of the heavy
libraries, and `tracker list` only those it needs; measured with `python -X importtime`, which names
every module a process imports.

Command modules import heavy things inside the functions that need them; a module-level import of one
makes every invocation pay for it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import CLI

#: Heavy third-party packages: each costs tens to hundreds of milliseconds to import.
HEAVY = frozenset(
    {
        "sqlmodel", "sqlalchemy", "icalendar", "alembic", "httpx", "selectolax", "pypdf", "markdown_it",
        "holidays", "apscheduler", "starlette", "uvicorn", "psycopg", "jinja2", "feedparser", "dateutil",
        "pydantic_settings",
    }
)  # fmt: skip
#: What `tracker list` has no use for: no documents read, no calendar, network, scheduling or dates.
NOT_FOR_LIST = frozenset(
    {
        "icalendar", "httpx", "selectolax", "pypdf", "markdown_it", "apscheduler", "starlette",
        "uvicorn", "jinja2", "feedparser",
    }
)  # fmt: skip


def imported(cli: CLI, *args: str) -> dict[str, int]:
    """Top-level packages a `tracker` process imports, with their own import time (microseconds)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tracker", *args],
        capture_output=True,
        text=True,
        env=cli.env,
        cwd=cli.home,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        if match := re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*([\w.]+)", line):
            top = match.group(2).split(".")[0]
            out[top] = out.get(top, 0) + int(match.group(1))
    assert "typer" in out, "no importtime output: " + proc.stderr[-500:]
    return out


def command_names() -> list[list[str]]:
    """Every command and sub-command, as the argument list that reaches it."""
    script = (
        "import json\n"
        "from tracker.cli import app, commands, feeds_cmd, lifecycle_cmd, remind_cmd\n"
        "import typer.main\n"
        "def walk(group, prefix):\n"
        "    for name, cmd in sorted(getattr(group, 'commands', {}).items()):\n"
        "        yield prefix + [name]\n"
        "        yield from walk(cmd, prefix + [name])\n"
        "print(json.dumps(list(walk(typer.main.get_command(app), []))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_help_and_version_import_nothing_heavy(sqlite_cli: CLI) -> None:
    for args in (["--help"], ["--version"]):
        heavy = HEAVY & imported(sqlite_cli, *args).keys()
        assert not heavy, (args, sorted(heavy))


def test_every_commands_help_imports_nothing_heavy(sqlite_cli: CLI) -> None:
    names = command_names()
    assert ["ingest"] in names and ["list"] in names and len(names) > 10
    offenders = {}
    for args in names:
        heavy = HEAVY & imported(sqlite_cli, *args, "--help").keys()
        if heavy:
            offenders[" ".join(args)] = sorted(heavy)
    assert not offenders, offenders


def test_list_imports_only_what_it_needs(sqlite_cli: CLI, seed: Path) -> None:
    assert sqlite_cli("ingest", str(seed)).code == 0
    for args in (["list"], ["list", "--json"]):
        unneeded = NOT_FOR_LIST & imported(sqlite_cli, *args).keys()
        assert not unneeded, (args, sorted(unneeded))


def test_list_on_a_current_database_does_not_load_the_migrations(sqlite_cli: CLI, seed: Path) -> None:
    """Alembic (with Mako and Pygments, ~100 ms) is for upgrading: a current schema is one query."""
    assert sqlite_cli("ingest", str(seed)).code == 0
    assert not {"alembic", "mako", "pygments"} & imported(sqlite_cli, "list").keys()


def test_list_does_not_import_holiday_calendars(sqlite_cli: CLI, seed: Path) -> None:
    assert sqlite_cli("ingest", str(seed)).code == 0
    assert "holidays" not in imported(sqlite_cli, "list")


def test_list_without_a_configuration_file_loads_neither_the_orm_nor_the_settings(
    sqlite_cli: CLI, seed: Path
) -> None:
    """The lean listing (tracker/service/listing.py): the driver alone, and the same output."""
    assert sqlite_cli("ingest", str(seed)).code == 0
    for args in (["list"], ["list", "--json"], ["list", "--csv"]):
        loaded = imported(sqlite_cli, *args).keys()
        assert not {"sqlalchemy", "sqlmodel", "pydantic_settings", "alembic", "rich"} & loaded, (args, loaded)


def test_each_command_is_found_in_the_module_that_defines_it() -> None:
    """`tracker.cli.COMMAND_MODULES` (a run loads only its command's module) matches the registrations."""
    script = (
        "import importlib, json\n"
        "import typer.main\n"
        "from tracker.cli import ALL_MODULES, app\n"
        "found, seen = {}, set()\n"
        "for mod in ALL_MODULES:\n"
        "    importlib.import_module('tracker.cli.' + mod)\n"
        "    names = set(typer.main.get_command(app).commands) - seen\n"
        "    found.update(dict.fromkeys(names, mod))\n"
        "    seen |= names\n"
        "print(json.dumps(found))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    from tracker.cli import COMMAND_MODULES, modules_for

    assert json.loads(proc.stdout) == COMMAND_MODULES
    assert modules_for(["--db", "x.db", "list", "--json"]) == ("commands",)
    assert modules_for(["--config=c.toml", "--debug", "tag", "abc", "x"]) == ("lifecycle_cmd",)
    everything = ("commands", "feeds_cmd", "lifecycle_cmd", "remind_cmd")
    for argv in ([], ["--help", "list"], ["-h"], ["lisst"], ["--version"], ["--db", "list"]):
        assert modules_for(argv) == everything, argv
