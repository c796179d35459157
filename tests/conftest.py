"""Shared fixtures: database backends as parameters, the shared corpus, and running the CLI.

PostgreSQL tests skip with a reason when 127.0.0.1:5432 is unreachable; with CI=true they fail
instead, so a green CI run always exercised both backends.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
SEED = SHARED / "examples" / "customs-ai-eo-14411.json"
PG_DSN = os.environ.get("TRACKER_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def need_shared(path: Path = SHARED) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared corpus sits beside the repository on CI)")
    return path


@pytest.fixture
def seed() -> Path:
    return need_shared(SEED)


def _pg_admin():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {PG_DSN!r}: {str(exc).strip().splitlines()[0]}"
        if ON_CI:
            pytest.fail(reason + " (CI requires it)")
        pytest.skip(reason)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    admin = _pg_admin()
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    host = dict(p.split("=", 1) for p in PG_DSN.split())
    try:
        yield (
            f"postgresql+psycopg://{host.get('user', 'postgres')}@{host.get('host', '127.0.0.1')}:"
            f"{host.get('port', '5432')}/{name}"
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    return request.getfixturevalue("pg_url")


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class CLI:
    """Runs `python -m tracker` as a user would, with its own database and config."""

    db: str
    home: Path
    env: dict[str, str]

    def __call__(
        self, *args: str, input: str | None = None, extra_env: dict[str, str] | None = None
    ) -> Result:
        env = {**self.env, **(extra_env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "tracker", *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            timeout=120,
            cwd=self.home,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)


def _clean_env(home: Path, db: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.update(
        {
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local/share"),
            "TRACKER_DATABASE_URL": db,
            "COLUMNS": "120",
            "NO_COLOR": "1",
            "USER": "tester",
        }
    )
    return env


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> CLI:
    home = tmp_path / "home"
    home.mkdir()
    return CLI(db_url, home, _clean_env(home, db_url))


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> CLI:
    home = tmp_path / "home"
    home.mkdir()
    db = f"sqlite:///{tmp_path / 'tracker.db'}"
    return CLI(db, home, _clean_env(home, db))
