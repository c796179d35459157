"""Use case of the reminder sweep: plan what is due, claim each reminder in the store, send, record.

Layer 4. Reads the clock once per sweep, and not at all when `today` is given (the sweep's instant
is then `today` at scheduler.reminder_time in scheduler.timezone, so a run is reproducible).

Exactly-once: a reminder is claimed in `reminder_log` before it is sent, in its own committed
transaction: a fresh row by INSERT .. ON CONFLICT DO NOTHING RETURNING, or a pending row whose
retry time has come by UPDATE .. WHERE status = 'pending' AND attempts = <seen>. A claim holds a
lease (`next_attempt_at = now + CLAIM_LEASE`) so a second scheduler leaves it alone while it is
being sent. The one window left is a crash after the server accepted a message and before it was
marked sent: the retry then carries the same Message-ID, so mail clients see one message.

Webhooks (`webhooks.urls`) are a second channel through the same log: each URL is a recipient
`webhook:<scheme://host/…#hash of the URL>` (the path, which holds Slack's and Teams' credential,
is never stored), one POST per reminder, with the same claim, backoff and X-Tracker-Delivery id on
every retry. The signature's timestamp is the one clock reading per POST: receivers compare it
with their own clock, so it is the time of sending even when `today` is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker import feeds, notifications, reminders, webhooks
from tracker.config import Settings
from tracker.errors import ConfigError, NetworkError, TrackerError
from tracker.mailer import Mailer, MessageRefused
from tracker.model import Tracked
from tracker.reminders import Candidate, Key, Reminder
from tracker.service.core import Tracker
from tracker.store.repository import Repository, insert_ignore, to_tracked
from tracker.store.tables import ObligationRow, ReminderLogRow

#: How long a claimed reminder is left to its sender before another sweep may take it over.
CLAIM_LEASE = dt.timedelta(minutes=15)
KEY_COLUMNS = ("obligation_id", "recipient", "lead_days", "due_date")
_LOG = ReminderLogRow.__table__  # type: ignore[attr-defined]


@dataclass
class Outcome:
    """One reminder of a sweep: `state` is planned (dry run), sent, failed (retried later),
    refused (the server refused the recipient for good), or taken (another sweep claimed it)."""

    reminder: Reminder
    item: Tracked | None
    state: str
    error: str | None = None


@dataclass
class SweepReport:
    today: dt.date
    now: dt.datetime
    dry_run: bool
    recipients: int
    outcomes: list[Outcome] = field(default_factory=list)
    waiting: int = 0  # failed earlier; their retry time has not come
    error: TrackerError | None = None  # set when something could not be sent (exit 7)

    def count(self, state: str) -> int:
        return sum(o.state == state for o in self.outcomes)


def webhook_targets(settings: Settings) -> dict[str, str]:
    """Webhook URLs by their reminder-log recipient."""
    return {notifications.recipient(url): url for url in settings.webhooks.urls}


def policy(settings: Settings) -> reminders.Policy:
    r = settings.reminders
    return reminders.Policy(
        recipients=(*r.recipients, *webhook_targets(settings)),
        lead_days=tuple(r.lead_days),
        lead_days_by_tag={tag: tuple(v) for tag, v in r.lead_days_by_tag.items()},
    )


def zone(settings: Settings) -> ZoneInfo:
    name = settings.scheduler.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"scheduler.timezone: {name!r}: unknown time zone", where="config") from None


def instant(settings: Settings, today: dt.date) -> dt.datetime:
    """The sweep's instant for a given day: that day at scheduler.reminder_time, as aware UTC."""
    hh, mm = (int(x) for x in settings.scheduler.reminder_time.split(":"))
    return dt.datetime.combine(today, dt.time(hh, mm), tzinfo=zone(settings)).astimezone(dt.UTC)


def backoff(settings: Settings, attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed try: retry_minutes[attempts - 1], the last one repeating."""
    steps = settings.reminders.retry_minutes or [5]
    return dt.timedelta(minutes=max(1, steps[min(max(attempts, 1), len(steps)) - 1]))


# --- planning ---------------------------------------------------------------------------------


def plan(tracker: Tracker, today: dt.date, now: dt.datetime) -> tuple[list[Reminder], list[Reminder]]:
    """(due, waiting): reminders to send now, and failed ones whose retry time has not come.
    Open obligations in the window only; reminders sent or given up are left out."""
    pol = policy(tracker.settings)
    if not pol.recipients:
        return [], []
    lo = today - dt.timedelta(days=pol.overdue_days)
    hi = today + dt.timedelta(days=pol.horizon)
    with tracker.repo() as repo:
        candidates = _candidates(repo.session, lo, hi)
        done, waiting = _logged(repo.session, lo, hi, now)
    planned = reminders.plan(candidates, pol, today, done)
    return [r for r in planned if r.key not in waiting], [r for r in planned if r.key in waiting]


def _candidates(session: Session, lo: dt.date, hi: dt.date) -> list[Candidate]:
    ob = ObligationRow
    q = select(ob.id, ob.due_date, ob.tags).where(
        ob.status == "open", col(ob.due_date).is_not(None), col(ob.due_date) >= lo, col(ob.due_date) <= hi
    )
    out = []
    for oid, due, tags in session.exec(q).all():
        out.append(Candidate(oid, due, tuple(json.loads(tags)) if tags and tags != "[]" else ()))
    return out


def _logged(session: Session, lo: dt.date, hi: dt.date, now: dt.datetime) -> tuple[set[Key], set[Key]]:
    """Keys in reminder_log: (sent or given up, pending until a later retry time)."""
    c = _LOG.c
    q = sa.select(c.obligation_id, c.recipient, c.lead_days, c.due_date, c.status, c.next_attempt_at).where(
        c.due_date >= lo, c.due_date <= hi
    )
    done, waiting = set(), set()
    for oid, rcpt, lead, due, status, next_at in session.execute(q).all():
        if status != "pending":
            done.add(Key(oid, rcpt, lead, due))
        elif next_at is not None and next_at > now:
            waiting.add(Key(oid, rcpt, lead, due))
    return done, waiting


def load_items(tracker: Tracker, ids: Iterable[str]) -> dict[str, Tracked]:
    wanted = sorted(set(ids))
    out: dict[str, Tracked] = {}
    with tracker.repo() as repo:
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            rows = repo.session.exec(select(ObligationRow).where(col(ObligationRow.id).in_(chunk))).all()
            mentions = repo.mentions(r.id for r in rows)
            out.update((r.id, to_tracked(r, mentions[r.id])) for r in rows)
    return out


# --- claiming and recording -------------------------------------------------------------------


def _match(key: Key) -> sa.ColumnElement[bool]:
    c = _LOG.c
    return sa.and_(
        c.obligation_id == key.obligation_id,
        c.recipient == key.recipient,
        c.lead_days == key.lead_days,
        c.due_date == key.due_date,
    )


def claim(repo: Repository, key: Key, now: dt.datetime, lease: dt.timedelta = CLAIM_LEASE) -> int | None:
    """Take a reminder for sending; returns the attempt number this claim owns, or None when it is
    sent, given up, or being sent by someone else."""
    fresh = {
        "obligation_id": key.obligation_id,
        "recipient": key.recipient,
        "lead_days": key.lead_days,
        "due_date": key.due_date,
        "status": "pending",
        "attempts": 1,
        "created_at": now,
        "next_attempt_at": now + lease,
    }
    if insert_ignore(repo.session, ReminderLogRow, fresh, KEY_COLUMNS):
        return 1
    c = _LOG.c
    row = repo.session.execute(sa.select(c.status, c.attempts, c.next_attempt_at).where(_match(key))).first()
    if (
        row is None
        or row.status != "pending"
        or (row.next_attempt_at is not None and row.next_attempt_at > now)
    ):
        return None
    won = repo.session.execute(
        sa.update(_LOG)
        .where(_match(key), c.status == "pending", c.attempts == row.attempts)
        .values(attempts=row.attempts + 1, next_attempt_at=now + lease)
        .returning(c.id)
    ).first()
    return row.attempts + 1 if won is not None else None


def _finish(repo: Repository, key: Key, attempt: int, values: dict[str, object]) -> None:
    c = _LOG.c
    repo.session.execute(
        sa.update(_LOG).where(_match(key), c.attempts == attempt, c.status == "pending").values(**values)
    )


def mark_sent(repo: Repository, key: Key, attempt: int, now: dt.datetime) -> None:
    _finish(
        repo, key, attempt, {"status": "sent", "sent_at": now, "next_attempt_at": None, "last_error": None}
    )


def mark_refused(repo: Repository, key: Key, attempt: int, error: str) -> None:
    """Given up: the server refused the recipient for good; no sweep tries this reminder again."""
    _finish(repo, key, attempt, {"status": "failed", "last_error": error[:1000], "next_attempt_at": None})


def mark_failed(
    repo: Repository, key: Key, attempt: int, now: dt.datetime, error: str, wait: dt.timedelta
) -> None:
    """The reminder stays pending; the next sweep after `now + wait` tries again."""
    _finish(repo, key, attempt, {"last_error": error[:1000], "next_attempt_at": now + wait})


# --- the sweep --------------------------------------------------------------------------------


def sweep(
    tracker: Tracker,
    *,
    today: dt.date | None = None,
    dry_run: bool = False,
    sender: webhooks.Sender | None = None,
) -> SweepReport:
    """One reminder sweep. Idempotent: a second sweep on the same day sends nothing new.

    `sender` posts the webhooks (default: a `webhooks.Sender` for this sweep)."""
    settings = tracker.settings
    if today is None:
        now = tracker.clock()
        today = now.astimezone(zone(settings)).date()
    else:
        now = instant(settings, today)
    channels = len(settings.reminders.recipients) + len(webhook_targets(settings))
    report = SweepReport(today, now, dry_run, channels)
    due, waiting = plan(tracker, today, now)
    report.waiting = len(waiting)
    items = load_items(tracker, {r.key.obligation_id for r in due})
    due = [r for r in due if r.key.obligation_id in items]
    if dry_run:
        report.outcomes = [Outcome(r, items[r.key.obligation_id], "planned") for r in due]
        return report
    hooks = [r for r in due if notifications.is_webhook(r.key.recipient)]
    mail = [r for r in due if not notifications.is_webhook(r.key.recipient)]
    down: NetworkError | None = None
    with Mailer(settings.smtp) as mailer:
        for unit in _units(mail, digest=settings.reminders.digest):
            down = _send_unit(tracker, mailer, unit, items, now, report, down)
    if hooks:
        with contextlib.nullcontext(sender) if sender else webhooks.Sender() as poster:
            _send_webhooks(tracker, poster, hooks, items, now, report)
    failed, refused = report.count("failed"), report.count("refused")
    if down is not None:
        report.error = NetworkError(f"{down.message}; {failed} reminder(s) left pending", where=down.where)
    elif failed or refused:
        first = next(o for o in report.outcomes if o.state in ("failed", "refused"))
        what = ", ".join(
            text for n, text in ((failed, f"{failed} to retry"), (refused, f"{refused} given up")) if n
        )
        where = "webhooks" if notifications.is_webhook(first.reminder.key.recipient) else "smtp"
        report.error = NetworkError(f"reminders not sent ({what}): {first.error}", where=where)
    return report


def _units(due: Sequence[Reminder], *, digest: bool) -> list[list[Reminder]]:
    if not digest:
        return [[r] for r in due]
    by_recipient: dict[str, list[Reminder]] = {}
    for r in due:
        by_recipient.setdefault(r.key.recipient, []).append(r)
    return list(by_recipient.values())


def _send_unit(
    tracker: Tracker,
    mailer: Mailer,
    unit: list[Reminder],
    items: dict[str, Tracked],
    now: dt.datetime,
    report: SweepReport,
    down: NetworkError | None,
) -> NetworkError | None:
    """Claim, send and record one email's reminders; returns the connection error, if any, so
    the rest of the sweep records its reminders as failed without trying the server again."""
    claimed: list[tuple[Reminder, int]] = []
    with tracker.repo() as repo:
        for r in unit:
            attempt = claim(repo, r.key, now)
            if attempt is None:
                report.outcomes.append(Outcome(r, items[r.key.obligation_id], "taken"))
            else:
                claimed.append((r, attempt))
    if not claimed:
        return down
    error: TrackerError | None = down
    if down is None:
        try:
            mailer.send(_message(tracker, [r for r, _ in claimed], items, now))
        except MessageRefused as exc:
            error = exc
        except NetworkError as exc:
            error = down = exc
    with tracker.repo() as repo:
        for r, attempt in claimed:
            _record(tracker, repo, r, items[r.key.obligation_id], attempt, now, error, report)
    return down


def _record(
    tracker: Tracker,
    repo: Repository,
    r: Reminder,
    item: Tracked,
    attempt: int,
    now: dt.datetime,
    error: TrackerError | None,
    report: SweepReport,
) -> None:
    """Mark a claimed reminder sent, given up (a permanent refusal) or failed (retried later)."""
    if error is None:
        mark_sent(repo, r.key, attempt, now)
        report.outcomes.append(Outcome(r, item, "sent"))
        return
    text = " ".join(str(error).split())
    if getattr(error, "permanent", False):
        mark_refused(repo, r.key, attempt, text)
        report.outcomes.append(Outcome(r, item, "refused", text))
    else:
        mark_failed(repo, r.key, attempt, now, text, backoff(tracker.settings, attempt))
        report.outcomes.append(Outcome(r, item, "failed", text))


def _send_webhooks(
    tracker: Tracker,
    sender: webhooks.Sender,
    due: list[Reminder],
    items: dict[str, Tracked],
    now: dt.datetime,
    report: SweepReport,
) -> None:
    """Claim, POST and record each webhook reminder; a URL that cannot be reached is not tried
    again in this sweep (its other reminders are recorded as failed, for the next sweep)."""
    s = tracker.settings
    targets = webhook_targets(s)
    secret = s.webhooks.secret.get_secret_value().encode() if s.webhooks.secret else None
    token = s.web.access_token.get_secret_value().strip() if s.web.access_token else ""
    down: dict[str, NetworkError] = {}
    for r in due:
        item = items[r.key.obligation_id]
        with tracker.repo() as repo:
            attempt = claim(repo, r.key, now)
        if attempt is None:
            report.outcomes.append(Outcome(r, item, "taken"))
            continue
        url = targets[r.key.recipient]
        error: TrackerError | None = down.get(url)
        if error is None:
            page = f"{s.feeds.base_url.rstrip('/')}/o/{item.id}" if token else None
            body = notifications.encode(notifications.payload(s.webhooks.format, r, item, page_url=page))
            stamp = int(tracker.clock().timestamp())
            try:
                sender.post(url, body, notifications.headers(body, r.key, stamp, secret))
            except webhooks.WebhookRefused as exc:
                error = exc
            except NetworkError as exc:
                error = down[url] = exc
        with tracker.repo() as repo:
            _record(tracker, repo, r, item, attempt, now, error, report)


def _message(
    tracker: Tracker, unit: list[Reminder], items: dict[str, Tracked], now: dt.datetime
) -> EmailMessage:
    s = tracker.settings
    entries = [(r, items[r.key.obligation_id]) for r in unit]
    options = feeds.FeedOptions(
        name=s.feeds.name,
        description=s.feeds.description,
        uid_domain=s.feeds.uid_domain,
        refresh_minutes=s.feeds.refresh_interval,
    )
    unique = list({i.id: i for _, i in entries}.values())
    return reminders.build(
        entries,
        sender=s.smtp.sender,
        recipient=unit[0].key.recipient,
        sent_at=now,
        calendar=feeds.render(unique, options),
        domain=s.feeds.uid_domain,
    )
