"""The scheduler on SQLite and PostgreSQL: the persisted jobs and their settings, restarts, the job
functions driven with a fixed day instead of sleeping, and the daemon's clean stop on signals.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tests.conftest import CLI
from tests.test_reminders_support import (
    SMTPServer,
    add_obligation,
    dispose_trackers,
    log_rows,
    make_tracker,
    write_config,
)
from tracker import config, scheduler

DUE = dt.date(2026, 11, 30)
SCHEDULE = {
    "reminder_time": "07:30",
    "timezone": "Europe/Berlin",
    "poll_interval": 15,
    "misfire_grace_time": 5400,
}


@pytest.fixture(autouse=True)
def _close_connections(db_url: str) -> Iterator[None]:
    yield
    dispose_trackers()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def cfg(tmp_path: Path, smtp: SMTPServer) -> Path:
    return write_config(tmp_path / "tracker.toml", smtp.port, scheduler=SCHEDULE)


def _started(db_url: str, cfg: Path) -> scheduler.BackgroundScheduler:
    return scheduler.start(config.load(cfg, database_url=db_url), str(cfg), paused=True)


def _stored_ids(db_url: str) -> list[str]:
    from tracker.store import db

    engine = db.make_engine(db_url)
    try:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.text(f"SELECT id FROM {scheduler.JOBS_TABLE}")).scalars())
    finally:
        engine.dispose()


def test_jobs_are_persisted_with_fixed_ids_and_misfire_settings(db_url: str, cfg: Path) -> None:
    sched = _started(db_url, cfg)
    try:
        jobs = {j.id: j for j in sched.get_jobs()}
    finally:
        sched.shutdown()
    assert sorted(jobs) == sorted(scheduler.JOB_IDS)
    assert _stored_ids(db_url) == sorted(scheduler.JOB_IDS)
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 5400)
        assert job.args == (db_url, str(cfg))
        assert job.func_ref == f"tracker.scheduler:{job.id}"
    cron = jobs["send_reminders"].trigger
    assert isinstance(cron, CronTrigger)
    assert repr(cron) == "<CronTrigger (hour='7', minute='30', timezone='Europe/Berlin')>"
    poll = jobs["poll_sources"].trigger
    assert isinstance(poll, IntervalTrigger) and poll.interval == dt.timedelta(minutes=15)
    feeds = jobs["refresh_feeds"].trigger
    assert isinstance(feeds, IntervalTrigger) and feeds.interval == dt.timedelta(minutes=240)
    nxt = jobs["send_reminders"].next_run_time
    assert (nxt.hour, nxt.minute, str(nxt.tzinfo)) == (7, 30, "Europe/Berlin")


def test_restart_replaces_jobs_and_keeps_a_missed_run(db_url: str, cfg: Path, tmp_path: Path) -> None:
    missed = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(minutes=20)
    first = _started(db_url, cfg)
    try:
        first.modify_job("send_reminders", next_run_time=missed)  # the daemon went down before 07:30
    finally:
        first.shutdown()
    second = _started(db_url, cfg)  # same triggers: the overdue run is kept (grace time decides)
    try:
        kept = second.get_job("send_reminders")
        assert kept.next_run_time == missed
        assert len(second.get_jobs()) == 3
    finally:
        second.shutdown()
    changed = write_config(tmp_path / "changed.toml", 25, scheduler={**SCHEDULE, "reminder_time": "09:05"})
    third = _started(db_url, changed)  # a new time of day replaces the job and its next run
    try:
        job = third.get_job("send_reminders")
        assert (job.next_run_time.hour, job.next_run_time.minute) == (9, 5)
        assert job.args == (db_url, str(changed))
    finally:
        third.shutdown()
    assert _stored_ids(db_url) == sorted(scheduler.JOB_IDS)


def test_interval_jobs_count_from_a_fixed_origin(db_url: str, cfg: Path) -> None:
    """Restarting every few minutes never postpones a poll: runs fall on origin + k * interval."""
    sched = _started(db_url, cfg)
    try:
        nxt = sched.get_job("poll_sources").next_run_time
    finally:
        sched.shutdown()
    assert nxt.minute % 15 == 0 and nxt.second == 0


def test_reminder_job_driven_with_a_fixed_day_sends_once_across_restarts(
    db_url: str, cfg: Path, smtp: SMTPServer
) -> None:
    tracker = make_tracker(db_url, cfg)
    add_obligation(tracker, "sched00001", DUE)
    scheduler.send_reminders(db_url, str(cfg), today="2026-10-31")
    assert len(smtp.sink.messages) == 2
    sched = _started(db_url, cfg)  # a scheduler restart in between changes nothing
    sched.shutdown()
    scheduler.send_reminders(db_url, str(cfg), today="2026-10-31")
    scheduler.send_reminders(db_url, str(cfg), today="2026-11-01")
    assert len(smtp.sink.messages) == 2
    scheduler.send_reminders(db_url, str(cfg), today="2026-11-23")  # the 7-day window opens
    assert len(smtp.sink.messages) == 4
    assert sorted(r["lead_days"] for r in log_rows(tracker)) == [7, 7, 30, 30]


def test_two_schedulers_running_the_job_at_once_send_once(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, cfg)
    for i in range(8):
        add_obligation(tracker, f"twin{i:06d}", DUE - dt.timedelta(days=i))
    tracker.engine.dispose()
    barrier = threading.Barrier(2)

    def job() -> None:
        barrier.wait()
        scheduler.send_reminders(db_url, str(cfg), today="2026-10-31")

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ids = [m["Message-ID"] + ",".join(r) for _f, r, m in smtp.sink.messages]
    assert len(ids) == 16 and len(set(ids)) == 16


def test_job_errors_are_logged_in_one_line(
    db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = SMTPServer()  # never started
    path = write_config(tmp_path / "down.toml", down.port)
    tracker = make_tracker(db_url, path)
    add_obligation(tracker, "down000001", DUE)
    with caplog.at_level(logging.INFO, logger="tracker.scheduler"):
        scheduler.send_reminders(db_url, str(path), today="2026-10-31")
    messages = [r.getMessage() for r in caplog.records]
    assert any("0 sent, 2 failed" in m for m in messages)
    assert any("cannot reach the SMTP server" in m and "\n" not in m for m in messages)
    assert {r["status"] for r in log_rows(tracker)} == {"pending"}


def test_refresh_feeds_job(db_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
                           monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    plain = write_config(tmp_path / "plain.toml", 25)
    with caplog.at_level(logging.DEBUG, logger="tracker.scheduler"):
        scheduler.refresh_feeds(db_url, str(plain))
    assert "feeds.export_dir is not set" in caplog.text
    out = tmp_path / "public"
    exporting = write_config(tmp_path / "export.toml", 25, feeds={"export_dir": str(out)})
    tracker = make_tracker(db_url, exporting)
    add_obligation(tracker, "feed000001", DUE)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tracker.scheduler"):
        if scheduler._export_feeds() is None:
            scheduler.refresh_feeds(db_url, str(exporting))
            assert "no feed export in this version" in caplog.text
            return
        scheduler.refresh_feeds(db_url, str(exporting))
    assert f"feeds written to {out}" in caplog.text
    assert any(p.suffix == ".ics" for p in out.iterdir())
    monkeypatch.setattr(scheduler, "_export_feeds", lambda: None)  # a version without the export
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="tracker.scheduler"):
        scheduler.refresh_feeds(db_url, str(exporting))
    assert "no feed export in this version" in caplog.text


def test_database_password_never_reaches_the_job_table() -> None:
    url = "postgresql+psycopg://tracker:s3cr3t@db.example.org:5432/deadlines"
    stored = scheduler._stored_url(url)
    assert "s3cr3t" not in stored and stored.startswith("postgresql+psycopg://tracker:***@")
    assert scheduler._REAL_URLS[stored] == url
    assert scheduler._stored_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


# --- the daemon -------------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_cleanly_on_signals(cli: CLI, cfg: Path, sig: signal.Signals) -> None:
    seen: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "tracker", "--config", str(cfg), "run"],
        env=cli.env, cwd=cli.home, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    ) as proc:  # fmt: skip
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr], daemon=True)  # type: ignore[union-attr]
        reader.start()
        try:
            while not any("scheduler started" in x for x in seen):
                seen.append(lines.get(timeout=60))
            os.kill(proc.pid, sig)
            assert proc.wait(timeout=30) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.join(5)
    while not lines.empty():
        seen.append(lines.get())
    text = "".join(seen)
    assert f"received {sig.name}" in text and "scheduler stopped" in text
    assert "job send_reminders: next run" in text
    assert "Traceback" not in text
