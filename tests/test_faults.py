"""Faults around the database: a locked SQLite file, an unreachable or vanishing PostgreSQL, and the
process killed in the middle of a batch. Each ends in one line on stderr (exit 6) or in success, never
a traceback, and nothing stored is lost or stored twice. (SMTP faults are tested with the mailer.)

A PostgreSQL "restart" is played by a TCP proxy in front of the real server that the test cuts; the
server itself is never stopped.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import CLI, _clean_env

AGENCIES = ("State", "the Treasury", "Defense", "the Interior", "Agriculture", "Commerce", "Labor", "Energy")
ACTIONS = (
    "submit a report on port readiness",
    "publish guidance on grant reporting",
    "issue a plan for workforce training",
    "review the rules on data retention",
)


def write_orders(folder: Path, count: int = 200) -> Path:
    """`count` short orders, one dated duty each, with sidecars (kind, signing date, title)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        number = 96000 + i
        (folder / f"eo-{number}.txt").write_text(
            f"Executive Order {number} of March 2, 2026\n\n"
            f"Sec. 1. Purpose. This order sets one deadline for program {i}.\n\n"
            f"Sec. 2. The Secretary of {AGENCIES[i % len(AGENCIES)]} shall {ACTIONS[i % len(ACTIONS)]} "
            f"for program {i} within {30 + i} days of the date of this order.\n",
            encoding="utf-8",
        )
        (folder / f"eo-{number}.meta.json").write_text(
            json.dumps(
                {"kind": "executive_order", "issued": "2026-03-02", "title": f"Executive Order {number}"}
            )
        )
    return folder


def counts(url: str) -> dict[str, int]:
    """Rows per table, and the duplicates that must never exist."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as c:
            out = {
                table: c.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("document", "obligation", "mention")
            }
            out["twins"] = c.execute(
                sa.text(
                    "SELECT count(*) FROM (SELECT instrument, actor, action, deadline_text FROM obligation "
                    "GROUP BY instrument, actor, action, deadline_text HAVING count(*) > 1) AS t"
                )
            ).scalar_one()
            out["documents_without_one_mention"] = c.execute(
                sa.text(
                    "SELECT count(*) FROM document d WHERE (SELECT count(*) FROM mention m "
                    "WHERE m.document_id = d.id) <> 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    return out


def stored_documents(url: str) -> int:
    return counts(url)["document"]


def start(cli: CLI, *args: str, db: str | None = None) -> subprocess.Popen[str]:
    env = {**cli.env, "TRACKER_DATABASE_URL": db or cli.db}
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args],
        env=env,
        cwd=cli.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line]  # ingest's progress bar leaves a blank line
    assert all(line.startswith("tracker: ") for line in lines), err
    return lines


def wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.01)


# --- killed in the middle of a batch ----------------------------------------------------------


def test_a_batch_killed_midway_and_run_again_stores_each_document_once(cli: CLI, tmp_path: Path) -> None:
    folder = write_orders(tmp_path / "orders")
    assert cli("db", "upgrade").code == 0
    proc = start(cli, "ingest", str(folder))
    wait_for(lambda: stored_documents(cli.db) >= 3 or proc.poll() is not None, 120, "the first documents")
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    partial = counts(cli.db)
    assert 3 <= partial["document"] < 200, "the batch finished before it could be killed"

    result = cli("ingest", str(folder))
    assert result.code == 0, result.err
    error_lines(result.err)
    assert (
        f"200 file(s): {200 - partial['document']} new, {partial['document']} unchanged, 0 failed"
        in result.out
    )
    final = counts(cli.db)
    assert final == {
        "document": 200,
        "obligation": 200,
        "mention": 200,
        "twins": 0,
        "documents_without_one_mention": 0,
    }
    assert cli("ingest", str(folder)).code == 0  # a third run changes nothing
    assert counts(cli.db) == final


# --- SQLite: another writer holds the lock ----------------------------------------------------


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another process's open write transaction: the database's one write lock, held until rollback."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=0)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("UPDATE state SET value = value")
    return conn


def test_sqlite_ingest_waits_for_a_locked_database_and_then_succeeds(
    sqlite_cli: CLI, tmp_path: Path, seed: Path
) -> None:
    assert sqlite_cli("ingest", str(seed)).code == 0
    folder = write_orders(tmp_path / "orders", count=3)
    lock = hold_write_lock(tmp_path / "tracker.db")
    try:
        proc = start(sqlite_cli, "ingest", str(folder))
        time.sleep(3)
        assert proc.poll() is None, "ingest did not wait for the lock: " + proc.communicate()[1]
        reading = sqlite_cli("list", "--json")  # readers are not blocked by a writer (WAL)
        assert reading.code == 0 and len(reading.out.splitlines()) == 1, reading.err
    finally:
        lock.rollback()
        lock.close()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert error_lines(err) == []
    assert counts(sqlite_cli.db)["obligation"] == 4


@pytest.mark.slow
def test_sqlite_ingest_gives_up_on_a_lock_held_too_long_in_one_line(
    sqlite_cli: CLI, tmp_path: Path, seed: Path
) -> None:
    """The store waits 30 s (busy_timeout, not configurable), then says so and loses nothing."""
    assert sqlite_cli("ingest", str(seed)).code == 0
    before = sqlite_cli("list", "--json").out
    order = write_orders(tmp_path / "orders", count=1) / "eo-96000.txt"
    lock = hold_write_lock(tmp_path / "tracker.db")
    try:
        proc = start(sqlite_cli, "ingest", str(order))
        _out, err = proc.communicate(timeout=120)
    finally:
        lock.rollback()
        lock.close()
    assert proc.returncode == 6, err
    assert error_lines(err) == [f"tracker: {sqlite_cli.db}: database is locked"]
    assert sqlite_cli("list", "--json").out == before
    assert sqlite_cli("ingest", str(order)).code == 0  # and once the lock is gone, it goes in


# --- PostgreSQL: unreachable, or gone in the middle of a batch --------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", [["ingest", "{doc}"], ["list"], ["show", "abcd"], ["db", "upgrade"]])
def test_unreachable_postgresql_is_one_line_and_exit_6(
    sqlite_cli: CLI, tmp_path: Path, command: list[str]
) -> None:
    port = closed_port()
    url = f"postgresql://tracker:pw-never-shown@127.0.0.1:{port}/tracker"
    doc = write_orders(tmp_path / "orders", count=1) / "eo-96000.txt"
    result = sqlite_cli(*[c.format(doc=doc) for c in command], extra_env={"TRACKER_DATABASE_URL": url})
    assert result.code == 6, result.err
    lines = error_lines(result.err)
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"tracker: postgresql+psycopg://tracker:***@127.0.0.1:{port}/tracker: ")
    assert "Connection refused" in lines[0]
    assert "pw-never-shown" not in result.err + result.out


class Proxy:
    """A TCP forwarder to the real server that the test can cut, as a restart looks from outside."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()


@pytest.fixture
def proxied(pg_url: str) -> Iterator[tuple[str, Proxy]]:
    url = sa.engine.make_url(pg_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    try:
        yield url.set(port=proxy.port).render_as_string(hide_password=False), proxy
    finally:
        proxy.cut()


def ingest_until_cut(pg_url: str, via_proxy: str, proxy: Proxy, tmp_path: Path) -> tuple[CLI, Path, int, str]:
    """Ingest 200 orders through the proxy and cut it after the first few: (cli, folder, code, stderr)."""
    home = tmp_path / "home"
    home.mkdir()
    cli = CLI(pg_url, home, _clean_env(home, pg_url))
    folder = write_orders(tmp_path / "orders")
    assert cli("db", "upgrade").code == 0
    proc = start(cli, "ingest", str(folder), db=via_proxy)
    wait_for(lambda: stored_documents(pg_url) >= 3 or proc.poll() is not None, 120, "the first documents")
    proxy.cut()
    _out, err = proc.communicate(timeout=120)
    assert counts(pg_url)["document"] < 200, "the batch finished before the server went away"
    return cli, folder, proc.returncode, err


@pytest.mark.postgres
def test_postgresql_gone_in_the_middle_of_a_batch_loses_nothing(
    pg_url: str, proxied: tuple[str, Proxy], tmp_path: Path
) -> None:
    cli, folder, code, err = ingest_until_cut(pg_url, *proxied, tmp_path)
    assert code == 6, err
    host = f"tracker: {sa.engine.make_url(proxied[0]).render_as_string()}: "
    assert all(line.startswith(host) for line in error_lines(err)), err

    result = cli("ingest", str(folder))  # the server is back (here: reached directly)
    assert result.code == 0, result.err
    assert counts(pg_url) == {
        "document": 200,
        "obligation": 200,
        "mention": 200,
        "twins": 0,
        "documents_without_one_mention": 0,
    }


@pytest.mark.postgres
def test_a_database_gone_in_the_middle_of_a_batch_is_reported_once(
    pg_url: str, proxied: tuple[str, Proxy], tmp_path: Path
) -> None:
    _cli, _folder, code, err = ingest_until_cut(pg_url, *proxied, tmp_path)
    assert code == 6
    assert len(error_lines(err)) == 1, err


def test_the_service_reports_an_unreachable_database_as_a_database_error() -> None:
    from tracker import config
    from tracker.errors import DatabaseError
    from tracker.service import Tracker
    from tracker.store.repository import Filters

    tracker = Tracker(config.load(database_url=f"postgresql://tracker@127.0.0.1:{closed_port()}/tracker"))
    with pytest.raises(DatabaseError):
        tracker.list(Filters())


def insert_duties(url: str, count: int) -> None:
    """`count` open, dated duties written straight into the store's table (no documents needed)."""
    import datetime as dt

    from tracker.store.tables import ObligationRow

    stamp = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    rows = [
        {"id": f"q{i:09d}", "instrument": "EO 96999", "kind": "executive_order", "actor": "Attorney General",
         "action": f"review case {i}", "deadline_text": "within 30 days", "modal": "shall",
         "anchor_kind": "issued", "anchor_date": dt.date(2026, 3, 2), "anchor_text": "", "anchor_source": "",
         "period": "P30D", "expr": "{}", "computed_due": dt.date(2026, 4, 1), "due_date": dt.date(2026, 4, 1),
         "recurrence": None, "status": "open", "confidence": 0.9, "flags": "[]", "tags": "[]",
         "explanation": "[]", "override_due": None, "override_reason": None, "sequence": 0,
         "created_at": stamp, "updated_at": stamp, "origin_key": None, "anchor_ref": None,
         "anchor_reason": None, "completed_on": None}
        for i in range(count)
    ]  # fmt: skip
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for start_at in range(0, count, 5000):
                conn.execute(sa.insert(ObligationRow.__table__), rows[start_at : start_at + 5000])
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_list_of_more_than_65535_duties_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    """PostgreSQL binds at most 65,535 parameters: no query may bind one per listed duty (bench/list.py
    found `tracker list` failing at 100k when mentions were fetched by `IN (ids)`)."""
    home = tmp_path / "home"
    home.mkdir()
    cli = CLI(pg_url, home, _clean_env(home, pg_url))
    assert cli("db", "upgrade").code == 0
    insert_duties(pg_url, 65_536)
    result = cli("list", "--json")
    assert result.code == 0, result.err
    assert len(result.out.splitlines()) == 65_536
