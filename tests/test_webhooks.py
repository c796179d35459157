"""Reminders over webhooks end to end, on SQLite and PostgreSQL, against a real HTTP receiver on
loopback: delivery, the signature a receiver verifies, retries (receiver down, 5xx), nothing sent
twice, permanent refusals, and the Slack and Teams shapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.test_reminders_support import (
    NOW,
    Clock,
    SMTPServer,
    add_obligation,
    dispose_trackers,
    free_port,
    log_rows,
    make_tracker,
    write_config,
)
from tracker import webhooks
from tracker.service import reminders as service

SECRET = "whsec-test-" + "s" * 24
DUE = dt.date(2026, 11, 30)  # 30 days after NOW: the 30-day reminder is due
FAST = {"delays": (0.01, 0.01), "timeout": 5.0}


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """A webhook receiver on 127.0.0.1 (http.server in a thread) that answers the statuses queued
    in `answers` (then 200) and records every request; it can be stopped and started again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.deliveries: list[Delivery] = []
        self.answers: list[int] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/T0001/B0002/secret-path-part"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    receiver.deliveries.append(Delivery(self.path, dict(self.headers.items()), body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture(autouse=True)
def _close_connections(db_url: str) -> Iterator[None]:
    yield
    dispose_trackers()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRACKER_WEBHOOKS__SECRET", SECRET)
    return SECRET


def hooks_config(tmp_path: Path, *urls: str, fmt: str = "json", emails: list[str] | None = None) -> Path:
    return write_config(
        tmp_path / "tracker.toml",
        free_port(),  # no SMTP server: email recipients are none unless given
        reminders={"recipients": emails or []},
        webhooks={"urls": list(urls), "format": fmt},
        feeds={"base_url": "https://deadlines.example.org"},
    )


def verify(delivery: Delivery, secret: str, now: float) -> bool:
    """What the documentation tells a receiver to do, written here independently of the module."""
    timestamp = delivery.headers["X-Tracker-Timestamp"]
    given = delivery.headers["X-Tracker-Signature"]
    if abs(now - int(timestamp)) > 300:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + delivery.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", given)


def test_delivered_signed_and_never_twice(
    db_url: str, tmp_path: Path, receiver: Receiver, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    tracker = make_tracker(db_url, hooks_config(tmp_path, receiver.url))
    add_obligation(tracker, "k3f9x2m7qa", DUE)
    add_obligation(tracker, "later00001", DUE + dt.timedelta(days=60))  # nothing due yet
    with caplog.at_level(logging.DEBUG):
        report = service.sweep(tracker, sender=webhooks.Sender(**FAST))
    assert report.error is None and report.count("sent") == 1 and report.recipients == 1
    [d] = receiver.deliveries
    assert d.path == "/hooks/T0001/B0002/secret-path-part"
    assert d.headers["Content-Type"] == "application/json; charset=utf-8"
    assert d.headers["X-Tracker-Timestamp"] == str(int(NOW.timestamp()))
    assert verify(d, SECRET, NOW.timestamp())
    assert not verify(d, SECRET + "x", NOW.timestamp())
    assert not verify(d, SECRET, NOW.timestamp() + 3600)  # a replay an hour later
    tampered = Delivery(d.path, d.headers, d.body.replace(b"30", b"31"))
    assert not verify(tampered, SECRET, NOW.timestamp())
    assert d.json() == {
        "type": "deadline.reminder",
        "version": 1,
        "delivery": d.headers["X-Tracker-Delivery"],
        "obligation_id": "k3f9x2m7qa",
        "actor": "Secretary of Commerce",
        "action": "publish a report on supply chains",
        "instrument": "EO 14999",
        "deadline_text": "within 90 days of the date of this order",
        "due_date": "2026-11-30",
        "days_left": 30,
        "lead_days": 30,
        "overdue": False,
        "status": "open",
        "url": None,  # the web page is off and the obligation has no source URL
        "source_url": None,
        "text": "Due 2026-11-30 (30 days): Secretary of Commerce: publish a report on supply chains",
    }
    [row] = log_rows(tracker)
    assert (row["status"], row["attempts"], row["lead_days"]) == ("sent", 1, 30)
    assert (
        row["recipient"].startswith("webhook:http://127.0.0.1:")
        and "secret-path-part" not in row["recipient"]
    )

    again = service.sweep(tracker, sender=webhooks.Sender(**FAST))
    assert again.outcomes == [] and len(receiver.deliveries) == 1
    restarted = make_tracker(db_url, hooks_config(tmp_path, receiver.url))
    assert service.sweep(restarted).outcomes == [] and len(receiver.deliveries) == 1

    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert SECRET not in logged and "secret-path-part" not in logged


def test_retried_after_the_receiver_was_down(db_url: str, tmp_path: Path, secret: str) -> None:
    receiver = Receiver()  # not started: connections are refused
    clock = Clock()
    tracker = make_tracker(db_url, hooks_config(tmp_path, receiver.url), clock)
    add_obligation(tracker, "k3f9x2m7qa", DUE)
    add_obligation(tracker, "m4n5b6v7c8", DUE)
    first = service.sweep(tracker, sender=webhooks.Sender(**FAST))
    assert first.count("failed") == 2 and first.count("sent") == 0
    assert first.error is not None and first.error.exit_code == 7
    assert str(first.error).startswith("webhooks: reminders not sent (2 to retry): ")
    assert "cannot reach the webhook" in str(first.error)
    assert "secret-path-part" not in str(first.error) and SECRET not in str(first.error)
    rows = log_rows(tracker)
    assert [(r["status"], r["attempts"]) for r in rows] == [("pending", 1), ("pending", 1)]
    assert all(r["next_attempt_at"] == NOW + dt.timedelta(minutes=5) for r in rows)

    receiver.start()
    try:
        clock.advance(minutes=1)  # before the backoff: nothing is tried
        early = service.sweep(tracker, sender=webhooks.Sender(**FAST))
        assert early.outcomes == [] and early.waiting == 2 and receiver.deliveries == []
        clock.advance(minutes=5)
        later = service.sweep(tracker, sender=webhooks.Sender(**FAST))
        assert later.error is None and later.count("sent") == 2
        assert sorted(d.json()["obligation_id"] for d in receiver.deliveries) == ["k3f9x2m7qa", "m4n5b6v7c8"]
        assert all(verify(d, SECRET, clock.now.timestamp()) for d in receiver.deliveries)
        assert [(r["status"], r["attempts"]) for r in log_rows(tracker)] == [("sent", 2), ("sent", 2)]
        assert service.sweep(tracker, sender=webhooks.Sender(**FAST)).outcomes == []
        assert len(receiver.deliveries) == 2
    finally:
        receiver.stop()


def test_a_5xx_is_retried_in_the_same_sweep_with_the_same_delivery_id(
    db_url: str, tmp_path: Path, receiver: Receiver, secret: str
) -> None:
    tracker = make_tracker(db_url, hooks_config(tmp_path, receiver.url))
    add_obligation(tracker, "k3f9x2m7qa", DUE)
    receiver.answers = [503, 500]
    slept: list[float] = []
    sender = webhooks.Sender(delays=(0.5, 2.0), sleep=slept.append)
    report = service.sweep(tracker, sender=sender)
    assert report.error is None and report.count("sent") == 1
    assert slept == [0.5, 2.0]  # backoff between the three tries
    assert len(receiver.deliveries) == 3
    assert len({d.headers["X-Tracker-Delivery"] for d in receiver.deliveries}) == 1
    assert len({d.body for d in receiver.deliveries}) == 1

    # Still failing after every quick try: left pending for the sweep's backoff.
    add_obligation(tracker, "m4n5b6v7c8", DUE)
    receiver.answers = [502, 502, 502]
    failed = service.sweep(tracker, sender=webhooks.Sender(**FAST))
    assert failed.count("failed") == 1 and "HTTP 502" in str(failed.error)
    assert [r["status"] for r in log_rows(tracker)] == ["sent", "pending"]


def test_a_4xx_is_given_up_and_other_channels_go_on(
    db_url: str, tmp_path: Path, receiver: Receiver, secret: str
) -> None:
    smtp = SMTPServer().start()
    try:
        cfg = write_config(
            tmp_path / "tracker.toml",
            smtp.port,
            reminders={"recipients": ["ops@example.org"]},
            webhooks={"urls": [receiver.url], "format": "json"},
        )
        tracker = make_tracker(db_url, cfg)
        add_obligation(tracker, "k3f9x2m7qa", DUE)
        receiver.answers = [404]
        report = service.sweep(tracker, sender=webhooks.Sender(**FAST))
        assert sorted((o.reminder.key.recipient.split(":")[0], o.state) for o in report.outcomes) == [
            ("ops@example.org", "sent"),
            ("webhook", "refused"),
        ]
        assert "HTTP 404" in str(report.error) and len(receiver.deliveries) == 1
        assert len(smtp.sink.to("ops@example.org")) == 1
        assert sorted(r["status"] for r in log_rows(tracker)) == ["failed", "sent"]
        assert service.sweep(tracker, sender=webhooks.Sender(**FAST)).outcomes == []  # never retried
        assert len(receiver.deliveries) == 1
    finally:
        smtp.stop()


def test_slack_and_teams_payloads(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slack, teams = Receiver().start(), Receiver().start()
    try:
        monkeypatch.setenv("TRACKER_WEB__ACCESS_TOKEN", "on")  # links go to the obligation's page
        for receiver, fmt in ((slack, "slack"), (teams, "teams")):
            (tmp_path / fmt).mkdir()
            tracker = make_tracker(db_url, hooks_config(tmp_path / fmt, receiver.url, fmt=fmt))
            if fmt == "slack":  # one obligation, in the database both trackers share
                add_obligation(
                    tracker, "k3f9x2m7qa", DUE, action="publish <!channel> & <https://evil.example|x>"
                )
            assert service.sweep(tracker, sender=webhooks.Sender(**FAST)).count("sent") == 1
        [s], [t] = slack.deliveries, teams.deliveries
        assert "X-Tracker-Signature" not in s.headers  # no secret configured
        body = s.json()
        assert set(body) == {"text", "blocks"}
        assert [b["type"] for b in body["blocks"]] == ["section", "context"]
        section = body["blocks"][0]["text"]
        assert section["type"] == "mrkdwn"
        assert section["text"].startswith(
            "*Due 2026-11-30* (30 days) · EO 14999\n*<https://deadlines.example.org/o/k3f9x2m7qa|"
        )
        assert "&lt;!channel&gt; &amp; &lt;https://evil.example|x&gt;" in section["text"]
        assert "<!channel>" not in s.body.decode() and "<https://evil" not in s.body.decode()

        card = t.json()
        assert card["type"] == "message"
        [attachment] = card["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        content = attachment["content"]
        assert (content["type"], content["version"]) == ("AdaptiveCard", "1.4")
        runs = [i["text"] for block in content["body"] for i in block["inlines"]]
        assert runs[0] == "Due 2026-11-30 (30 days)"
        assert (
            runs[1] == "Secretary of Commerce: publish <!channel> & <https://evil.example|x>"
        )  # plain text runs
        assert content["actions"] == [
            {
                "type": "Action.OpenUrl",
                "title": "Open the deadline",
                "url": "https://deadlines.example.org/o/k3f9x2m7qa",
            }
        ]
    finally:
        slack.stop()
        teams.stop()
