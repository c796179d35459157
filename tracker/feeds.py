"""iCalendar feeds of stored obligations (RFC 5545 + RFC 7986): one all-day VEVENT or VTODO per due date.

Layer 2: pure; imports no I/O framework and never reads the clock. Identical data gives identical bytes:
DTSTAMP and LAST-MODIFIED come from each obligation's `updated_at`, so ETags are stable.

We write content lines ourselves instead of through `icalendar`'s component tree, deliberately:
icalendar 7's TEXT escaping turns a literal backslash-N ("C:\\New") into a line break and writes
control characters raw, and its serializer needs ~3 s for 10,000 events. Every value from a
document goes through `text()` (clean + RFC 5545 §3.3.11 escaping) or `uri()` (percent-encoding),
never straight into a line; the tests parse what we write with icalendar, vobject and ical.js.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from tracker.errors import ConfigError
from tracker.model import Status, Tracked

PRODID = "-//regulatory-deadline-tracker//tracker//EN"
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
FOLD_AT = 75  # octets per physical line, CRLF excluded (RFC 5545 §3.1)

#: Statuses shown as withdrawn: the event keeps its UID and becomes STATUS:CANCELLED.
WITHDRAWN = frozenset({Status.REVOKED, Status.SUPERSEDED, Status.WAIVED})
_TODO_STATUS = {Status.OPEN: "NEEDS-ACTION", Status.DONE: "COMPLETED"}


_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """What a feed says about itself, from the [feeds] settings (so a bad value is a ConfigError).

    `alarm_days` empty: no VALARMs, the default (subscribed calendars ignore them; DESIGN §10).
    """

    name: str = "Regulatory deadlines"
    description: str = ""
    uid_domain: str = "deadlines.tracker.invalid"
    refresh_minutes: int = 240
    alarm_days: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.refresh_minutes < 1:
            raise ConfigError("must be at least one minute", where="feeds.refresh_interval")
        if any(d < 0 for d in self.alarm_days):
            raise ConfigError("lead days must be zero or positive", where="reminders.lead_days")
        if not _DOMAIN.fullmatch(self.uid_domain):
            raise ConfigError(f"{self.uid_domain!r} is not a domain name", where="feeds.uid_domain")


# Values --------------------------------------------------------------------------------------------
# C0 controls other than TAB and LF, and DEL: RFC 5545 TEXT has no way to carry them.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    """The text a calendar can carry: CRLF and lone CR become LF, other control characters a space.

    This is the only change text undergoes; `parse(render(x)) == clean_text(x)` for every field.
    """
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub(" ", value)


def text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): cleaned, then backslash, semicolon, comma and newline escaped."""
    return (
        clean_text(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


_URI_SAFE = "/:?#[]@!$&'()*+,;=%~-._"


def uri(value: str | None) -> str | None:
    """An absolute http(s) URL fit for a URI value, or None; anything unusual is percent-encoded."""
    if not value:
        return None
    encoded = quote(value.strip(), safe=_URI_SAFE)
    try:
        parts = urlsplit(encoded)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return encoded


def date_value(d: dt.date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def utc_value(t: dt.datetime) -> str:
    t = t.astimezone(dt.UTC)
    return f"{date_value(t)}T{t.hour:02d}{t.minute:02d}{t.second:02d}Z"


def duration_minutes(minutes: int) -> str:
    """RFC 5545 DURATION of whole minutes: 240 -> PT4H, 1440 -> P1D, 90 -> PT1H30M."""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    out = "P" + (f"{days}D" if days else "")
    if hours or mins:
        out += "T" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins else "")
    return out


def trigger(days: int) -> str:
    return f"-P{days}D" if days else "PT0S"


_RRULE_KEYS = frozenset(
    {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY"}
    | {"BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}
)
_RRULE_FREQ = frozenset({"SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_RRULE_VALUE = re.compile(r"[A-Z0-9+-]+(?:,[A-Z0-9+-]+)*")


@functools.lru_cache(maxsize=512)
def rrule(body: str) -> str | None:
    """A recurrence rule body checked against the RFC 5545 §3.3.10 grammar, or None when it is not one.

    Stored rules come from text, so an invalid one is left out of RRULE (and shown in the description)
    rather than written into the feed where it could break a client or smuggle a line.
    """
    parts = [p for p in body.strip().upper().removeprefix("RRULE:").split(";") if p]
    seen: dict[str, str] = {}
    for part in parts:
        key, sep, value = part.partition("=")
        if not sep or key not in _RRULE_KEYS or key in seen or not _RRULE_VALUE.fullmatch(value):
            return None
        seen[key] = value
    if seen.get("FREQ") not in _RRULE_FREQ or ("COUNT" in seen and "UNTIL" in seen):
        return None
    return ";".join(f"{k}={v}" for k, v in seen.items())


# Lines ---------------------------------------------------------------------------------------------
def fold(line: bytes) -> bytes:
    """Split a content line into physical lines of at most 75 octets (RFC 5545 §3.1).

    Never inside a UTF-8 sequence, and never between a backslash and the character it escapes
    (allowed by the RFC, but some clients unescape before unfolding).
    """
    if len(line) <= FOLD_AT:
        return line
    chunks: list[bytes] = []
    start, width, end = 0, FOLD_AT, len(line)
    while end - start > width:
        cut = start + width
        while (line[cut] & 0xC0) == 0x80:
            cut -= 1
        run = cut
        while run > start and line[run - 1] == 0x5C:
            run -= 1
        if (cut - run) % 2:
            cut -= 1
        chunks.append(line[start:cut])
        start, width = cut, FOLD_AT - 1  # a continuation line starts with a space
    chunks.append(line[start:])
    return b"\r\n ".join(chunks)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[bytes] = []

    def raw(self, name: str, value: str) -> None:
        """A line whose value is already valid: escaped text, a date, a number, a checked rule."""
        self.lines.append(fold(f"{name}:{value}".encode("utf-8", "replace")))

    def text(self, name: str, value: str) -> None:
        self.raw(name, text(value))

    def getvalue(self) -> bytes:
        return b"\r\n".join(self.lines) + b"\r\n"


# Content -------------------------------------------------------------------------------------------
def uid(item: Tracked, options: FeedOptions) -> str:
    return f"{item.id}@{options.uid_domain}"


def summary(item: Tracked) -> str:
    return f"{item.actor}: {item.action}"


def description(item: Tracked) -> str:
    """Why the date, the words that say so, and where they were read."""
    due = item.due_date.isoformat() if item.due_date else "not yet known"
    lines = [f"Due {due}" + (f" ({item.instrument})" if item.instrument else "")]
    if item.deadline_text:
        lines.append(f"Deadline: {item.deadline_text}")
    if item.explanation:
        lines.append("Why this date:")
        lines += [f"{n}. {s.text}" for n, s in enumerate(item.explanation, 1)]
    if item.override_due:
        lines.append(f"Set by hand: {item.override_reason or 'no reason given'}")
    if item.recurrence and rrule(item.recurrence) is None:  # not in RRULE, so say it here
        lines.append(f"Repeats: {item.recurrence}")
    if item.quote:
        lines += ["", f"“{item.quote}”"]
    if item.title or item.url:
        lines.append("— " + " ".join(x for x in (item.title, item.url) if x))
    lines += ["", f"Status: {item.status.value}. Tracker id: {item.id}"]
    return "\n".join(lines)


def stamp(item: Tracked) -> dt.datetime:
    """When the obligation last changed, to the second (DTSTAMP, LAST-MODIFIED, HTTP Last-Modified)."""
    return (item.updated_at or item.created_at or EPOCH).astimezone(dt.UTC).replace(microsecond=0)


def _component(w: _Writer, item: Tracked, options: FeedOptions, todo: bool) -> None:
    due = item.due_date
    assert due is not None  # render() passes dated items only
    kind = "VTODO" if todo else "VEVENT"
    changed = utc_value(stamp(item))
    rule = rrule(item.recurrence) if item.recurrence else None
    w.raw("BEGIN", kind)
    w.text("UID", uid(item, options))
    w.raw("DTSTAMP", changed)
    if item.created_at:
        w.raw("CREATED", utc_value(item.created_at))
    w.raw("LAST-MODIFIED", changed)
    w.raw("SEQUENCE", str(max(item.sequence, 0)))
    if todo:
        if rule:  # a recurring to-do needs DTSTART; DUE may equal it (RFC 5545 §3.8.2.3)
            w.raw("DTSTART;VALUE=DATE", date_value(due))
        w.raw("DUE;VALUE=DATE", date_value(due))
    else:
        w.raw("DTSTART;VALUE=DATE", date_value(due))
        w.raw("DTEND;VALUE=DATE", date_value(due + dt.timedelta(days=1)))  # exclusive end
    if rule:
        w.raw("RRULE", rule)
    w.text("SUMMARY", summary(item))
    w.text("DESCRIPTION", description(item))
    link = uri(item.url)
    if link:
        w.raw("URL", link)
    for tag in (t for t in (clean_text(t).strip() for t in item.tags) if t):
        # One property per tag: ical.js splits "a\\,b" (a tag ending in a backslash) at the wrong comma.
        w.text("CATEGORIES", tag)
    if item.status in WITHDRAWN:
        w.raw("STATUS", "CANCELLED")
    elif todo:
        w.raw("STATUS", _TODO_STATUS.get(item.status, "NEEDS-ACTION"))
        if item.status == Status.DONE:
            w.raw("COMPLETED", changed)
            w.raw("PERCENT-COMPLETE", "100")
    else:
        w.raw("STATUS", "CONFIRMED")
        w.raw("TRANSP", "TRANSPARENT")  # a deadline does not make anyone busy
    if item.status == Status.OPEN:
        related = ";RELATED=END" if todo else ""  # a to-do's alarm counts back from DUE
        for days in sorted(set(options.alarm_days), reverse=True):
            w.raw("BEGIN", "VALARM")
            w.raw("ACTION", "DISPLAY")
            w.text("DESCRIPTION", summary(item))
            w.raw(f"TRIGGER{related}", trigger(days))
            w.raw("END", "VALARM")
    w.raw("END", kind)


def render(items: Iterable[Tracked], options: FeedOptions, *, todo: bool = False) -> bytes:
    """A VCALENDAR with one all-day VEVENT (or VTODO) per dated obligation, ordered by date then id.

    Undated obligations (awaiting an event) are left out. Withdrawn ones keep their UID and are
    written as STATUS:CANCELLED, so subscribers see them struck out instead of silently vanishing.
    """
    w = _Writer()
    w.raw("BEGIN", "VCALENDAR")
    w.raw("VERSION", "2.0")
    w.raw("PRODID", PRODID)
    w.raw("CALSCALE", "GREGORIAN")
    w.raw("METHOD", "PUBLISH")
    w.text("NAME", options.name)
    w.text("X-WR-CALNAME", options.name)
    if options.description:
        w.text("DESCRIPTION", options.description)
        w.text("X-WR-CALDESC", options.description)
    refresh = duration_minutes(options.refresh_minutes)
    w.raw("REFRESH-INTERVAL;VALUE=DURATION", refresh)
    w.raw("X-PUBLISHED-TTL", refresh)
    dated = sorted((i for i in items if i.due_date is not None), key=lambda i: (i.due_date, i.id))
    for item in dated:
        _component(w, item, options, todo)
    w.raw("END", "VCALENDAR")
    return w.getvalue()


def last_modified(items: Sequence[Tracked], floor: dt.datetime | None = None) -> dt.datetime:
    """The newest change among `items`, never earlier than `floor` (so deletions move it forward too)."""
    stamps = [stamp(i) for i in items]
    if floor is not None:
        stamps.append(floor.astimezone(dt.UTC).replace(microsecond=0))
    return max(stamps, default=EPOCH)
