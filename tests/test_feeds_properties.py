"""Round-trip properties of feeds with hostile text (the habit of icalendar's own fuzzing test).

Whatever a document says, what icalendar and vobject read back is exactly `clean_text` of what we
wrote, and no text can become a property or component of its own.
"""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_feeds_parsers import OPTIONS, parse_icalendar, parse_vobject, tracked
from tracker import feeds
from tracker.model import Status, Step

PIECES = [
    "\r\n", "\n", "\r", ";", ",", ":", "\\", "\\n", "\\N", "\\,", "\\;", '"', "'", "\t", "\x00", "\x0b",
    "\x7f", "\u2028", "\x85", "BEGIN:VEVENT", "END:VCALENDAR", "ATTACH:https://evil.example/x",
    "\r\nATTACH;VALUE=BINARY;ENCODING=BASE64:AAAA", "<script>alert(1)</script>", "é", "東京", "🗓️", " ",
]  # fmt: skip
hostile = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=20)),
    max_size=12,
).map("".join)

EVENT_PROPERTIES = {
    "UID", "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND", "DUE", "RRULE",
    "SUMMARY", "DESCRIPTION", "URL", "CATEGORIES", "STATUS", "TRANSP", "COMPLETED", "PERCENT-COMPLETE",
}  # fmt: skip
CALENDAR_PROPERTIES = {
    "VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "DESCRIPTION", "X-WR-CALDESC",
    "REFRESH-INTERVAL", "X-PUBLISHED-TTL",
}  # fmt: skip
ALARM_PROPERTIES = {"ACTION", "DESCRIPTION", "TRIGGER"}


@st.composite
def hostile_items(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    text = draw(hostile)
    item = tracked(
        "h0s71l3x9z",
        actor=draw(hostile),
        action=draw(hostile),
        quote=text,
        title=draw(hostile),
        deadline_text=draw(hostile),
        tags=tuple(draw(st.lists(hostile, max_size=3))),
        explanation=(Step("note", draw(hostile)),),
        url=draw(st.one_of(st.none(), hostile.map(lambda s: "https://example.org/" + s))),
        recurrence=draw(st.one_of(st.none(), hostile, st.just("FREQ=YEARLY"))),
        status=draw(st.sampled_from(list(Status))),
    )
    options = dataclasses.replace(OPTIONS, name=draw(hostile), description=draw(hostile), alarm_days=(7,))
    return item, options, draw(st.booleans())


def _logical_lines(data: bytes) -> list[str]:
    return data.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


@settings(max_examples=300, deadline=None)
@given(hostile_items())
def test_hostile_text_round_trips_exactly(case: tuple) -> None:  # type: ignore[type-arg]
    item, options, todo = case
    data = feeds.render([item], options, todo=todo)
    tags = [t for t in (feeds.clean_text(t).strip() for t in item.tags) if t]
    ical, vobj = parse_icalendar(data), parse_vobject(data)
    assert ical["name"] == ical["calname"] == feeds.text(options.name)  # kept escaped, see parse_icalendar
    assert vobj["calname"] == feeds.clean_text(options.name)
    for parsed in (ical, vobj):
        [got] = parsed["items"]
        assert got["uid"] == "h0s71l3x9z@deadlines.example.org"
        assert got["summary"] == feeds.clean_text(f"{item.actor}: {item.action}")
        assert got["description"] == feeds.clean_text(feeds.description(item))
        assert got["categories"] == tags
        assert feeds.clean_text(item.quote) in got["description"]


@settings(max_examples=300, deadline=None)
@given(hostile_items())
def test_no_text_becomes_a_property_or_component(case: tuple) -> None:  # type: ignore[type-arg]
    item, options, todo = case
    data = feeds.render([item], options, todo=todo)
    lines = _logical_lines(data)
    kind = "VTODO" if todo else "VEVENT"
    alarm = ["BEGIN:VALARM", "END:VALARM"] if item.status == Status.OPEN else []
    structure = [ln for ln in lines if ln.startswith(("BEGIN:", "END:"))]
    assert structure == ["BEGIN:VCALENDAR", f"BEGIN:{kind}", *alarm, f"END:{kind}", "END:VCALENDAR"]
    allowed = {"VCALENDAR": CALENDAR_PROPERTIES, kind: EVENT_PROPERTIES, "VALARM": ALARM_PROPERTIES}
    scope: list[set[str]] = []
    for line in lines:
        name = line.split(":", 1)[0].split(";", 1)[0]
        if name == "BEGIN":
            scope.append(allowed[line.removeprefix("BEGIN:")])
        elif name == "END":
            scope.pop()
        else:
            assert name in scope[-1], line
    physical = data.split(b"\r\n")
    assert all(len(p) <= 75 and b"\n" not in p and b"\r" not in p for p in physical)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=400))
def test_folding_is_undone_by_unfolding(value: str) -> None:
    line = f"DESCRIPTION:{feeds.text(value)}".encode()
    folded = feeds.fold(line)
    pieces = folded.split(b"\r\n")
    assert all(len(p) <= 75 for p in pieces)
    assert all(p.startswith(b" ") for p in pieces[1:])
    assert folded.replace(b"\r\n ", b"") == line
    for piece in pieces:
        piece.decode("utf-8")
