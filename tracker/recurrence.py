"""Recurrences: RRULE bodies ("FREQ=DAILY;INTERVAL=90") described in words and expanded to dates.

Layer 2: pure. Standard library and python-dateutil only; no clock, files, DB or network.
COUNT includes the first due date; UNTIL is inclusive; plain monthly and yearly rules clamp to
short months like periods (an annual duty first due 2024-02-29 falls due 2025-02-28).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import islice

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule as rrule_type
from dateutil.rrule import rrulestr

from tracker.model import Step

__all__ = ["occurrences", "recurrence_steps", "rrule_parts"]

_FREQ_WORDS = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day", "HOURLY": "hour"}


def rrule_parts(rrule: str) -> dict[str, str]:
    body = rrule.strip().removeprefix("RRULE:")
    parts = {}
    for part in filter(None, body.split(";")):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"bad recurrence rule {rrule!r}")
        parts[key.strip().upper()] = value.strip()
    return parts


def _rrule_body(rrule: str) -> str:
    """The rule with UNTIL made floating (our dates have no time zone, and dateutil insists)."""
    parts = rrule_parts(rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = parts["UNTIL"].removesuffix("Z")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def recurrence_steps(rrule: str | None, first: dt.date | None) -> list[Step]:
    if not rrule:
        return []
    every, tail = _described(rrule)
    text = f"Then {every} after {first.isoformat()}" if first else f"Recurs {every}; no first date is known"
    return [Step("recurrence", f"{text}{tail} (RRULE {rrule}).", {"rrule": rrule})]


@lru_cache(maxsize=256)
def _described(rrule: str) -> tuple[str, str]:
    """ "every N units" and the COUNT/UNTIL tail of a rule's description, after checking the rule.

    Depends on the rule alone: whether dateutil accepts a rule does not depend on the calendar date of
    its (naive, midnight) start, so the check uses a fixed one. Memoized because extraction describes
    the same few rules again and again; a malformed rule raises every time (exceptions are not cached).
    """
    _rule(dt.date(2000, 1, 1), rrule)  # fails early on a malformed rule
    parts = rrule_parts(rrule)
    interval = int(parts.get("INTERVAL", "1"))
    unit = _FREQ_WORDS.get(parts.get("FREQ", ""), parts.get("FREQ", "?").lower())
    every = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    tail = ""
    if "COUNT" in parts:
        tail += f", {parts['COUNT']} occurrences in all counting the first"
    if "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        tail += f", until {until.isoformat()}"
    return every, tail


def _rule(first: dt.date, rrule: str) -> rrule_type:
    try:
        return rrulestr(_rrule_body(rrule), dtstart=dt.datetime.combine(first, dt.time()))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"bad recurrence rule {rrule!r}: {exc}") from exc


def occurrences(first: dt.date, rrule: str, count: int, after: dt.date | None = None) -> list[dt.date]:
    """The next `count` due dates of a recurrence whose first due date is `first`.

    `first` is itself the first occurrence, so COUNT=6 means the first date and five more; UNTIL is
    inclusive. With `after`, only dates strictly later than `after` are returned.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    rule = _rule(first, rrule)
    parts = rrule_parts(rrule)
    if parts.get("FREQ") in ("MONTHLY", "YEARLY") and set(parts) <= {
        "FREQ",
        "INTERVAL",
        "COUNT",
        "UNTIL",
        "WKST",
    }:
        return list(islice(_clamped(first, parts, after), count))
    found = rule.xafter(dt.datetime.combine(after, dt.time()), inc=False) if after else iter(rule)
    return [moment.date() for moment in islice(found, count)]


def _clamped(first: dt.date, parts: Mapping[str, str], after: dt.date | None) -> Iterator[dt.date]:
    """Monthly/yearly occurrences counted from `first` like periods, clamped to short months."""
    months = int(parts.get("INTERVAL", "1")) * (12 if parts["FREQ"] == "YEARLY" else 1)
    until = dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date() if "UNTIL" in parts else dt.date.max
    total = int(parts["COUNT"]) if "COUNT" in parts else None
    k = 0
    if after is not None and after > first:  # skip ahead; the step back absorbs clamping
        k = max(0, ((after.year - first.year) * 12 + after.month - first.month) // months - 1)
    while total is None or k < total:
        try:
            d = first + relativedelta(months=k * months)
        except ValueError:  # beyond year 9999
            return
        if d > until:
            return
        if after is None or d > after:
            yield d
        k += 1
