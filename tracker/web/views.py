"""What the pages show, computed from the service's answers: filters from a query string, search,
rows with days left, month groups, pages, and the links a calendar app understands.

Layer 5 (part of tracker.web), but pure: no request, no database, no clock (`today` is given).
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from tracker.model import Status, Tracked
from tracker.reminders import when
from tracker.store.repository import Filters

STATUSES = tuple(s.value for s in Status)
VIEWS = ("table", "timeline")
PAGE_SIZE = 100
_TEXT_LIMIT = 200  # longest filter or search text taken from a query string


@dataclass(frozen=True, slots=True)
class Query:
    """The list page's state, all of it in the URL so a view can be shared."""

    q: str = ""
    actor: str = ""
    instrument: str = ""
    tag: str = ""
    status: str = "open"  # a status, or "all"
    due_after: str = ""
    due_before: str = ""
    view: str = "table"
    page: int = 1

    def params(self, **change: object) -> str:
        """The query string of this state with `change` applied; defaults are left out."""
        state = replace(self, **change)  # type: ignore[arg-type]
        default = Query()
        pairs = [
            (name, str(getattr(state, name)))
            for name in self.__dataclass_fields__
            if getattr(state, name) != getattr(default, name)
        ]
        return urllib.parse.urlencode(pairs)


@dataclass(frozen=True, slots=True)
class Parsed:
    query: Query
    filters: Filters
    errors: tuple[str, ...] = ()


def parse_query(params: Mapping[str, str]) -> Parsed:
    """Filters from a query string; a bad value is reported and that filter left out."""
    errors: list[str] = []

    def text(name: str) -> str:
        return " ".join(params.get(name, "").split())[:_TEXT_LIMIT]

    status = text("status").lower() or "open"
    if status not in (*STATUSES, "all"):
        errors.append(f"Status: choose one of {', '.join(STATUSES)} or all.")
        status = "open"
    dates: dict[str, dt.date | None] = {}
    for name, label in (("due_after", "Due from"), ("due_before", "Due until")):
        value = text(name)
        try:
            dates[name] = dt.date.fromisoformat(value) if value else None
        except ValueError:
            errors.append(f"{label}: not a date (YYYY-MM-DD).")
            dates[name] = None
    view = text("view") if text("view") in VIEWS else "table"
    page = text("page")
    query = Query(
        q=text("q"),
        actor=text("actor"),
        instrument=text("instrument"),
        tag=text("tag"),
        status=status,
        due_after=dates["due_after"].isoformat() if dates["due_after"] else "",
        due_before=dates["due_before"].isoformat() if dates["due_before"] else "",
        view=view,
        page=int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1,
    )
    filters = Filters(
        due_before=dates["due_before"],
        due_after=dates["due_after"],
        actor=query.actor or None,
        instrument=query.instrument or None,
        tag=query.tag or None,
        status=None if status == "all" else (status,),
    )
    return Parsed(query, filters, tuple(errors))


def matches(item: Tracked, words: str) -> bool:
    """Every word of `words` appears (case-insensitively) in the actor, the duty or a quote."""
    if not words:
        return True
    haystack = " ".join([item.actor, item.action, item.quote, *(m.quote for m in item.mentions)]).casefold()
    return all(word in haystack for word in words.casefold().split())


@dataclass(frozen=True, slots=True)
class Row:
    item: Tracked
    days_left: int | None  # None: undated, or not open (a done duty has no time left)
    overdue: bool
    left: str  # "5 days", "today", "3 days overdue", or ""


def row(item: Tracked, today: dt.date) -> Row:
    if item.due_date is None or item.status != Status.OPEN:
        return Row(item, None, False, "")
    days = (item.due_date - today).days
    return Row(item, days, days < 0, when(days))


@dataclass(frozen=True, slots=True)
class Month:
    key: str  # "2026-11", or "undated"
    label: str  # "November 2026", or "Awaiting an event"
    rows: list[Row] = field(default_factory=list)


def months(rows: Iterable[Row]) -> list[Month]:
    """Rows grouped by due month in the order given (soonest first); undated ones last."""
    groups: dict[str, Month] = {}
    for r in rows:
        due = r.item.due_date
        key = due.strftime("%Y-%m") if due else "undated"
        if key not in groups:
            groups[key] = Month(key, due.strftime("%B %Y") if due else "Awaiting an event")
        groups[key].rows.append(r)
    return sorted(groups.values(), key=lambda m: (m.key == "undated", m.key))


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    number: int
    count: int  # pages
    total: int  # rows on every page
    first: int  # 1-based position of the first row shown (0 when none)
    last: int


def paginate(rows: Sequence[Row], number: int, size: int = PAGE_SIZE) -> Page:
    count = max(1, -(-len(rows) // size))
    number = min(max(1, number), count)
    start = (number - 1) * size
    shown = list(rows[start : start + size])
    return Page(shown, number, count, len(rows), start + 1 if shown else 0, start + len(shown))


def web_link(url: str | None) -> str | None:
    """A source URL fit for an href: http(s) only (no javascript:, data: or file: links)."""
    if not url:
        return None
    parsed = urllib.parse.urlsplit(url.strip())
    return url.strip() if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def webcal(feed_url: str) -> str:
    """The feed's address as `webcal://`, which Apple Calendar and Outlook open as a subscription."""
    return "webcal://" + feed_url.split("://", 1)[-1]


def google(feed_url: str) -> str:
    """Google Calendar's "add by URL" page for the feed."""
    return "https://calendar.google.com/calendar/r?cid=" + urllib.parse.quote(webcal(feed_url), safe="")
