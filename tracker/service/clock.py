"""The clock of the use cases: the system's, or one fixed by the environment.

Layer 4, standard library only (the lean listing reads it without loading the store). The clock
is read once per call: `system_clock`, unless the environment fixes it: TRACKER_NOW (an ISO 8601
instant, UTC when it has no offset) or TRACKER_TODAY (a date, taken at 12:00 UTC). Both are read
only by `clock_from_env`; they make output reproducible (the golden tests use them) and are not
configuration.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping

from tracker.errors import ConfigError

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def clock_from_env(environ: Mapping[str, str] | None = None) -> Clock:
    """The system clock, or a fixed one from TRACKER_NOW / TRACKER_TODAY (see the module docstring)."""
    env = os.environ if environ is None else environ
    now, today = env.get("TRACKER_NOW"), env.get("TRACKER_TODAY")
    try:
        if now:
            fixed = dt.datetime.fromisoformat(now)
            fixed = fixed.replace(tzinfo=dt.UTC) if fixed.tzinfo is None else fixed.astimezone(dt.UTC)
        elif today:
            fixed = dt.datetime.combine(dt.date.fromisoformat(today), dt.time(12), dt.UTC)
        else:
            return system_clock
    except ValueError:
        raise ConfigError(
            f"not an ISO 8601 date or time: {now or today!r}", where="TRACKER_NOW/TRACKER_TODAY"
        ) from None
    return lambda: fixed
