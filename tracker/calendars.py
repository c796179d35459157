"""Business-day calendars: holidays of a country (observed dates included), business-day
counting and the weekend/holiday roll of a computed date.

Layer 2: pure. Standard library and the `holidays` package only; no clock, files, DB or network.
Rules (named tests in tests/test_dates.py): a holiday's observed date is itself a holiday; counting
N business days starts the day after (or before) the start; a roll moves only off a non-business day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

import holidays

from tracker.errors import ConfigError
from tracker.model import DatePolicy, RollPolicy, Step

__all__ = [
    "WEEKDAYS",
    "add_business_days",
    "business_days",
    "holiday",
    "is_business_day",
    "roll",
    "why_not_business",
]

_ONE_DAY = dt.timedelta(days=1)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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


def holiday(d: dt.date, policy: DatePolicy) -> str | None:
    return _holiday_names(policy.holiday_country, policy.holiday_subdiv, d.year).get(d)


def is_business_day(d: dt.date, policy: DatePolicy = DatePolicy()) -> bool:
    """Monday to Friday and not a holiday (nor a holiday's observed date) of the policy's calendar."""
    return d.weekday() < 5 and holiday(d, policy) is None


def business_days(start: dt.date, n: int, policy: DatePolicy) -> tuple[dt.date, list[dt.date]]:
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
    return business_days(start, n, policy)[0]


def why_not_business(d: dt.date, policy: DatePolicy) -> str:
    name = holiday(d, policy)
    if d.weekday() >= 5 and name:
        return f"a {WEEKDAYS[d.weekday()]} and a holiday ({name})"
    return f"a {WEEKDAYS[d.weekday()]}" if d.weekday() >= 5 else f"a holiday ({name})"


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
    why = f"{d.isoformat()} is {why_not_business(d, policy)}"
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
