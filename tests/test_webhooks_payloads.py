"""The pure side of webhook reminders (tracker.notifications): payload shapes, escaping of hostile
document text, links, the signature and its verification, and URL redaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest

from tests.test_feeds_parsers import tracked
from tracker import notifications as n
from tracker.reminders import Key, Reminder

KEY = Key("k7q2m9x4ab", n.recipient("https://hooks.slack.com/services/T1/B2/XYZ"), 7, dt.date(2026, 11, 30))
SOON = Reminder(KEY, 7)
LATE = Reminder(Key("k7q2m9x4ab", KEY.recipient, 1, dt.date(2026, 11, 30)), -3)


def test_json_payload_fields() -> None:
    item = tracked("k7q2m9x4ab")
    body = n.payload("json", SOON, item)
    assert body == {
        "type": "deadline.reminder",
        "version": 1,
        "delivery": n.delivery_id(KEY),
        "obligation_id": "k7q2m9x4ab",
        "actor": "Secretary of Homeland Security",
        "action": "revise importer-of-record rules",
        "instrument": "EO 14411",
        "deadline_text": "within 180 days of the date of this order",
        "due_date": "2026-11-30",
        "days_left": 7,
        "lead_days": 7,
        "overdue": False,
        "status": "open",
        "url": "https://www.example.gov/eo-14411",  # no web page: the source
        "source_url": "https://www.example.gov/eo-14411",
        "text": "Due 2026-11-30 (7 days): Secretary of Homeland Security: revise importer-of-record rules",
    }
    page = n.payload("json", LATE, item, page_url="https://deadlines.example.org/o/k7q2m9x4ab")
    assert page["url"] == "https://deadlines.example.org/o/k7q2m9x4ab"
    assert (page["days_left"], page["lead_days"], page["overdue"]) == (-3, 1, True)
    assert page["text"].startswith("Due 2026-11-30 (3 days overdue): ")


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://www.example.gov/x", "https://www.example.gov/x"),
        ("http://example.org/a?b=c", "http://example.org/a?b=c"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("file:///etc/passwd", None),
        ("/relative/path", None),
        (None, None),
    ],
)
def test_links_are_http_only(url: str | None, link: str | None) -> None:
    assert n.payload("json", SOON, tracked("k7q2m9x4ab", url=url))["url"] == link
    teams = n.payload("teams", SOON, tracked("k7q2m9x4ab", url=url))["attachments"][0]["content"]
    assert teams.get("actions", [{}])[0].get("url") == link
    slack = n.payload("slack", SOON, tracked("k7q2m9x4ab", url=url))["blocks"][0]["text"]["text"]
    assert ("<" + (link or "") + "|") in slack if link else "<" not in slack


HOSTILE = [
    "line one\nline two\r\nthree",
    "tab\tand \x00 null \x1b[31m escape",
    "<!channel> <@U123> <https://evil.example|click>",
    "a & b > c < d",
    "**bold** [link](https://evil.example) _under_",
    "über — “quotes” 日本",
    "x" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text(text: str) -> None:
    item = tracked("k7q2m9x4ab", action=text, actor=text)
    data = n.payload("json", SOON, item)
    for field in ("actor", "action", "text"):
        assert not any(c in data[field] for c in "\r\n\x00\x1b"), field
        assert len(data[field]) <= 1000
    assert json.loads(n.encode(data)) == data

    slack = n.encode(n.payload("slack", SOON, item)).decode()
    for raw in ("<!channel>", "<@U123>", "<https://evil"):
        assert raw not in slack
    section = json.loads(slack)["blocks"][0]["text"]["text"]
    assert section.count("<") == 1  # the one link to the obligation, nothing from the document

    card = n.payload("teams", SOON, item)["attachments"][0]["content"]
    assert all(b["type"] == "RichTextBlock" for b in card["body"])  # TextRuns: no Markdown
    assert all(i["type"] == "TextRun" for b in card["body"] for i in b["inlines"])


def test_encode_is_compact_utf8() -> None:
    assert n.encode({"a": "über", "b": [1, 2]}) == '{"a":"über","b":[1,2]}'.encode()


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown webhook format 'xml'"):
        n.payload("xml", SOON, tracked("k7q2m9x4ab"))


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"obligation_id":"k7q2m9x4ab"}'
    expected = hmac.new(b"s3cret", b"1793520000." + body, hashlib.sha256).hexdigest()
    assert n.sign(b"s3cret", 1793520000, body) == f"sha256={expected}"
    headers = n.headers(body, KEY, 1793520000, b"s3cret")
    assert headers == {
        "Content-Type": "application/json; charset=utf-8",
        "X-Tracker-Delivery": n.delivery_id(KEY),
        "X-Tracker-Timestamp": "1793520000",
        "X-Tracker-Signature": f"sha256={expected}",
    }
    assert "X-Tracker-Signature" not in n.headers(body, KEY, 1793520000, None)


@pytest.mark.parametrize(
    ("timestamp", "body", "secret", "now", "ok"),
    [
        ("1793520000", b"{}", b"s3cret", 1793520000, True),
        ("1793520000", b"{}", b"s3cret", 1793520000 + 300, True),
        ("1793520000", b"{}", b"s3cret", 1793520000 + 301, False),  # too old: a replay
        ("1793520000", b"{}", b"s3cret", 1793520000 - 301, False),
        ("1793520000", b"{ }", b"s3cret", 1793520000, False),  # body changed
        ("1793520000", b"{}", b"other", 1793520000, False),
        ("1793520001", b"{}", b"s3cret", 1793520000, False),  # timestamp changed
        ("-1", b"{}", b"s3cret", 1793520000, False),
    ],
)
def test_verify(timestamp: str, body: bytes, secret: bytes, now: int, ok: bool) -> None:
    signature = n.sign(b"s3cret", 1793520000, b"{}")
    assert n.verify(secret, timestamp, body, signature, now) is ok


def test_recipient_hides_the_path_and_is_stable() -> None:
    url = "https://user:pw@hooks.slack.com/services/T1/B2/XYZsecret"
    r = n.recipient(url)
    assert r.startswith("webhook:https://hooks.slack.com/…#") and "XYZsecret" not in r and "pw" not in r
    assert n.recipient(url) == r and n.recipient(url + "2") != r
    assert n.is_webhook(r) and not n.is_webhook("ops@example.org")
    assert n.delivery_id(KEY).startswith("k7q2m9x4ab.7d.20261130.")
    assert n.delivery_id(KEY) == n.delivery_id(Key(KEY.obligation_id, KEY.recipient, 7, KEY.due_date))
    assert n.delivery_id(KEY) != n.delivery_id(LATE.key)
