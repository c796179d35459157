"""The pure reminder rules (which reminder is due on a day) and the email they build."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from tracker import reminders
from tracker.model import Anchor, AnchorKind, Status, Step, Tracked
from tracker.reminders import Candidate, Key, Policy, Reminder, current_lead, plan

TODAY = dt.date(2026, 10, 31)
SENT_AT = dt.datetime(2026, 10, 31, 8, 0, tzinfo=dt.UTC)
DUE = dt.date(2026, 11, 30)


def _item(oid: str = "k3f9x2m7qa", due: dt.date = DUE, **kw: object) -> Tracked:
    base: dict[str, object] = {
        "id": oid,
        "instrument": "EO 14999",
        "kind": "executive_order",
        "actor": "Secretary of Commerce",
        "action": "publish a report",
        "deadline_text": "within 90 days",
        "anchor": Anchor(AnchorKind.ISSUED, dt.date(2026, 9, 1), "the date of this order"),
        "period": "P90D",
        "due_date": due,
        "recurrence": None,
        "status": Status.OPEN,
        "confidence": 0.9,
        "explanation": (Step("anchor", "Signed 2026-09-01."), Step("period", "+ 90 days = 2026-11-30.")),
        "quote": "shall, within 90 days of the date of this order, publish a report",
        "url": "https://example.org/eo-14999",
        "updated_at": SENT_AT,
    }
    base.update(kw)
    return Tracked(**base)  # type: ignore[arg-type]


# --- which lead is due ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (45, None),  # before the largest window
        (31, None),
        (30, 30),  # the window opens on due - lead
        (8, 30),
        (7, 7),
        (2, 7),
        (1, 1),
        (0, 1),  # due today: the 1-day reminder, a day late
        (-1, 1),  # overdue: still the smallest lead, once
        (-30, 1),  # the last overdue day that still gets it
        (-31, None),  # older than the overdue limit: nothing
    ],
)
def test_current_lead_table(days_left: int, expected: int | None) -> None:
    due = TODAY + dt.timedelta(days=days_left)
    assert current_lead(due, TODAY, (30, 7, 1), 30) == expected


def test_only_the_smallest_applicable_lead() -> None:
    """First seen 5 days ahead: the 7-day reminder, never a late 30-day one."""
    pol = Policy(recipients=("a@example.org",))
    got = plan([Candidate("x", TODAY + dt.timedelta(days=5))], pol, TODAY)
    assert [r.key.lead_days for r in got] == [7]
    assert got[0].days_left == 5


def test_overdue_gets_one_reminder_within_the_limit() -> None:
    pol = Policy(recipients=("a@example.org",))
    overdue = Candidate("late", TODAY - dt.timedelta(days=3))
    ancient = Candidate("ancient", TODAY - dt.timedelta(days=400))
    got = plan([overdue, ancient], pol, TODAY)
    assert [(r.key.obligation_id, r.key.lead_days, r.overdue) for r in got] == [("late", 1, True)]
    # once that reminder is sent (it is in `skip`), nothing more comes
    assert plan([overdue], pol, TODAY, skip={got[0].key}) == []


def test_tag_leads_replace_defaults() -> None:
    pol = Policy(
        recipients=("a@example.org",),
        lead_days=(30, 7, 1),
        lead_days_by_tag={"customs": (60, 14), "trade": (90,)},
    )
    assert pol.leads_for(()) == (30, 7, 1)
    assert pol.leads_for(("other",)) == (30, 7, 1)
    assert pol.leads_for(("customs",)) == (60, 14)
    assert pol.leads_for(("customs", "trade")) == (90, 60, 14)
    assert pol.horizon == 90
    far = Candidate("c", TODAY + dt.timedelta(days=50), ("customs",))
    assert [r.key.lead_days for r in plan([far], pol, TODAY)] == [60]
    assert plan([Candidate("d", TODAY + dt.timedelta(days=50))], pol, TODAY) == []


def test_moved_due_date() -> None:
    """The key holds the due date: a moved date is a new reminder, even for the same lead."""
    pol = Policy(recipients=("a@example.org",))
    before = plan([Candidate("m", TODAY + dt.timedelta(days=20))], pol, TODAY)
    after = plan([Candidate("m", TODAY + dt.timedelta(days=25))], pol, TODAY, skip={before[0].key})
    assert before[0].key.lead_days == after[0].key.lead_days == 30
    assert before[0].key != after[0].key


def test_plan_per_recipient_sorted_and_skips() -> None:
    pol = Policy(recipients=("b@example.org", "a@example.org"))
    cands = [Candidate("z", TODAY + dt.timedelta(days=3)), Candidate("y", TODAY + dt.timedelta(days=1))]
    got = plan(cands, pol, TODAY)
    assert [(r.key.recipient, r.key.obligation_id) for r in got] == [
        ("a@example.org", "y"),
        ("a@example.org", "z"),
        ("b@example.org", "y"),
        ("b@example.org", "z"),
    ]
    skip = {Key("y", "a@example.org", 1, TODAY + dt.timedelta(days=1))}
    assert len(plan(cands, pol, TODAY, skip)) == 3


def test_no_recipients_no_reminders() -> None:
    assert plan([Candidate("x", TODAY)], Policy(recipients=()), TODAY) == []


@pytest.mark.parametrize(
    "bad", [{"lead_days": (7, -1)}, {"lead_days_by_tag": {"t": (-3,)}}, {"overdue_days": -1}]
)
def test_policy_refuses_negative_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Policy(recipients=("a@example.org",), **bad)  # type: ignore[arg-type]


# --- the email ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "text"),
    [(30, "30 days"), (1, "1 day"), (0, "today"), (-1, "1 day overdue"), (-4, "4 days overdue")],
)
def test_when(days_left: int, text: str) -> None:
    assert reminders.when(days_left) == text


def _message(
    item: Tracked, days_left: int = 30, recipient: str = "a@example.org"
) -> email.message.EmailMessage:
    key = Key(item.id, recipient, 30, item.due_date or DUE)
    msg = reminders.build(
        [(Reminder(key, days_left), item)],
        sender="deadlines@tracker.test",
        recipient=recipient,
        sent_at=SENT_AT,
        calendar=b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nEND:VCALENDAR\r\n",
        domain="deadlines.tracker.invalid",
    )
    # what a receiving client sees, after a trip through bytes
    return email.message_from_bytes(msg.as_bytes(policy=email.policy.SMTP), policy=email.policy.default)  # type: ignore[return-value]


def test_message_structure_and_headers() -> None:
    msg = _message(_item())
    assert msg["Subject"] == "Due 2026-11-30 (30 days): Secretary of Commerce: publish a report"
    assert msg["From"] == "deadlines@tracker.test"
    assert msg["To"] == "a@example.org"
    assert msg["Date"] == "Sat, 31 Oct 2026 08:00:00 +0000"
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "k3f9x2m7qa.ics"
    Calendar.from_ical(attachment.get_content())
    text = alternative.get_body(("plain",)).get_content()
    assert "Signed 2026-09-01." in text and "https://example.org/eo-14999" in text


def test_message_id_is_deterministic_per_key() -> None:
    a, b = _message(_item()), _message(_item())
    assert a["Message-ID"] == b["Message-ID"]
    assert a["Message-ID"] != _message(_item(), recipient="b@example.org")["Message-ID"]
    assert a["Message-ID"] != _message(_item(due=dt.date(2026, 12, 1)))["Message-ID"]
    assert a["Message-ID"].startswith("<k3f9x2m7qa.30d.20261130.")


HOSTILE = [
    "Evil\r\nBcc: victim@example.org",
    "Evil\nX-Injected: 1",
    "Evil\rX-Injected: 1",
    "Evil\u2028X-Injected: 1",
    "Evil\x00\x1b[31m",
    "<script>alert('x')</script> & <b>bold</b>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_cannot_inject_headers_or_html(hostile: str) -> None:
    item = _item(
        actor=hostile, action=hostile, quote=hostile, deadline_text=hostile, url=f"javascript:{hostile}"
    )
    msg = _message(item)
    raw = msg.as_bytes(policy=email.policy.SMTP)
    header_lines = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    assert not [line for line in header_lines if line.startswith(("Bcc", "X-Injected"))]
    assert set(msg.keys()) == {
        "Subject", "Message-ID", "From", "To", "Date", "Auto-Submitted", "MIME-Version", "Content-Type"
    }  # fmt: skip
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert 'href="javascript:' not in html
    if "<script>" in hostile:
        assert "&lt;script&gt;" in html


def test_clean_header_cuts_long_text() -> None:
    text = reminders.clean_header("word " * 100)
    assert len(text) <= 200 and text.endswith("…")


def test_digest_lists_every_reminder() -> None:
    items = [_item("aaaa000001"), _item("bbbb000002", due=dt.date(2026, 11, 5), action="file a plan")]
    entries = [
        (Reminder(Key(i.id, "a@example.org", 7, i.due_date or DUE), ((i.due_date or DUE) - TODAY).days), i)
        for i in items
    ]
    msg = reminders.build(
        entries,
        sender="deadlines@tracker.test",
        recipient="a@example.org",
        sent_at=SENT_AT,
        calendar=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        domain="d.invalid",
    )
    assert msg["Subject"] == "2 deadlines coming up (first due 2026-11-05)"
    assert msg["Message-ID"].startswith("<digest.")
    text = msg.get_body(("plain",)).get_content()
    assert "publish a report" in text and "file a plan" in text


def test_build_needs_aware_time_and_entries() -> None:
    with pytest.raises(ValueError):
        reminders.build([], sender="s@x", recipient="r@x", sent_at=SENT_AT, calendar=b"", domain="d")
    entry = (Reminder(Key("x", "r@x", 1, DUE), 1), _item())
    with pytest.raises(ValueError):
        reminders.build(
            [entry], sender="s@x", recipient="r@x", sent_at=dt.datetime(2026, 1, 1), calendar=b"", domain="d"
        )


@settings(max_examples=150, deadline=None)
@given(
    actor=st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    action=st.text(st.characters(exclude_categories=("Cs",)), max_size=120),
)
def test_any_document_text_round_trips_safely(actor: str, action: str) -> None:
    """Whatever the text: the same headers come back, the subject is one line, the HTML holds it
    escaped and the plain part holds it as written."""
    msg = _message(_item(actor=actor, action=action, quote=action))
    assert set(msg.keys()) == {
        "Subject", "Message-ID", "From", "To", "Date", "Auto-Submitted", "MIME-Version", "Content-Type"
    }  # fmt: skip
    expected = reminders.subject(
        Reminder(Key("k3f9x2m7qa", "a@example.org", 30, DUE), 30), _item(actor=actor, action=action)
    )
    # The stdlib's RFC 2047 folding may drop a space between two encoded words; nothing else changes.
    assert "".join(msg["Subject"].split()) == "".join(expected.split())
    assert not set(msg["Subject"]) & {"\r", "\n"}
    assert _lines(html.escape(action)) in _lines(msg.get_body(("html",)).get_content())
    assert _lines(action.strip()) in _lines(msg.get_body(("plain",)).get_content())


def _lines(text: str) -> str:
    """Mail transport normalizes line ends to CRLF; compare with plain newlines."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
