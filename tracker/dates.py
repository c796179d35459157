"""Due-date engine: turns a DeadlineExpr and its Anchor into a DueDate with an explanation.

Layer 2: pure. Standard library, python-dateutil and holidays only; no clock, files, DB or network.
Business days, holidays and rolls live in `tracker.calendars`, recurrences in `tracker.recurrence`;
both are re-exported here, so `from tracker.dates import roll, occurrences, ...` keeps working.

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
from collections.abc import Mapping
from typing import Any

from tracker.calendars import WEEKDAYS as _WEEKDAYS
from tracker.calendars import (
    _holiday_names,  # noqa: F401  (re-exported: tests inspect its cache)
    add_business_days,
    business_days,
    holiday,
    is_business_day,
    roll,
    why_not_business,
)
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
from tracker.recurrence import occurrences, recurrence_steps

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
_FISCAL_QUARTER_END = {1: (-1, 12, 31), 2: (0, 3, 31), 3: (0, 6, 30), 4: (0, 9, 30)}


# --- period arithmetic ------------------------------------------------------------------------


def _describe_period(period: Period) -> str:
    n = abs(period.amount)
    word = _UNIT_WORDS[period.unit]
    return f"{n} {word[:-1] if n == 1 else word}"


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _add_months(start: dt.date, n: int) -> dt.date:
    """`start + relativedelta(months=n)` without building the relativedelta: the same month shift and
    month-end clamp, and the same ValueError when the year leaves 1..9999."""
    year, month0 = divmod(start.year * 12 + start.month - 1 + n, 12)
    return start.replace(year=year, month=month0 + 1, day=min(start.day, _month_days(year, month0 + 1)))


def _month_days(year: int, month: int) -> int:
    """The number of days in a month (`calendar.monthrange(year, month)[1]`)."""
    leap = month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return _MONTH_DAYS[month - 1] + leap


def _shift(start: dt.date, period: Period, policy: DatePolicy) -> tuple[dt.date, list[Step]]:
    """`start` + `period`, with the "period" step and any clamp or skipped-holiday notes."""
    n, unit = period.amount, period.unit
    notes: list[Step] = []
    skipped: list[dt.date] = []
    try:
        if unit == Unit.BUSINESS_DAYS:
            end, skipped = business_days(start, n, policy)
        elif unit in (Unit.MONTHS, Unit.YEARS):
            end = _add_months(start, n if unit == Unit.MONTHS else 12 * n)
        elif unit == Unit.HOURS:
            end = start + dt.timedelta(days=n // 24)
        else:
            end = start + dt.timedelta(days=n * 7 if unit == Unit.WEEKS else n)
    except (OverflowError, ValueError) as exc:
        raise ValueError(
            f"{start.isoformat()} {'+-'[n < 0]} {_describe_period(period)} is out of range"
        ) from exc
    sign = "-" if n < 0 else "+"
    start_iso, end_iso = start.isoformat(), end.isoformat()
    text = f"{start_iso} {sign} {_describe_period(period)} = {end_iso}"
    data: dict[str, Any] = {
        "from": start_iso,
        "to": end_iso,
        "amount": n,
        "unit": str(unit),
        "iso": period.iso(),
    }
    if unit == Unit.BUSINESS_DAYS:
        text += f" (skipping Saturdays, Sundays and {policy.holiday_country} holidays)"
        if skipped:
            names = ", ".join(f"{d.isoformat()} {holiday(d, policy)}" for d in skipped)
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
        last = first.replace(day=_month_days(ref.year, month))  # `first + relativedelta(day=31)`
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
        begin = _add_months(d, -2).replace(day=1)  # `(d - relativedelta(months=2)).replace(day=1)`
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
    why = f"{d.isoformat()} is {why_not_business(d, policy)}"
    text = f"{why}; not rolled ({reason})."
    return [Step("note", text, {"date": d.isoformat(), "policy": str(policy.roll), "reason": why})]


# --- resolution -------------------------------------------------------------------------------


def _anchor_step(anchor: Anchor, date: dt.date) -> Step:
    what = anchor.text or f"the {anchor.kind} date"
    iso = date.isoformat()
    text = f"Anchor: {what} ({anchor.kind}), {iso}"
    if anchor.source:
        text += f", from {anchor.source}"
    data = {"anchor_kind": str(anchor.kind), "date": iso, "anchor_text": anchor.text, "source": anchor.source}
    return Step("anchor", text + ".", data)


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
        steps.extend(recurrence_steps(expr.recurrence, None))
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
    steps.extend(recurrence_steps(expr.recurrence, due))
    return DueDate(due, tuple(steps))


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
