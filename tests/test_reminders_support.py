"""Helpers of the reminder, mailer, source and scheduler tests (no tests here).

A real SMTP server (aiosmtpd) on loopback, obligations written straight through the store, and
config files. aiosmtpd's `Controller(port=0)` does not work, so a free port is picked first.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import socket
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tracker import config
from tracker.service import Tracker

NOW = dt.datetime(2026, 10, 31, 8, 0, tzinfo=dt.UTC)
RECIPIENTS = ["ops@example.org", "counsel@example.org"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """Collects every message the server accepts: (envelope sender, recipients, parsed message)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self._lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.startswith("refused"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy"):
            return "450 4.2.1 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))  # type: ignore[arg-type]
        return "250 OK"

    def to(self, recipient: str) -> list[EmailMessage]:
        return [m for _f, rcpts, m in self.messages if recipient in rcpts]


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1 that can be started and stopped on a fixed port."""

    def __init__(self, port: int | None = None, **kwargs: Any) -> None:
        self.port = port or free_port()
        self.sink = Sink()
        self.kwargs = kwargs
        self._controller: Controller | None = None

    def start(self) -> SMTPServer:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port, **self.kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def write_config(path: Path, port: int, **sections: dict[str, Any]) -> Path:
    """A config file: SMTP on 127.0.0.1:port, two recipients, plus any `sections` overrides."""
    data: dict[str, dict[str, Any]] = {
        "smtp": {"host": "127.0.0.1", "port": port, "sender": "deadlines@tracker.test", "timeout": 5.0},
        "reminders": {"recipients": RECIPIENTS},
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    lines = []
    for name, values in data.items():
        lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Clock:
    """A settable clock for a Tracker."""

    def __init__(self, now: dt.datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += dt.timedelta(**kwargs)


_MADE: list[Tracker] = []


def make_tracker(db_url: str, config_path: Path, clock: Clock | None = None) -> Tracker:
    """A Tracker on `db_url`; `dispose_trackers` closes its connections at the end of the test."""
    settings = config.load(config_path, database_url=db_url)
    tracker = Tracker(settings, clock=clock or Clock())
    _MADE.append(tracker)
    return tracker


def dispose_trackers() -> None:
    while _MADE:
        _MADE.pop().close()


def add_obligation(
    tracker: Tracker,
    oid: str,
    due: dt.date | None,
    *,
    status: str = "open",
    actor: str = "Secretary of Commerce",
    action: str = "publish a report on supply chains",
    tags: tuple[str, ...] = (),
) -> None:
    with tracker.repo() as repo:
        repo.add_obligation(
            {
                "id": oid,
                "instrument": "EO 14999",
                "kind": "executive_order",
                "actor": actor,
                "action": action,
                "deadline_text": "within 90 days of the date of this order",
                "anchor_kind": "issued",
                "anchor_date": dt.date(2026, 9, 1),
                "due_date": due,
                "computed_due": due,
                "status": status,
                "tags": json.dumps(sorted(tags)),
                "confidence": 0.9,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )


def set_due(tracker: Tracker, oid: str, due: dt.date) -> None:
    from tracker.store.tables import ObligationRow

    with tracker.repo() as repo:
        row = repo.session.get(ObligationRow, oid)
        assert row is not None
        row.due_date = due
        repo.session.add(row)


def log_rows(tracker: Tracker) -> list[dict[str, Any]]:
    import sqlalchemy as sa

    from tracker.store.tables import ReminderLogRow

    table = ReminderLogRow.__table__  # type: ignore[attr-defined]
    with tracker.repo() as repo:
        rows = repo.session.execute(sa.select(table).order_by(table.c.id)).mappings().all()
        return [dict(r) for r in rows]
