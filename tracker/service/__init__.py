"""Use cases (layer 4): the only code that reads the clock, once per call.

`core` holds extraction, ingest and queries; sibling modules add feeds, reminders and the
lifecycle of an obligation. The CLI, web server and scheduler call these and only render.
"""

from tracker.service.core import Detail, Extracted, IngestReport, Tracker, system_clock

__all__ = ["Detail", "Extracted", "IngestReport", "Tracker", "system_clock"]
