"""Which reminders are due on a day, and the email that carries them.

Layer 2: pure. `today` and the send time are parameters; no clock, database or SMTP here (the
service claims each reminder in the store, then sends). Standard library and `tracker.model` only.

Rules (each has a named test in tests/test_reminders.py):
- A reminder for lead L is due when `today >= due - L`; only the *smallest* such lead is due, so
  an obligation first seen 5 days before its date gets the 7-day reminder, never a late 30-day
  one (`test_only_the_smallest_applicable_lead`).
- Overdue: an open obligation whose last window passed unsent (the scheduler was down, SMTP
  failed) still gets that one reminder, marked overdue, for up to `overdue_days` after its date;
  older ones get nothing, so turning reminders on over years of history sends no flood
  (`test_overdue_gets_one_reminder_within_the_limit`).
- Per-tag lead times replace the default ones; an obligation with several such tags gets the
  union (`test_tag_leads_replace_defaults`).
- The key includes the due date, so a moved date gets fresh reminders (`test_moved_due_date`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from types import MappingProxyType

from tracker.model import Tracked

#: How long after its due date an open obligation may still get its one overdue reminder.
OVERDUE_DAYS = 30
_SUBJECT_LIMIT = 200
#: CR, LF and every other control character (C0, DEL, C1) and Unicode line/paragraph separator.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the plan needs of an open obligation: its id, due date and tags."""

    id: str
    due_date: dt.date
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, order=True)
class Key:
    """The unique key of `reminder_log`: one reminder per obligation, recipient, lead and date."""

    obligation_id: str
    recipient: str
    lead_days: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class Reminder:
    key: Key
    days_left: int  # negative when overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def _frozen_leads(by_tag: Mapping[str, Iterable[int]]) -> Mapping[str, tuple[int, ...]]:
    return MappingProxyType({tag: tuple(sorted(set(v), reverse=True)) for tag, v in by_tag.items()})


@dataclass(frozen=True, slots=True)
class Policy:
    recipients: tuple[str, ...]
    lead_days: tuple[int, ...] = (30, 7, 1)
    lead_days_by_tag: Mapping[str, tuple[int, ...]] = field(default_factory=lambda: MappingProxyType({}))
    overdue_days: int = OVERDUE_DAYS

    def __post_init__(self) -> None:
        leads = [*self.lead_days, *(d for v in self.lead_days_by_tag.values() for d in v)]
        if any(d < 0 for d in leads):
            raise ValueError("lead days must be zero or positive")
        if self.overdue_days < 0:
            raise ValueError("overdue_days must be zero or positive")
        object.__setattr__(self, "lead_days", tuple(sorted(set(self.lead_days), reverse=True)))
        object.__setattr__(self, "lead_days_by_tag", _frozen_leads(self.lead_days_by_tag))

    def leads_for(self, tags: Iterable[str]) -> tuple[int, ...]:
        """The lead times of an obligation: its tags' lists (united) if any match, else the default."""
        by_tag = self.lead_days_by_tag
        if not by_tag:
            return self.lead_days
        found = [by_tag[t] for t in tags if t in by_tag]
        if not found:
            return self.lead_days
        return found[0] if len(found) == 1 else tuple(sorted({d for f in found for d in f}, reverse=True))

    @property
    def horizon(self) -> int:
        """The largest lead of any obligation: nothing due later than today + horizon is due yet."""
        return max([*self.lead_days, *(d for v in self.lead_days_by_tag.values() for d in v)], default=0)


def current_lead(due: dt.date, today: dt.date, leads: Sequence[int], overdue_days: int) -> int | None:
    """The lead whose window `today` is in: the smallest L with `due - L <= today`.

    None before the largest lead's window opens, when there are no leads, or when the date passed
    more than `overdue_days` ago. Due today with leads (30, 7, 1): 1 (the 1-day reminder, a day late).
    """
    days_left = (due - today).days
    if days_left < -overdue_days:
        return None
    best = None
    for lead in leads:
        if days_left <= lead and (best is None or lead < best):
            best = lead
    return best


def plan(
    candidates: Iterable[Candidate],
    policy: Policy,
    today: dt.date,
    skip: Container[Key] = frozenset(),
) -> list[Reminder]:
    """Every reminder due on `today` and not in `skip` (sent, given up, or waiting for a retry),
    ordered by recipient, due date and obligation id. Candidates must be open obligations."""
    out: list[Reminder] = []
    recipients = policy.recipients
    if not recipients:
        return out
    limit = policy.overdue_days
    for c in candidates:
        lead = current_lead(c.due_date, today, policy.leads_for(c.tags), limit)
        if lead is None:
            continue
        days_left = (c.due_date - today).days
        for rcpt in recipients:
            key = Key(c.id, rcpt, lead, c.due_date)
            if key not in skip:
                out.append(Reminder(key, days_left))
    out.sort(key=lambda r: (r.key.recipient, r.key.due_date, r.key.obligation_id))
    return out


# --- the email ------------------------------------------------------------------------------


def clean_header(text: str, limit: int = _SUBJECT_LIMIT) -> str:
    """Header-safe text: line breaks and control characters become one space, then it is cut.

    Document text reaches headers (the subject); a CR/LF there would start a new header.
    """
    cleaned = " ".join(_UNSAFE.sub(" ", text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def when(days_left: int) -> str:
    """ "30 days", "1 day", "today", "3 days overdue"."""
    if days_left == 0:
        return "today"
    n = abs(days_left)
    text = f"{n} day{'s' if n != 1 else ''}"
    return f"{text} overdue" if days_left < 0 else text


def subject(reminder: Reminder, item: Tracked) -> str:
    """`Due <YYYY-MM-DD> (<N> days): <actor>: <action>`, made header-safe."""
    due = reminder.key.due_date.isoformat()
    return clean_header(f"Due {due} ({when(reminder.days_left)}): {item.actor}: {item.action}")


def digest_subject(reminders: Sequence[Reminder]) -> str:
    first = min(r.key.due_date for r in reminders)
    overdue = sum(r.overdue for r in reminders)
    extra = f", {overdue} overdue" if overdue else ""
    return f"{len(reminders)} deadlines coming up (first due {first.isoformat()}{extra})"


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def message_id(key: Key, domain: str) -> str:
    """Deterministic, so a retried send is recognisably the same message:
    `<obligation.lead d.YYYYMMDD.recipient-hash@domain>`."""
    return (
        f"<{_safe_token(key.obligation_id)}.{key.lead_days}d.{key.due_date:%Y%m%d}"
        f".{_hash(key.recipient.lower())[:10]}@{_safe_token(domain)}>"
    )


def digest_message_id(recipient: str, keys: Iterable[Key], domain: str) -> str:
    ordered = sorted(keys)
    body = ";".join(f"{k.obligation_id},{k.lead_days},{k.due_date.isoformat()}" for k in ordered)
    return f"<digest.{_hash(recipient.lower(), body)}@{_safe_token(domain)}>"


def _safe_token(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]", "-", text) or "tracker"


def _text_block(reminder: Reminder, item: Tracked) -> list[str]:
    lines = [
        f"{item.actor}: {item.action}",
        f"Due {reminder.key.due_date.isoformat()} ({when(reminder.days_left)})"
        + (f" under {item.instrument}" if item.instrument else ""),
        f"Deadline: {item.deadline_text}",
    ]
    if item.explanation:
        lines.append("Why this date:")
        lines += [f"  - {s.text}" for s in item.explanation]
    if item.override_due:
        lines.append(f"Date set by hand: {item.override_reason or 'no reason given'}")
    if item.quote:
        lines.append(f"“{item.quote}”")
    if item.url:
        lines.append(f"Source: {item.url}")
    lines.append(f"Tracker id: {item.id} (tracker show {item.id}; tracker done {item.id})")
    return lines


def _html_block(reminder: Reminder, item: Tracked) -> str:
    e = html.escape
    parts = [
        f"<h2>{e(item.actor)}: {e(item.action)}</h2>",
        f"<p><strong>Due {e(reminder.key.due_date.isoformat())}</strong> ({e(when(reminder.days_left))})"
        + (f" under {e(item.instrument)}" if item.instrument else "")
        + "</p>",
        f"<p>Deadline: {e(item.deadline_text)}</p>",
    ]
    if item.explanation:
        steps = "".join(f"<li>{e(s.text)}</li>" for s in item.explanation)
        parts.append(f"<p>Why this date:</p><ol>{steps}</ol>")
    if item.override_due:
        parts.append(f"<p>Date set by hand: {e(item.override_reason or 'no reason given')}</p>")
    if item.quote:
        parts.append(f"<blockquote>{e(item.quote)}</blockquote>")
    if item.url:
        link = e(item.url, quote=True)
        shown = (
            f'<a href="{link}">{e(item.url)}</a>' if item.url.startswith(("https://", "http://")) else link
        )
        parts.append(f"<p>Source: {shown}</p>")
    parts.append(f"<p>Tracker id: <code>{e(item.id)}</code></p>")
    return "\n".join(parts)


def build(
    entries: Sequence[tuple[Reminder, Tracked]],
    *,
    sender: str,
    recipient: str,
    sent_at: dt.datetime,
    calendar: bytes,
    domain: str,
) -> EmailMessage:
    """One email: a single reminder, or a digest when `entries` holds several.

    multipart/mixed of multipart/alternative (text/plain, text/html with every document-derived
    string escaped) and the deadlines as a text/calendar attachment (METHOD:PUBLISH).
    """
    if not entries:
        raise ValueError("a reminder email needs at least one reminder")
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    msg = EmailMessage()
    if len(entries) == 1:
        reminder, item = entries[0]
        msg["Subject"] = subject(reminder, item)
        msg["Message-ID"] = message_id(reminder.key, domain)
        filename = f"{_safe_token(item.id)}.ics"
        intro_text = ""
    else:
        msg["Subject"] = clean_header(digest_subject([r for r, _ in entries]))
        msg["Message-ID"] = digest_message_id(recipient, (r.key for r, _ in entries), domain)
        filename = "deadlines.ics"
        intro_text = f"{len(entries)} deadlines need attention:"
    msg["From"] = clean_header(sender, 320)
    msg["To"] = clean_header(recipient, 320)
    msg["Date"] = format_datetime(sent_at)
    msg["Auto-Submitted"] = "auto-generated"
    text_blocks = ["\n".join(_text_block(r, i)) for r, i in entries]
    html_blocks = [_html_block(r, i) for r, i in entries]
    text = "\n\n".join(([intro_text] if intro_text else []) + text_blocks)
    intro_html = f"<p>{html.escape(intro_text)}</p>\n" if intro_text else ""
    body_html = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n'
        + intro_html
        + "\n<hr>\n".join(html_blocks)
        + "\n</body></html>\n"
    )
    msg.set_content(text + "\n")
    msg.add_alternative(body_html, subtype="html")
    msg.add_attachment(
        calendar,
        maintype="text",
        subtype="calendar",
        filename=filename,
        params={"method": "PUBLISH", "charset": "utf-8"},
    )
    return msg
