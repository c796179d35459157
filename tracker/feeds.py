"""iCalendar rendering of stored obligations (RFC 5545 + RFC 7986), built only with `icalendar`.

Layer 2: pure. Identical data gives identical bytes: DTSTAMP and LAST-MODIFIED come from the
obligation's `updated_at`, never from the clock, so ETags are stable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, Todo, vDuration, vText

from tracker import __version__
from tracker.model import Status, Tracked

PRODID = f"-//regulatory-deadline-tracker//tracker {__version__}//EN"
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class FeedOptions:
    name: str = "Regulatory deadlines"
    description: str = ""
    uid_domain: str = "deadlines.tracker.invalid"
    refresh_minutes: int = 240
    alarm_days: tuple[int, ...] = ()


def uid(item: Tracked, options: FeedOptions) -> str:
    return f"{item.id}@{options.uid_domain}"


def summary(item: Tracked) -> str:
    return f"{item.actor}: {item.action}"


def description(item: Tracked) -> str:
    lines = [f"Due {item.due_date.isoformat()}" if item.due_date else "No due date yet"]
    if item.instrument:
        lines[0] += f" under {item.instrument}"
    lines.append(f"Deadline: {item.deadline_text}")
    lines += [f"- {s.text}" for s in item.explanation]
    if item.override_due:
        lines.append(f"Date set by hand: {item.override_reason or 'no reason given'}")
    if item.quote:
        lines += ["", f"“{item.quote}”"]
    if item.url:
        lines += ["", f"Source: {item.url}"]
    lines += ["", f"Tracker id: {item.id}; status: {item.status.value}"]
    return "\n".join(lines)


def _stamp(item: Tracked) -> dt.datetime:
    return (item.updated_at or item.created_at or EPOCH).astimezone(dt.UTC).replace(microsecond=0)


def _component(item: Tracked, options: FeedOptions, todo: bool) -> Event | Todo:
    assert item.due_date is not None
    comp: Event | Todo = Todo() if todo else Event()
    comp.add("uid", uid(item, options))
    comp.add("dtstamp", _stamp(item))
    comp.add("last-modified", _stamp(item))
    comp.add("sequence", item.sequence)
    comp.add("summary", summary(item))
    comp.add("description", description(item))
    if todo:
        comp.add("dtstart", item.due_date)
        comp.add("due", item.due_date + dt.timedelta(days=1))
        status = {
            Status.DONE: "COMPLETED",
            Status.REVOKED: "CANCELLED",
            Status.SUPERSEDED: "CANCELLED",
            Status.WAIVED: "CANCELLED",
        }.get(item.status, "NEEDS-ACTION")
        comp.add("status", status)
        if item.status == Status.DONE:
            comp.add("completed", _stamp(item))
    else:
        comp.add("dtstart", item.due_date)
        comp.add("dtend", item.due_date + dt.timedelta(days=1))
        comp.add("transp", "TRANSPARENT")
        cancelled = item.status in (Status.REVOKED, Status.SUPERSEDED, Status.WAIVED)
        comp.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if item.url:
        comp.add("url", item.url)
    if item.tags:
        comp.add("categories", list(item.tags))
    if item.recurrence:
        comp.add("rrule", _rrule(item.recurrence))
    if item.status == Status.OPEN:
        for days in options.alarm_days:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary(item))
            alarm.add("trigger", dt.timedelta(days=-days))
            comp.add_component(alarm)
    return comp


def _rrule(body: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in body.split(";"):
        key, _, value = part.partition("=")
        if key and value:
            out[key.strip().upper()] = value.split(",")
    return out


def render(
    items: Sequence[Tracked], options: FeedOptions, *, todo: bool = False, stamp: dt.datetime | None = None
) -> bytes:
    """One all-day VEVENT (or VTODO) per dated obligation; undated ones are left out."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", vText(options.name))
    cal.add("x-wr-calname", vText(options.name))
    if options.description:
        cal.add("description", vText(options.description))
        cal.add("x-wr-caldesc", vText(options.description))
    refresh = dt.timedelta(minutes=options.refresh_minutes)
    cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    for item in items:
        if item.due_date is not None:
            cal.add_component(_component(item, options, todo))
    return cal.to_ical()


def last_modified(items: Sequence[Tracked], floor: dt.datetime | None = None) -> dt.datetime:
    """The newest change in a feed; never earlier than `floor` (deletions move it forward too)."""
    stamps = [_stamp(i) for i in items]
    if floor is not None:
        stamps.append(floor.astimezone(dt.UTC).replace(microsecond=0))
    return max(stamps, default=EPOCH)
