"""Reminders for chat and webhooks: the payloads (`json`, `slack`, `teams`) and their signature.

Layer 2: pure. No clock (the timestamp is a parameter), no network (tracker.webhooks posts). Standard
library, `tracker.model` and `tracker.reminders` only. Document text is untrusted: Slack's control
characters are escaped, Teams gets it as plain text runs (no Markdown), links are http(s) only.

Every POST carries three headers:
- `X-Tracker-Delivery`: the same id on every retry of one reminder, so a receiver can drop a repeat
  (the one send that can repeat is a crash after the receiver accepted it and before it was recorded);
- `X-Tracker-Timestamp`: Unix seconds when the request was signed;
- `X-Tracker-Signature`: `sha256=` + hex HMAC-SHA256, keyed with TRACKER_WEBHOOKS__SECRET, of the
  timestamp, a full stop, and the raw request body (`b"1793520000." + body`). Sent only when a
  secret is configured (Slack and Teams do not check it: their URL is the secret).

A receiver verifies before it parses the JSON (see `verify`, a reference implementation):
recompute the HMAC over `timestamp + "." + raw body` with the shared secret, compare it with the
header in constant time (`hmac.compare_digest`), and refuse a timestamp more than five minutes from
its own clock, so a captured request cannot be replayed later.

The `json` format (version 1) is one object: `type` ("deadline.reminder"), `version` (1),
`delivery`, `obligation_id`, `actor`, `action`, `instrument` (or null), `deadline_text`,
`due_date` (YYYY-MM-DD), `days_left` (negative when overdue), `lead_days` (the reminder's lead
time), `overdue`, `status`, `url` (the obligation's page on the tracker's web server when that is
on, else its source document, or null), `source_url` (or null) and `text` (a one-line summary).
Fields may be added in later versions, never removed or renamed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.parse
from typing import Any

from tracker.model import Tracked
from tracker.reminders import Key, Reminder, clean_header, when

FORMATS = ("json", "slack", "teams")
PREFIX = "webhook:"
DELIVERY_HEADER = "X-Tracker-Delivery"
TIMESTAMP_HEADER = "X-Tracker-Timestamp"
SIGNATURE_HEADER = "X-Tracker-Signature"
TOLERANCE = 300  # seconds a receiver should accept between the timestamp and its own clock
_TEXT_LIMIT = 1000


def redact_url(url: str) -> str:
    """A webhook URL fit for logs and the reminder log: scheme and host, then a hash of the rest.

    Slack and Teams webhook URLs carry their credential in the path, so the path is never shown.
    """
    parts = urllib.parse.urlsplit(url.strip())
    digest = hashlib.sha256(url.strip().encode()).hexdigest()[:12]
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…#{digest}"


def recipient(url: str) -> str:
    """The reminder log's recipient for a webhook: stable for one URL, without its secret path."""
    return PREFIX + redact_url(url)


def is_webhook(recipient: str) -> bool:
    return recipient.startswith(PREFIX)


def delivery_id(key: Key) -> str:
    """Deterministic per reminder (obligation, recipient, lead, due date), so retries share it."""
    who = hashlib.sha256(key.recipient.encode()).hexdigest()[:10]
    return f"{key.obligation_id}.{key.lead_days}d.{key.due_date:%Y%m%d}.{who}"


def http_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL, else None (no javascript:, data: or file: links)."""
    if not url:
        return None
    parts = urllib.parse.urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _text(value: str | None, limit: int = _TEXT_LIMIT) -> str:
    return clean_header(value or "", limit)


def summary(reminder: Reminder, item: Tracked) -> str:
    """`Due 2026-11-30 (30 days): Secretary of Commerce: publish a report`, one line."""
    due = reminder.key.due_date.isoformat()
    return _text(f"Due {due} ({when(reminder.days_left)}): {item.actor}: {item.action}")


def payload(fmt: str, reminder: Reminder, item: Tracked, *, page_url: str | None = None) -> dict[str, Any]:
    """The JSON object of one reminder in format `fmt` (json, slack or teams)."""
    if fmt == "json":
        return _json(reminder, item, page_url)
    if fmt == "slack":
        return _slack(reminder, item, page_url)
    if fmt == "teams":
        return _teams(reminder, item, page_url)
    raise ValueError(f"unknown webhook format {fmt!r} (choose {', '.join(FORMATS)})")


def _link(item: Tracked, page_url: str | None) -> str | None:
    return http_url(page_url) or http_url(item.url)


def _json(reminder: Reminder, item: Tracked, page_url: str | None) -> dict[str, Any]:
    k = reminder.key
    return {
        "type": "deadline.reminder",
        "version": 1,
        "delivery": delivery_id(k),
        "obligation_id": item.id,
        "actor": _text(item.actor),
        "action": _text(item.action),
        "instrument": _text(item.instrument) if item.instrument else None,
        "deadline_text": _text(item.deadline_text),
        "due_date": k.due_date.isoformat(),
        "days_left": reminder.days_left,
        "lead_days": k.lead_days,
        "overdue": reminder.overdue,
        "status": item.status.value,
        "url": _link(item, page_url),
        "source_url": http_url(item.url),
        "text": summary(reminder, item),
    }


def slack_escape(text: str) -> str:
    """Slack's three control characters; with `<` escaped no mention or link can be formed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(reminder: Reminder, item: Tracked, page_url: str | None) -> dict[str, Any]:
    e = slack_escape
    due = reminder.key.due_date.isoformat()
    title = e(_text(f"{item.actor}: {item.action}", 300))
    link = _link(item, page_url)
    if link:
        title = f"<{e(link).replace('|', '%7C')}|{title}>"
    where = f" · {e(_text(item.instrument, 80))}" if item.instrument else ""
    late = " · *overdue*" if reminder.overdue else ""
    head = f"*Due {due}* ({when(reminder.days_left)}){late}{where}"
    return {
        "text": e(summary(reminder, item)),
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"{head}\n*{title}*"},
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": f"Deadline: {e(_text(item.deadline_text, 300))} · tracker id `{e(item.id)}`",
                    }
                ],
            },
        ],
    }


def _run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def _teams(reminder: Reminder, item: Tracked, page_url: str | None) -> dict[str, Any]:
    """An Adaptive Card in the message envelope Teams' incoming webhooks and workflows accept.

    Document text goes into RichTextBlock TextRuns, which Teams shows as plain text (no Markdown).
    """
    due = reminder.key.due_date.isoformat()
    head = f"Due {due} ({when(reminder.days_left)})"
    lines = [
        {"type": "RichTextBlock", "inlines": [_run(head, weight="Bolder", size="Medium")]},
        {"type": "RichTextBlock", "inlines": [_run(_text(f"{item.actor}: {item.action}"))]},
        {"type": "RichTextBlock", "inlines": [_run(f"Deadline: {_text(item.deadline_text)}", isSubtle=True)]},
    ]
    if item.instrument:
        lines.append({"type": "RichTextBlock", "inlines": [_run(_text(item.instrument), isSubtle=True)]})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": lines,
    }
    link = _link(item, page_url)
    if link:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the deadline", "url": link}]
    return {
        "type": "message",
        "summary": summary(reminder, item),
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


def encode(data: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed): compact UTF-8 JSON."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """`sha256=<hex HMAC-SHA256(secret, b"<timestamp>." + body)>`."""
    mac = hmac.new(secret, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: bytes, timestamp: str, body: bytes, signature: str, now: float, tolerance: int = TOLERANCE
) -> bool:
    """What a receiver checks: a fresh timestamp and, in constant time, the signature."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body).encode(), signature.encode())


def headers(body: bytes, key: Key, timestamp: int, secret: bytes | None) -> dict[str, str]:
    out = {
        "Content-Type": "application/json; charset=utf-8",
        DELIVERY_HEADER: delivery_id(key),
        TIMESTAMP_HEADER: str(timestamp),
    }
    if secret:
        out[SIGNATURE_HEADER] = sign(secret, timestamp, body)
    return out
