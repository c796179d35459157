"""`tracker remind` as a user runs it: dry run, exit 7 when SMTP is down, and two processes racing."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import CLI
from tests.test_reminders_support import (
    SMTPServer,
    add_obligation,
    dispose_trackers,
    log_rows,
    make_tracker,
    write_config,
)

DUE = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _close_connections(db_url: str) -> Iterator[None]:
    yield
    dispose_trackers()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


def test_dry_run_shows_and_writes_nothing(cli: CLI, smtp: SMTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.toml", smtp.port)
    tracker = make_tracker(cli.db, cfg)
    add_obligation(tracker, "clidry0001", DUE, action="file <b>the</b> plan")
    r = cli("--config", str(cfg), "remind", "--today", "2026-10-31", "--dry-run", "--json")
    assert r.code == 0, r.err
    lines = [json.loads(x) for x in r.out.splitlines()]
    assert [(x["state"], x["lead_days"], x["days_left"], x["recipient"]) for x in lines] == [
        ("planned", 30, 30, "counsel@example.org"),
        ("planned", 30, 30, "ops@example.org"),
    ]
    assert lines[0]["action"] == "file <b>the</b> plan"
    r = cli("--config", str(cfg), "remind", "--today", "2026-10-31", "--dry-run")
    assert r.code == 0 and r.out.splitlines()[-1] == "2 reminder(s) due on 2026-10-31 (dry run)"
    assert smtp.sink.messages == [] and log_rows(tracker) == []


def test_smtp_down_exits_7_after_recording_then_recovers(cli: CLI, tmp_path: Path) -> None:
    server = SMTPServer()
    cfg = write_config(tmp_path / "t.toml", server.port)
    tracker = make_tracker(cli.db, cfg)
    add_obligation(tracker, "clidown001", DUE)
    r = cli("--config", str(cfg), "remind", "--today", "2026-10-31")
    assert r.code == 7
    assert r.err.splitlines() == [
        f"tracker: smtp://127.0.0.1:{server.port}: cannot reach the SMTP server: Connection refused; "
        "2 reminder(s) left pending"
    ]
    assert [line.split()[0] for line in r.out.splitlines()[:-1]] == ["failed", "failed"]
    assert {(x["status"], x["attempts"]) for x in log_rows(tracker)} == {("pending", 1)}
    r = cli("--config", str(cfg), "remind", "--today", "2026-10-31")  # same instant: not yet retried
    assert r.code == 0
    assert r.out.splitlines() == [
        "0 sent, 0 failed, 0 taken by another sweep, 2 waiting to retry (2026-10-31)"
    ]
    server.start()
    try:
        r = cli("--config", str(cfg), "remind", "--today", "2026-11-01")
        assert r.code == 0, r.err
        assert r.out.splitlines()[-1] == "2 sent, 0 failed, 0 taken by another sweep (2026-11-01)"
        r = cli("--config", str(cfg), "remind", "--today", "2026-11-01")
        assert r.code == 0 and r.out.splitlines() == [
            "0 sent, 0 failed, 0 taken by another sweep (2026-11-01)"
        ]
    finally:
        server.stop()
    assert len(server.sink.messages) == 2


def test_two_processes_racing_send_each_reminder_once(cli: CLI, smtp: SMTPServer, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.toml", smtp.port)
    tracker = make_tracker(cli.db, cfg)
    for i in range(10):
        add_obligation(tracker, f"clirace{i:03d}", DUE - dt.timedelta(days=i))
    cmd = [sys.executable, "-m", "tracker", "--config", str(cfg), "remind", "--today", "2026-10-31", "--json"]
    procs = [
        subprocess.Popen(
            cmd, env=cli.env, cwd=cli.home, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _out, err in results]
    states = Counter(json.loads(line)["state"] for out, _err in results for line in out.splitlines())
    assert states["sent"] == 20 and set(states) <= {"sent", "taken"}
    delivered = Counter((m["Message-ID"], tuple(r)) for _f, r, m in smtp.sink.messages)
    assert len(delivered) == 20 and max(delivered.values()) == 1


def test_no_recipients_is_said_and_not_an_error(cli: CLI, tmp_path: Path) -> None:
    cfg = write_config(tmp_path / "t.toml", 25, reminders={"recipients": []})
    r = cli("--config", str(cfg), "remind", "--today", "2026-10-31")
    assert r.code == 0
    assert r.err.strip() == "tracker: reminders.recipients: no recipients configured; nothing to send"


def test_bad_today_is_a_usage_error(cli: CLI) -> None:
    r = cli("remind", "--today", "tomorrow")
    assert r.code == 2 and r.err.strip() == "tracker: --today: expected a date as YYYY-MM-DD, got 'tomorrow'"
