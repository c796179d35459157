"""Due-date engine: turns a DeadlineExpr and its Anchor into a DueDate with an explanation.

Layer 2: pure. Standard library, python-dateutil and holidays only; no clock, files, DB or network.

Calendar rules (each has a named test in tests/test_dates.py):

- Days count calendar days from the anchor: 2026-06-03 + 180 days = 2026-11-30. Weeks are 7 days.
  "Within N days of X" and "not later than N days after X" both end on X + N (no minus one).
- Months and years keep the day of the month and clamp to the month's last day when it is missing
  (relativedelta): 2021-01-31 + 1 month = 2021-02-28; 2024-02-29 + 1 year = 2025-02-28;
  2023-08-31 + 6 months = 2024-02-29.
- A negative period counts backwards ("21 days prior to 2016-08-04" = 2016-07-14).
- Business days skip Saturdays, Sundays and the holidays of `policy.holiday_country` (and
  `holiday_subdiv`); a holiday's observed date is itself a holiday (New Year's Day 2022, a Saturday,
  was observed Friday 2021-12-31). Counting starts the day after (or before) the anchor.
- Hours: the anchor is taken to happen at the start of its day, so N hours end on anchor + N // 24
  days (floor division, also for negative N). That is the earliest date the period can end, hence
  never a late reminder. An undated anchor ("72 hours of receipt") stays undated.
- A window ("during the N-day period beginning on X") ends on its last day, X + N - 1 days; for
  other units, (X + period) - 1 day, and for business days the Nth business day on or after X.
- Absolute references: a full date as written; a month alone is its first day unless
  `policy.month_only == "last"`; "end of calendar year N" is N-12-31; U.S. federal fiscal year N
  runs N-1-10-01 .. N-09-30 and ends N-09-30; fiscal quarter 1..4 of FY N ends N-1-12-31, N-03-31,
  N-06-30, N-09-30. When a period is also given, it counts from that date.
- Roll policy (none, following, preceding, modified_following) applies only to a date reached by
  counting a period. A date written in the text, or an anchor date taken with no period, is never
  rolled: the author chose that day (as with a date certain set by a court, which FRCP 6(a) does not
  move); a note says so when it falls on a weekend or holiday. Modified following rolls forward
  unless that leaves the month, and then rolls back.
- An undated anchor with no written date gives no date ("awaiting" the event), never a guess.
- A recurrence (RRULE body) is kept as written and described; its COUNT includes the first due date.
  Plain monthly and yearly recurrences clamp like periods (an annual duty first due 2024-02-29 falls
  due 2025-02-28), where RFC 5545 would skip the years and months that lack the day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import islice
from types import MappingProxyType
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrule as rrule_type
from dateutil.rrule import rrulestr

from tracker.errors import ConfigError
from tracker.model import (
    Anchor,
    AnchorKind,
    DatePolicy,
    DateRef,
    DateRefKind,
    DeadlineExpr,
    DueDate,
    Period,
    RollPolicy,
    Step,
    Unit,
)

__all__ = [
    "add_business_days",
    "apply_override",
    "explain",
    "is_business_day",
    "occurrences",
    "policy_for",
    "resolve",
    "roll",
]

_ONE_DAY = dt.timedelta(days=1)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_UNIT_WORDS = {
    Unit.DAYS: "calendar days",
    Unit.WEEKS: "weeks",
    Unit.MONTHS: "months",
    Unit.YEARS: "years",
    Unit.BUSINESS_DAYS: "business days",
    Unit.HOURS: "hours",
}
_FREQ_WORDS = {"YEARLY": "year", "MONTHLY": "month", "WEEKLY": "week", "DAILY": "day", "HOURLY": "hour"}
_FISCAL_QUARTER_END = {1: (-1, 12, 31), 2: (0, 3, 31), 3: (0, 6, 30), 4: (0, 9, 30)}


# --- holidays and business days ---------------------------------------------------------------


@lru_cache(maxsize=512)
def _holiday_names(country: str, subdiv: str | None, year: int) -> Mapping[dt.date, str]:
    """Holidays (observed dates included) falling in `year`, with their names; cached per year."""
    try:
        # Neighbouring years too: a holiday of one year may be observed in another (Dec 31).
        calendar = holidays.country_holidays(country, subdiv=subdiv, years=range(year - 1, year + 2))
    except NotImplementedError as exc:
        raise ConfigError(f"unknown holiday calendar {country!r} (subdivision {subdiv!r}): {exc}") from exc
    names = {day: "; ".join(calendar.get_list(day)) for day in calendar if day.year == year}
    return MappingProxyType(names)


def _holiday(d: dt.date, policy: DatePolicy) -> str | None:
    return _holiday_names(policy.holiday_country, policy.holiday_subdiv, d.year).get(d)


def is_business_day(d: dt.date, policy: DatePolicy = DatePolicy()) -> bool:
    """Monday to Friday and not a holiday (nor a holiday's observed date) of the policy's calendar."""
    return d.weekday() < 5 and _holiday(d, policy) is None


def _business_days(start: dt.date, n: int, policy: DatePolicy) -> tuple[dt.date, list[dt.date]]:
    """The date `n` business days after `start` (before, if negative), and the weekday holidays skipped."""
    step = _ONE_DAY if n >= 0 else -_ONE_DAY
    d, left, skipped = start, abs(n), []
    while left:
        d += step
        if is_business_day(d, policy):
            left -= 1
        elif d.weekday() < 5:
            skipped.append(d)
    return d, skipped


def add_business_days(start: dt.date, n: int, policy: DatePolicy = DatePolicy()) -> dt.date:
    """Count `n` business days from `start`, starting the day after (or before, when `n` < 0).

    `start` itself never counts; with `n == 0` the result is `start`, business day or not.
    """
    return _business_days(start, n, policy)[0]


def _why_not_business(d: dt.date, policy: DatePolicy) -> str:
    holiday = _holiday(d, policy)
    if d.weekday() >= 5 and holiday:
        return f"a {_WEEKDAYS[d.weekday()]} and a holiday ({holiday})"
    return f"a {_WEEKDAYS[d.weekday()]}" if d.weekday() >= 5 else f"a holiday ({holiday})"


def _next_business_day(d: dt.date, policy: DatePolicy, step: dt.timedelta) -> dt.date:
    while not is_business_day(d, policy):
        d += step
    return d


def roll(d: dt.date, policy: DatePolicy = DatePolicy()) -> tuple[dt.date, Step | None]:
    """Move a date off a weekend or holiday according to `policy.roll`.

    none: never moves. following: the next business day. preceding: the previous business day.
    modified_following: the next business day unless it is in another month, then the previous one.
    Returns the date and a "roll" step, or (d, None) when nothing moved.
    """
    if policy.roll == RollPolicy.NONE or is_business_day(d, policy):
        return d, None
    why = f"{d.isoformat()} is {_why_not_business(d, policy)}"
    following = _next_business_day(d, policy, _ONE_DAY)
    if policy.roll == RollPolicy.FOLLOWING:
        to, text = following, f"{why}; rolled to the following business day {following.isoformat()}"
    elif policy.roll == RollPolicy.PRECEDING:
        to = _next_business_day(d, policy, -_ONE_DAY)
        text = f"{why}; rolled to the preceding business day {to.isoformat()}"
    elif following.month == d.month:
        to = following
        text = f"{why}; rolled to the following business day {to.isoformat()} (modified following)"
    else:
        to = _next_business_day(d, policy, -_ONE_DAY)
        text = (
            f"{why}; the following business day {following.isoformat()} is in the next month, so rolled "
            f"to the preceding business day {to.isoformat()} (modified following)"
        )
    data = {"from": d.isoformat(), "to": to.isoformat(), "policy": str(policy.roll), "reason": why}
    return to, Step("roll", text + ".", data)


# --- period arithmetic ------------------------------------------------------------------------


def _describe_period(period: Period) -> str:
    n = abs(period.amount)
    word = _UNIT_WORDS[period.unit]
    return f"{n} {word[:-1] if n == 1 else word}"


def _shift(start: dt.date, period: Period, policy: DatePolicy) -> tuple[dt.date, list[Step]]:
    """`start` + `period`, with the "period" step and any clamp or skipped-holiday notes."""
    n, unit = period.amount, period.unit
    notes: list[Step] = []
    skipped: list[dt.date] = []
    try:
        if unit == Unit.BUSINESS_DAYS:
            end, skipped = _business_days(start, n, policy)
        elif unit in (Unit.MONTHS, Unit.YEARS):
            end = start + (relativedelta(months=n) if unit == Unit.MONTHS else relativedelta(years=n))
        elif unit == Unit.HOURS:
            end = start + dt.timedelta(days=n // 24)
        else:
            end = start + dt.timedelta(days=n * 7 if unit == Unit.WEEKS else n)
    except (OverflowError, ValueError) as exc:
        raise ValueError(
            f"{start.isoformat()} {'+-'[n < 0]} {_describe_period(period)} is out of range"
        ) from exc
    sign = "-" if n < 0 else "+"
    text = f"{start.isoformat()} {sign} {_describe_period(period)} = {end.isoformat()}"
    data: dict[str, Any] = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "amount": n,
        "unit": str(unit),
        "iso": period.iso(),
    }
    if unit == Unit.BUSINESS_DAYS:
        text += f" (skipping Saturdays, Sundays and {policy.holiday_country} holidays)"
        if skipped:
            names = ", ".join(f"{d.isoformat()} {_holiday(d, policy)}" for d in skipped)
            text += f"; holidays skipped: {names}"
            data["holidays_skipped"] = [d.isoformat() for d in skipped]
    if unit in (Unit.MONTHS, Unit.YEARS) and end.day != start.day:
        notes.append(
            Step(
                "note",
                f"{_MONTHS[end.month - 1]} {end.year} has no day {start.day}, so the date is clamped to "
                f"the last day of that month, {end.isoformat()}.",
                {"clamped_from_day": start.day, "date": end.isoformat()},
            )
        )
    if unit == Unit.HOURS and n % 24:
        notes.append(
            Step(
                "note",
                f"{n} hours is not a whole number of days; counted from the start of "
                f"{start.isoformat()}, the period ends on {end.isoformat()}.",
                {"hours": n, "date": end.isoformat()},
            )
        )
    return end, [Step("period", text + ".", data), *notes]


def _window_end(start: dt.date, period: Period, policy: DatePolicy) -> tuple[dt.date, list[Step]]:
    """Last day of the period of `period` beginning on (and including) `start`."""
    n, unit = period.amount, period.unit
    if n <= 0:
        raise ValueError(f"a window needs a positive period, not {n} {unit}")
    notes: list[Step] = []
    if unit == Unit.BUSINESS_DAYS:
        end = add_business_days(start - _ONE_DAY, n, policy)
        how = f"the {_ordinal(n)} business day on or after {start.isoformat()}"
    elif unit == Unit.HOURS:
        days = -(-n // 24)  # ceiling: the days the hours touch, counted from the start of `start`
        end = start + dt.timedelta(days=days - 1)
        how = f"{n} hours from the start of {start.isoformat()} reach into its day {days}"
    else:
        shifted, steps = _shift(start, period, policy)
        notes = [s for s in steps if s.kind == "note"]
        end = shifted - _ONE_DAY
        how = f"{start.isoformat()} + {_describe_period(period)} - 1 day"
    text = (
        f"During the {_describe_period(period)} beginning on {start.isoformat()} (that day included), "
        f"the last day is {end.isoformat()}: {how}."
    )
    data = {"from": start.isoformat(), "to": end.isoformat(), "amount": n, "unit": str(unit)}
    return end, [Step("window", text, data), *notes]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- absolute references ----------------------------------------------------------------------


def _absolute(ref: DateRef, policy: DatePolicy) -> tuple[dt.date, Step]:
    """The date an absolute reference stands for, and the step saying how it was read."""
    data: dict[str, Any] = {"ref_kind": str(ref.kind), "year": ref.year}
    if ref.kind == DateRefKind.DATE:
        d = dt.date(ref.year, ref.month or 1, ref.day or 1)
        text = f"The text states the date {d.isoformat()} ({_WEEKDAYS[d.weekday()]})."
    elif ref.kind == DateRefKind.MONTH:
        month = ref.month or 1
        first = dt.date(ref.year, month, 1)
        last = first + relativedelta(day=31)
        if policy.month_only not in ("first", "last"):
            raise ValueError(f"month_only must be 'first' or 'last', not {policy.month_only!r}")
        (d, other), other_word = (
            ((last, first), "first") if policy.month_only == "last" else ((first, last), "last")
        )
        text = (
            f"The text names only a month, {_MONTHS[month - 1]} {ref.year}; the deadline is taken as its "
            f"{policy.month_only} day, {d.isoformat()} (the {other_word} day would be {other.isoformat()})."
        )
        data.update(month=month, alternative=other.isoformat())
    elif ref.kind == DateRefKind.YEAR_END:
        d = dt.date(ref.year, 12, 31)
        text = f"The end of calendar year {ref.year} is {d.isoformat()}."
    elif ref.kind == DateRefKind.FISCAL_YEAR:
        d = dt.date(ref.year, 9, 30)
        text = (
            f"U.S. federal fiscal year {ref.year} runs from {ref.year - 1}-10-01 to {d.isoformat()}; "
            f"it ends {d.isoformat()}."
        )
    else:
        quarter = ref.quarter or 4
        offset, month, day = _FISCAL_QUARTER_END[quarter]
        d = dt.date(ref.year + offset, month, day)
        begin = (d - relativedelta(months=2)).replace(day=1)
        text = (
            f"Quarter {quarter} of U.S. federal fiscal year {ref.year} runs from {begin.isoformat()} to "
            f"{d.isoformat()}; it ends {d.isoformat()}."
        )
        data["quarter"] = quarter
    data["date"] = d.isoformat()
    return d, Step("absolute", text, data)


def _unrolled_note(d: dt.date, policy: DatePolicy, reason: str) -> list[Step]:
    if is_business_day(d, policy):
        return []
    why = f"{d.isoformat()} is {_why_not_business(d, policy)}"
    text = f"{why}; not rolled ({reason})."
    return [Step("note", text, {"date": d.isoformat(), "policy": str(policy.roll), "reason": why})]


# --- resolution -------------------------------------------------------------------------------


def _anchor_step(anchor: Anchor, date: dt.date) -> Step:
    what = anchor.text or f"the {anchor.kind} date"
    text = f"Anchor: {what} ({anchor.kind}), {date.isoformat()}"
    if anchor.source:
        text += f", from {anchor.source}"
    data = {"anchor_kind": str(anchor.kind), "date": date.isoformat(), "anchor_text": anchor.text}
    return Step("anchor", text + ".", {**data, "source": anchor.source})


def _undated_step(expr: DeadlineExpr, anchor: Anchor) -> Step:
    period = f"{_describe_period(expr.period)} " if expr.period else ""
    data: dict[str, Any] = {"anchor_kind": str(anchor.kind), "anchor_text": anchor.text}
    if expr.period:
        data.update(amount=expr.period.amount, unit=str(expr.period.unit), iso=expr.period.iso())
    if anchor.kind == AnchorKind.NONE:
        text = "No start date is stated, so there is no due date."
    else:
        what = anchor.text or f"the {anchor.kind} date"
        why = (
            "the text does not date it"
            if anchor.kind == AnchorKind.EVENT
            else f"the {anchor.kind} date is unknown"
        )
        counted = f" ({period}from it)" if period else ""
        text = f"Awaiting {what}: {why}, so the deadline{counted} has no date yet."
    return Step("undated", text, data)


def resolve(expr: DeadlineExpr, anchor: Anchor, policy: DatePolicy = DatePolicy()) -> DueDate:
    """Compute the due date of `expr` counted from `anchor`, with the steps that explain it.

    Order of the steps: anchor (or absolute), period or window, notes (clamp, hours), roll,
    recurrence. A written date (`expr.date_ref`) takes the place of the anchor; with no written date
    and an undated anchor the result has no date and an "undated" step.
    """
    steps: list[Step] = []
    if expr.date_ref is not None:
        start, step = _absolute(expr.date_ref, policy)
        steps.append(step)
    elif anchor.date is not None:
        start = anchor.date
        steps.append(_anchor_step(anchor, start))
    else:
        steps.append(_undated_step(expr, anchor))
        steps.extend(_recurrence_steps(expr.recurrence, None))
        return DueDate(None, tuple(steps))

    due = start
    if expr.period is None:
        if expr.window:
            raise ValueError("a window needs a period")
        if expr.date_ref is None:
            text = f"No period is stated; the deadline is the anchor date itself, {start.isoformat()}."
            steps.append(Step("note", text, {"date": start.isoformat()}))
        if policy.roll != RollPolicy.NONE:
            steps.extend(_unrolled_note(due, policy, "a date taken as written is never rolled"))
    else:
        due, shifted = (_window_end if expr.window else _shift)(start, expr.period, policy)
        steps.extend(shifted)
        due, rolled = roll(due, policy)
        if rolled is not None:
            steps.append(rolled)
        elif policy.roll == RollPolicy.NONE:
            steps.extend(_unrolled_note(due, policy, "the roll policy is none"))
    steps.extend(_recurrence_steps(expr.recurrence, due))
    return DueDate(due, tuple(steps))


# --- recurrence -------------------------------------------------------------------------------


def _rrule_parts(rrule: str) -> dict[str, str]:
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
    parts = _rrule_parts(rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = parts["UNTIL"].removesuffix("Z")
    return ";".join(f"{k}={v}" for k, v in parts.items())


def _recurrence_steps(rrule: str | None, first: dt.date | None) -> list[Step]:
    if not rrule:
        return []
    _rule(first or dt.date(2000, 1, 1), rrule)  # fails early on a malformed rule
    parts = _rrule_parts(rrule)
    interval = int(parts.get("INTERVAL", "1"))
    unit = _FREQ_WORDS.get(parts.get("FREQ", ""), parts.get("FREQ", "?").lower())
    every = f"every {unit}" if interval == 1 else f"every {interval} {unit}s"
    text = f"Then {every} after {first.isoformat()}" if first else f"Recurs {every}; no first date is known"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} occurrences in all counting the first"
    if "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        text += f", until {until.isoformat()}"
    return [Step("recurrence", f"{text} (RRULE {rrule}).", {"rrule": rrule})]


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
    parts = _rrule_parts(rrule)
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


# --- corrections, explanations, policies ------------------------------------------------------


def apply_override(due: DueDate, new_date: dt.date, reason: str) -> DueDate:
    """A user's manual correction: the new date, with the earlier steps kept and an "override" step."""
    if not reason.strip():
        raise ValueError("an override needs a reason")
    old = due.date.isoformat() if due.date else None
    text = f"Manually set to {new_date.isoformat()} (was {old or 'undated'}): {reason.strip()}."
    step = Step("override", text, {"from": old, "to": new_date.isoformat(), "reason": reason.strip()})
    return DueDate(new_date, (*due.steps, step))


def explain(due: DueDate) -> list[str]:
    """The explanation as plain sentences, in order."""
    return [step.text for step in due.steps]


def policy_for(
    kind: str, rolls: Mapping[str, str], default: RollPolicy = RollPolicy.NONE, **kw: Any
) -> DatePolicy:
    """The DatePolicy for an instrument kind: `rolls[kind]` if present, else `default`.

    Extra keywords (holiday_country, holiday_subdiv, month_only) go to DatePolicy.
    """
    value = rolls.get(kind, default)
    try:
        policy_roll = RollPolicy(value)
    except ValueError:
        choices = ", ".join(p.value for p in RollPolicy)
        raise ConfigError(f"roll policy for {kind!r} must be one of {choices}, not {value!r}") from None
    policy = DatePolicy(roll=policy_roll, **kw)
    if policy.month_only not in ("first", "last"):
        raise ConfigError(f"month_only must be 'first' or 'last', not {policy.month_only!r}")
    return policy
