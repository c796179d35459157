"""Rendering feeds: the golden file, stable bytes, RFC 5545/7986 shapes, what untrusted values become."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from tests.conftest import DATA
from tests.test_feeds_parsers import OPTIONS, T0, parse_icalendar, small, tracked
from tracker import feeds
from tracker.errors import ConfigError
from tracker.model import Status

EXPECTED = DATA / "expected"


def _lines(data: bytes) -> list[str]:
    """Logical content lines (unfolded)."""
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


@pytest.mark.parametrize(("golden", "todo"), [("feed-small.ics", False), ("feed-small-todo.ics", True)])
def test_golden_feed(golden: str, todo: bool) -> None:
    """Byte-for-byte; regenerate after a deliberate change with UPDATE_GOLDEN=1 and review the diff."""
    data = feeds.render(small(), OPTIONS, todo=todo)
    path = EXPECTED / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert data == path.read_bytes()


def test_identical_data_gives_identical_bytes() -> None:
    """No clock, no random calendar UID: the ETag of a feed changes only when its data does."""
    first = feeds.render(small(), OPTIONS)
    assert feeds.render(list(reversed(small())), OPTIONS) == first
    header = first.split(b"BEGIN:VEVENT")[0]
    assert b"UID" not in header and b"DTSTAMP" not in header
    stamps = {ln for ln in _lines(first) if ln.startswith("DTSTAMP:")}
    expected = {f"DTSTAMP:{feeds.utc_value(i.updated_at)}" for i in small() if i.due_date and i.updated_at}
    assert stamps == expected


def test_every_line_is_crlf_and_at_most_75_octets() -> None:
    data = feeds.render(small(), OPTIONS)
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in physical)
    assert all(b"\n" not in line and b"\r" not in line for line in physical)
    assert any(line.startswith(b" ") for line in physical)  # the descriptions were folded


def test_calendar_properties_rfc7986() -> None:
    lines = _lines(feeds.render([], OPTIONS))
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{feeds.PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    for line in (
        "NAME:Regulatory deadlines",
        "X-WR-CALNAME:Regulatory deadlines",
        "DESCRIPTION:Due dates\\, with why",
        "X-WR-CALDESC:Due dates\\, with why",
        "REFRESH-INTERVAL;VALUE=DURATION:PT4H",
        "X-PUBLISHED-TTL:PT4H",
    ):
        assert line in lines
    assert lines[-1] == "END:VCALENDAR"


@pytest.mark.parametrize(
    ("minutes", "duration"), [(240, "PT4H"), (1440, "P1D"), (90, "PT1H30M"), (5, "PT5M"), (1500, "P1DT1H")]
)
def test_refresh_interval_is_a_duration(minutes: int, duration: str) -> None:
    assert feeds.duration_minutes(minutes) == duration
    options = dataclasses.replace(OPTIONS, refresh_minutes=minutes)
    assert f"X-PUBLISHED-TTL:{duration}" in _lines(feeds.render([], options))


def test_all_day_event_with_exclusive_end_and_stable_uid() -> None:
    parsed = parse_icalendar(feeds.render([tracked("k7q2m9x4ab")], OPTIONS))["items"]
    assert len(parsed) == 1
    event = parsed[0]
    assert event["uid"] == "k7q2m9x4ab@deadlines.example.org"
    assert event["dtstart"] == dt.date(2026, 11, 30) and event["is_date"]
    lines = _lines(feeds.render([tracked("k7q2m9x4ab")], OPTIONS))
    assert "DTEND;VALUE=DATE:20261201" in lines
    assert "TRANSP:TRANSPARENT" in lines
    assert "SUMMARY:Secretary of Homeland Security: revise importer-of-record rules" in lines


@pytest.mark.parametrize(
    ("status", "event_status", "todo_status"),
    [
        (Status.OPEN, "CONFIRMED", "NEEDS-ACTION"),
        (Status.DONE, "CONFIRMED", "COMPLETED"),
        (Status.REVOKED, "CANCELLED", "CANCELLED"),
        (Status.SUPERSEDED, "CANCELLED", "CANCELLED"),
        (Status.WAIVED, "CANCELLED", "CANCELLED"),
    ],
)
def test_status_keeps_the_uid(status: Status, event_status: str, todo_status: str) -> None:
    item = tracked("k7q2m9x4ab", status=status, sequence=3)
    event = parse_icalendar(feeds.render([item], OPTIONS))["items"][0]
    todo = parse_icalendar(feeds.render([item], OPTIONS, todo=True))["items"][0]
    assert (event["status"], todo["status"]) == (event_status, todo_status)
    assert event["uid"] == todo["uid"] == "k7q2m9x4ab@deadlines.example.org"
    assert event["sequence"] == todo["sequence"] == 3


def test_todo_has_due_and_completion() -> None:
    done = tracked("d0n3a7b5c9", status=Status.DONE, updated_at=T0)
    lines = _lines(feeds.render([done], OPTIONS, todo=True))
    assert "DUE;VALUE=DATE:20261130" in lines
    assert "COMPLETED:20260629T143005Z" in lines and "PERCENT-COMPLETE:100" in lines
    assert not any(ln.startswith(("DTSTART", "DTEND")) for ln in lines)  # DTSTART only when recurring


def test_undated_obligations_are_left_out() -> None:
    data = feeds.render([tracked("u0n1d2a3t4", due_date=None)], OPTIONS)
    assert b"BEGIN:VEVENT" not in data


def test_alarms_only_when_enabled_and_only_for_open_duties() -> None:
    items = [tracked("a1", status=Status.OPEN), tracked("a2", status=Status.DONE)]
    assert b"VALARM" not in feeds.render(items, OPTIONS)
    options = dataclasses.replace(OPTIONS, alarm_days=(1, 30, 7, 0))
    lines = _lines(feeds.render(items, options))
    assert [ln for ln in lines if ln.startswith("TRIGGER")] == [
        "TRIGGER:-P30D",
        "TRIGGER:-P7D",
        "TRIGGER:-P1D",
        "TRIGGER:PT0S",
    ]
    todo_lines = _lines(feeds.render(items, options, todo=True))
    assert "TRIGGER;RELATED=END:-P7D" in todo_lines
    parse_icalendar(feeds.render(items, options))  # the alarms are well-formed


@pytest.mark.parametrize(
    ("rule", "written"),
    [
        ("FREQ=YEARLY", "FREQ=YEARLY"),
        ("FREQ=DAILY;INTERVAL=90", "FREQ=DAILY;INTERVAL=90"),
        ("freq=monthly;bymonthday=-1", "FREQ=MONTHLY;BYMONTHDAY=-1"),
        ("RRULE:FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20270101", "FREQ=WEEKLY;BYDAY=MO,TU;UNTIL=20270101"),
        # Not rules: left out of RRULE, kept in the description.
        ("INTERVAL=2", None),
        ("FREQ=FORTNIGHTLY", None),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", None),
        ("FREQ=DAILY\r\nATTACH:https://evil.example/x", None),
        ("FREQ=DAILY;X-NAME=1", None),
        ("FREQ=DAILY;FREQ=WEEKLY", None),
        ("every ninety days", None),
    ],
)
def test_recurrence_rules_are_checked(rule: str, written: str | None) -> None:
    assert feeds.rrule(rule) == written
    lines = _lines(feeds.render([tracked("r1", recurrence=rule)], OPTIONS))
    rrules = [ln for ln in lines if ln.startswith("RRULE")]
    assert rrules == ([f"RRULE:{written}"] if written else [])
    description = parse_icalendar(feeds.render([tracked("r1", recurrence=rule)], OPTIONS))["items"][0]
    assert ("Repeats: " in description["description"]) is (written is None)


@pytest.mark.parametrize(
    ("url", "written"),
    [
        ("https://www.federalregister.gov/d/2026-12345", "https://www.federalregister.gov/d/2026-12345"),
        ("https://example.org/a?b=c,d;e", "https://example.org/a?b=c,d;e"),
        (
            "https://example.org/a\r\nATTACH:https://evil.example",
            "https://example.org/a%0D%0AATTACH:https://evil.example",
        ),
        ('https://example.org/a b"<>\\', "https://example.org/a%20b%22%3C%3E%5C"),
        ("https://exämple.org/ü", "https://ex%C3%A4mple.org/%C3%BC"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("//example.org/relative", None),
        ("", None),
        (None, None),
    ],
)
def test_urls_are_http_and_encoded(url: str | None, written: str | None) -> None:
    assert feeds.uri(url) == written
    lines = _lines(feeds.render([tracked("u1", url=url)], OPTIONS))
    assert [ln for ln in lines if ln.startswith("URL")] == ([f"URL:{written}"] if written else [])


@pytest.mark.parametrize(
    ("line", "physical"),
    [
        ("X" * 75, ["X" * 75]),
        ("X" * 76, ["X" * 75, " X"]),
        ("X" * 74 + "é", ["X" * 74, " é"]),  # a two-octet character is never split
        ("X" * 74 + "\\n", ["X" * 74, " \\n"]),  # an escape stays whole
        ("X" * 73 + "\\\\n", ["X" * 73 + "\\\\", " n"]),  # ...but an escaped backslash is one unit
        ("X" * 72 + "🗓️", ["X" * 72, " 🗓️"]),
    ],
)
def test_folding(line: str, physical: list[str]) -> None:
    folded = feeds.fold(line.encode())
    assert folded.decode().split("\r\n") == physical
    assert folded.replace(b"\r\n ", b"") == line.encode()


def test_long_lines_fold_and_unfold_exactly() -> None:
    for text in ("é" * 300, "\\" * 301, "a\\" * 150, "🗓️x" * 90, "x" * 1000):
        line = feeds.fold(f"DESCRIPTION:{feeds.text(text)}".encode())
        assert all(len(p) <= 75 for p in line.split(b"\r\n"))
        assert line.replace(b"\r\n ", b"") == f"DESCRIPTION:{feeds.text(text)}".encode()
        for piece in line.split(b"\r\n"):
            piece.decode("utf-8")  # no piece ends inside a UTF-8 sequence


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("nul\x00 bell\x07 vt\x0b ff\x0c esc\x1b del\x7f", "nul  bell  vt  ff  esc  del "),
        ("tab\tstays", "tab\tstays"),
        ("\u2028 and \x85 are text", "\u2028 and \x85 are text"),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert feeds.clean_text(raw) == clean


def test_last_modified_never_earlier_than_the_floor() -> None:
    items = small()
    newest = max(feeds.stamp(i) for i in items)
    assert feeds.last_modified(items) == newest
    later = newest + dt.timedelta(hours=1, microseconds=5)
    assert feeds.last_modified(items, later) == later.replace(microsecond=0)
    assert feeds.last_modified(items, newest - dt.timedelta(days=1)) == newest
    assert feeds.last_modified([]) == feeds.EPOCH


@pytest.mark.parametrize(
    "bad",
    [
        {"uid_domain": "evil.example\r\nATTACH:x"},
        {"uid_domain": ""},
        {"refresh_minutes": 0},
        {"alarm_days": (-1,)},
    ],
)
def test_feed_options_are_validated(bad: dict) -> None:
    with pytest.raises(ConfigError):
        dataclasses.replace(OPTIONS, **bad)
