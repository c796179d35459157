"""Reminder sweeps end to end on SQLite and PostgreSQL, with a real SMTP server on loopback.

Exactly-once: a second sweep, a restarted tracker, racing sweeps and an SMTP outage neither lose
nor double a reminder.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.test_reminders_support import (
    NOW,
    RECIPIENTS,
    Clock,
    SMTPServer,
    add_obligation,
    dispose_trackers,
    log_rows,
    make_tracker,
    set_due,
    write_config,
)
from tracker.errors import NetworkError
from tracker.service import reminders as service

DUE = dt.date(2026, 11, 30)  # 30 days after NOW


@pytest.fixture(autouse=True)
def _close_connections(db_url: str) -> Iterator[None]:
    yield  # torn down before the database fixture drops the database
    dispose_trackers()


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def cfg(tmp_path: Path, smtp: SMTPServer) -> Path:
    return write_config(tmp_path / "tracker.toml", smtp.port)


def test_reminder_arrives_once_with_text_html_and_calendar(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, cfg)
    add_obligation(tracker, "k3f9x2m7qa", DUE)
    report = service.sweep(tracker)
    assert report.error is None
    assert report.count("sent") == 2
    assert sorted(r for _f, rcpts, _m in smtp.sink.messages for r in rcpts) == sorted(RECIPIENTS)
    (msg,) = smtp.sink.to("ops@example.org")
    assert (
        msg["Subject"] == "Due 2026-11-30 (30 days): Secretary of Commerce: publish a report on supply chains"
    )
    assert msg["From"] == "deadlines@tracker.test"
    assert msg["Message-ID"].startswith("<k3f9x2m7qa.30d.20261130.")
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    cal = Calendar.from_ical(attachment.get_content())
    assert str(cal["METHOD"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == "k3f9x2m7qa@deadlines.tracker.invalid"
    assert event.decoded("DTSTART") == DUE
    rows = log_rows(tracker)
    assert [(r["status"], r["attempts"], r["lead_days"], r["sent_at"]) for r in rows] == [
        ("sent", 1, 30, NOW),
        ("sent", 1, 30, NOW),
    ]
    again = service.sweep(tracker)
    assert again.outcomes == [] and again.error is None
    assert len(smtp.sink.messages) == 2


def test_closed_and_undated_obligations_get_none(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, cfg)
    for status in ("done", "waived", "revoked", "superseded"):
        add_obligation(tracker, f"closed{status[:4]}", DUE, status=status)
    add_obligation(tracker, "undated001", None)
    assert service.sweep(tracker).outcomes == []
    assert smtp.sink.messages == []


def test_restarted_tracker_does_not_resend(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    first = make_tracker(db_url, cfg)
    add_obligation(first, "restart001", DUE)
    assert service.sweep(first).count("sent") == 2
    first.engine.dispose()
    second = make_tracker(db_url, cfg, Clock(NOW + dt.timedelta(hours=3)))  # a new process, later that day
    assert service.sweep(second).outcomes == []
    assert len(smtp.sink.messages) == 2


def test_smtp_down_then_up_loses_and_doubles_nothing(db_url: str, tmp_path: Path) -> None:
    server = SMTPServer()  # not started yet: connections are refused
    clock = Clock()
    tracker = make_tracker(db_url, write_config(tmp_path / "t.toml", server.port), clock)
    add_obligation(tracker, "outage0001", DUE)
    add_obligation(tracker, "outage0002", dt.date(2026, 11, 5))
    down = service.sweep(tracker)
    assert isinstance(down.error, NetworkError) and down.error.exit_code == 7
    assert "cannot reach the SMTP server" in str(down.error) and "\n" not in str(down.error)
    assert down.count("failed") == 4
    rows = log_rows(tracker)
    assert {(r["status"], r["attempts"]) for r in rows} == {("pending", 1)}
    assert all(r["last_error"] and r["next_attempt_at"] == NOW + dt.timedelta(minutes=5) for r in rows)
    # before the retry time nothing is tried again
    clock.advance(minutes=2)
    early = service.sweep(tracker)
    assert (early.outcomes, early.waiting) == ([], 4)
    server.start()
    try:
        clock.advance(minutes=4)
        up = service.sweep(tracker)
        assert up.error is None and up.count("sent") == 4
        assert service.sweep(tracker).outcomes == []
        clock.advance(hours=1)
        assert service.sweep(tracker).outcomes == []
    finally:
        server.stop()
    assert Counter(m["Message-ID"] for _f, _r, m in server.sink.messages).most_common(1)[0][1] == 1
    assert len(server.sink.messages) == 4
    assert {(r["status"], r["attempts"], r["last_error"]) for r in log_rows(tracker)} == {("sent", 2, None)}


def test_retry_backoff_follows_retry_minutes(db_url: str, tmp_path: Path) -> None:
    server = SMTPServer()
    clock = Clock()
    path = write_config(tmp_path / "t.toml", server.port, reminders={"retry_minutes": [10, 60]})
    tracker = make_tracker(db_url, path, clock)
    add_obligation(tracker, "backoff001", DUE)
    waits = []
    for _ in range(3):
        service.sweep(tracker)
        row = log_rows(tracker)[0]
        waits.append(row["next_attempt_at"] - clock.now)
        clock.now = row["next_attempt_at"]
    assert waits == [dt.timedelta(minutes=10), dt.timedelta(minutes=60), dt.timedelta(minutes=60)]
    assert log_rows(tracker)[0]["attempts"] == 3


def test_racing_sweeps_send_each_reminder_once(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    setup = make_tracker(db_url, cfg)
    for i in range(12):
        add_obligation(setup, f"race{i:06d}", DUE - dt.timedelta(days=i % 5))
    trackers = [make_tracker(db_url, cfg) for _ in range(4)]
    for t in trackers:
        t.engine  # noqa: B018  (migrated and connected before the race starts)
    barrier = threading.Barrier(len(trackers))
    reports: list[service.SweepReport] = []
    errors: list[BaseException] = []

    def run(t: object) -> None:
        try:
            barrier.wait()
            reports.append(service.sweep(t))  # type: ignore[arg-type]
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in trackers]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    sent = Counter((m["Message-ID"], tuple(r)) for _f, r, m in smtp.sink.messages)
    assert len(sent) == 24 and max(sent.values()) == 1
    assert sum(r.count("sent") for r in reports) == 24
    assert all(r["status"] == "sent" for r in log_rows(setup))


def test_moved_due_date_gets_fresh_reminders(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, cfg)
    add_obligation(tracker, "moved00001", DUE)
    service.sweep(tracker)
    set_due(tracker, "moved00001", dt.date(2026, 11, 25))
    report = service.sweep(tracker)
    assert report.count("sent") == 2
    subjects = [m["Subject"] for m in smtp.sink.to("ops@example.org")]
    assert [s.split(":")[0] for s in subjects] == ["Due 2026-11-30 (30 days)", "Due 2026-11-25 (25 days)"]
    assert len({m["Message-ID"] for m in smtp.sink.to("ops@example.org")}) == 2


def test_digest_sends_one_email_per_recipient(db_url: str, tmp_path: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, write_config(tmp_path / "d.toml", smtp.port, reminders={"digest": True}))
    add_obligation(tracker, "digest0001", DUE, action="publish a report")
    add_obligation(tracker, "digest0002", dt.date(2026, 11, 3), action="file a plan")
    add_obligation(tracker, "digest0003", dt.date(2026, 10, 29), action="name a coordinator")
    report = service.sweep(tracker)
    assert report.count("sent") == 6
    assert len(smtp.sink.messages) == 2
    (msg,) = smtp.sink.to("counsel@example.org")
    assert msg["Subject"] == "3 deadlines coming up (first due 2026-10-29, 1 overdue)"
    text = msg.get_body(("plain",)).get_content()
    assert all(a in text for a in ("publish a report", "file a plan", "name a coordinator"))
    (attachment,) = list(msg.iter_attachments())
    assert len(Calendar.from_ical(attachment.get_content()).walk("VEVENT")) == 3
    assert service.sweep(tracker).outcomes == []


def test_dry_run_writes_nothing(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    tracker = make_tracker(db_url, cfg)
    add_obligation(tracker, "dryrun0001", DUE)
    report = service.sweep(tracker, dry_run=True)
    assert [(o.state, o.reminder.key.lead_days) for o in report.outcomes] == [("planned", 30)] * 2
    assert smtp.sink.messages == [] and log_rows(tracker) == []


def test_today_pins_the_sweep_without_the_clock(db_url: str, cfg: Path, smtp: SMTPServer) -> None:
    def no_clock() -> dt.datetime:
        raise AssertionError("the clock was read although --today was given")

    tracker = make_tracker(db_url, cfg, no_clock)  # type: ignore[arg-type]
    add_obligation(tracker, "pinned0001", DUE)
    report = service.sweep(tracker, today=dt.date(2026, 11, 24))
    assert [o.reminder.key.lead_days for o in report.outcomes] == [7, 7]
    assert report.now == dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    assert smtp.sink.messages[0][2]["Date"] == "Tue, 24 Nov 2026 08:00:00 +0000"


def test_hostile_document_text_cannot_add_recipients_or_markup(
    db_url: str, cfg: Path, smtp: SMTPServer
) -> None:
    tracker = make_tracker(db_url, cfg)
    add_obligation(
        tracker,
        "hostile001",
        DUE,
        actor="Evil Corp\r\nBcc: victim@example.net",
        action="<script>alert(1)</script>\nX-Injected: yes",
    )
    assert service.sweep(tracker).count("sent") == 2
    for _sender, rcpts, msg in smtp.sink.messages:
        assert len(rcpts) == 1 and rcpts[0] in RECIPIENTS
        assert msg["Bcc"] is None and msg["X-Injected"] is None
        html = msg.get_body(("html",)).get_content()
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_refused_recipients_are_retried_or_given_up(db_url: str, tmp_path: Path, smtp: SMTPServer) -> None:
    """A 4xx answer is retried later; a 5xx (no such mailbox) is given up; others are still sent."""
    recipients = ["ok@example.org", "busy@example.org", "refused@example.org"]
    clock = Clock()
    tracker = make_tracker(
        db_url, write_config(tmp_path / "r.toml", smtp.port, reminders={"recipients": recipients}), clock
    )
    add_obligation(tracker, "refuse0001", DUE)
    report = service.sweep(tracker)
    assert {o.reminder.key.recipient: o.state for o in report.outcomes} == {
        "ok@example.org": "sent",
        "busy@example.org": "failed",
        "refused@example.org": "refused",
    }
    assert isinstance(report.error, NetworkError)
    assert str(report.error).startswith("smtp: reminders not sent (1 to retry, 1 given up): ")
    by_rcpt = {r["recipient"]: r for r in log_rows(tracker)}
    assert by_rcpt["ok@example.org"]["status"] == "sent"
    assert by_rcpt["busy@example.org"]["status"] == "pending"
    assert "450" in by_rcpt["busy@example.org"]["last_error"]
    assert by_rcpt["refused@example.org"]["status"] == "failed"
    assert "550 5.1.1 no such mailbox" in by_rcpt["refused@example.org"]["last_error"]
    clock.advance(hours=1)
    again = service.sweep(tracker)
    assert [(o.reminder.key.recipient, o.state) for o in again.outcomes] == [("busy@example.org", "failed")]
    assert len(smtp.sink.messages) == 1
