"""Use cases (layer 4): the only code that reads the clock, once per call.

`core` holds extraction, ingest and queries; sibling modules add feeds, reminders and the
lifecycle of an obligation. The CLI, web server and scheduler call these and only render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.service.clock import system_clock
    from tracker.service.core import Detail, Extracted, IngestReport, Tracker

__all__ = ["Detail", "Extracted", "IngestReport", "Tracker", "system_clock"]


def __getattr__(name: str) -> Any:
    """Loaded on first use, so `tracker.service.listing` and `.clock` come without the store's ORM."""
    if name == "system_clock":
        from tracker.service.clock import system_clock

        return system_clock
    if name in __all__:
        from tracker.service import core

        return getattr(core, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
