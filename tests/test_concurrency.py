"""Two processes ingesting at once lose nothing and create no twins, on SQLite and PostgreSQL.

Both run the real `tracker ingest` on the same and overlapping documents (the lifecycle samples:
an order, its amendment and revocation, two articles; plus shared-corpus orders when present), in
different orders. The result must equal a serial ingest of the same files into a fresh SQLite
database: the same documents, duties, due dates, statuses, mentions and amendments.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import CLI, DATA, SHARED, _clean_env

LIFE = DATA / "lifecycle"
SAMPLES = [
    "eo-99001-harbor-readiness.txt",
    "article-harbor-order.json",
    "eo-99002-amendment.txt",
    "article-harbor-extension.json",
]
CORPUS = sorted(str(p) for p in (SHARED / "corpus" / "docs").glob("eo-*.txt"))[:6]


def _files() -> tuple[list[str], list[str]]:
    ours = [str(LIFE / n) for n in SAMPLES]
    a = [ours[0], ours[1], ours[2], ours[3], *CORPUS]
    b = [ours[0], ours[3], ours[1], ours[2], str(LIFE / "eo-99003-revocation.fr.json"), *reversed(CORPUS)]
    return a, b


def _start(cli: CLI, files: list[str]) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "tracker", "ingest", "--json", *files]
    return subprocess.Popen(
        cmd, env=cli.env, cwd=cli.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _state(url: str) -> dict[str, object]:
    """Everything ingest stores, without ids (a report read before its order names the duty)."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as c:
            duties = c.execute(
                sa.text(
                    "SELECT o.instrument, o.actor, o.action, o.period, o.due_date, o.status, "
                    "(SELECT count(*) FROM mention m WHERE m.obligation_id = o.id) FROM obligation o"
                )
            ).all()
            counts = {
                table: c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("document", "mention", "amendment")
            }
    finally:
        engine.dispose()
    return {"duties": Counter(tuple(str(x) for x in row) for row in duties), **counts}


def test_two_ingests_at_once_lose_nothing_and_create_no_twins(cli: CLI, tmp_path: Path) -> None:
    a, b = _files()
    assert cli("db", "upgrade").code == 0
    procs = [_start(cli, a), _start(cli, b)]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err
    together = _state(cli.db)

    serial_home = tmp_path / "serial"
    serial_home.mkdir()
    serial_db = f"sqlite:///{tmp_path / 'serial.db'}"
    serial = CLI(serial_db, serial_home, _clean_env(serial_home, serial_db))
    assert serial("ingest", *a).code == 0
    assert serial("ingest", *b).code == 0
    alone = _state(serial_db)

    assert together == alone
    assert together["document"] == len(set(a) | set(b))
    statuses = {row[5] for row in together["duties"] if row[0] == "EO 99001"}  # type: ignore[union-attr]
    assert statuses == {"revoked"}
    assert ("EO 99001", "P240D") in {(row[0], row[3]) for row in together["duties"]}  # type: ignore[union-attr]
