"""The daemon behind `tracker run`: APScheduler 3.x with its job store on the tracker's database.

Layer 5 (entry point): calls the service; never imports tracker.cli or tracker.web. Job functions
are module-level and take plain arguments (database URL, config path), because the job store
pickles a reference to the function and its arguments, not the function.

Jobs have fixed ids and are re-added with replace_existing=True at every start, coalesce=True,
max_instances=1 and misfire_grace_time from scheduler.misfire_grace_time (APScheduler's default
of 1 s would silently drop a run that starts late). A restart keeps a job's stored next run time
when its trigger is unchanged, so a run missed while the daemon was down still happens within
the grace time instead of being replaced by the next one. Interval jobs count from a fixed
origin, so restarting often never postpones them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import logging
import signal
import threading
from collections.abc import Iterator
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker import config
from tracker.config import Settings
from tracker.errors import TrackerError
from tracker.service import Tracker
from tracker.service import reminders as reminders_service
from tracker.service import sources as sources_service
from tracker.store import db

log = logging.getLogger("tracker.scheduler")

SEND_REMINDERS = "send_reminders"
POLL_SOURCES = "poll_sources"
REFRESH_FEEDS = "refresh_feeds"
JOB_IDS = (SEND_REMINDERS, POLL_SOURCES, REFRESH_FEEDS)
JOBS_TABLE = "apscheduler_jobs"
#: Interval jobs fire at ORIGIN + k * interval, whenever the daemon was started.
ORIGIN = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

# A database password never goes into the job table: jobs store the URL with the password masked
# and this process maps it back to the real one.
_REAL_URLS: dict[str, str] = {}


def _stored_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.password:
        return url
    masked = parsed.render_as_string(hide_password=True)
    _REAL_URLS[masked] = url
    return masked


@contextlib.contextmanager
def _tracker(database_url: str | None, config_path: str | None) -> Iterator[Tracker]:
    """A tracker for one job run, its connections closed afterwards (jobs run rarely; an idle pool
    between runs would only hold connections open)."""
    url = _REAL_URLS.get(database_url, database_url) if database_url else None
    tracker = Tracker(config.load(config_path, database_url=url))
    try:
        yield tracker
    finally:
        tracker.close()


# --- jobs (module-level, plain arguments) ---------------------------------------------------


def send_reminders(database_url: str | None, config_path: str | None, today: str | None = None) -> None:
    """One reminder sweep; `today` (YYYY-MM-DD) pins the day, as `tracker remind --today` does."""
    try:
        day = dt.date.fromisoformat(today) if today else None
        with _tracker(database_url, config_path) as tracker:
            report = reminders_service.sweep(tracker, today=day)
    except TrackerError as exc:
        log.error("%s: %s", SEND_REMINDERS, exc)
        return
    log.info(
        "%s: %s: %d sent, %d failed, %d taken by another sweep",
        SEND_REMINDERS,
        report.today.isoformat(),
        report.count("sent"),
        report.count("failed"),
        report.count("taken"),
    )
    if report.error is not None:
        log.warning("%s: %s", SEND_REMINDERS, report.error)


def poll_sources(database_url: str | None, config_path: str | None) -> None:
    try:
        with _tracker(database_url, config_path) as tracker:
            report = sources_service.poll(tracker)
    except TrackerError as exc:
        log.error("%s: %s", POLL_SOURCES, exc)
        return
    new = sum(r.documents_new for r in report.results)
    log.info("%s: %d source(s), %d new document(s)", POLL_SOURCES, len(report.results), new)
    for r in report.failed:
        log.warning("%s: %s: %s", POLL_SOURCES, r.location, r.error)


def refresh_feeds(database_url: str | None, config_path: str | None) -> None:
    """Write the static feeds to feeds.export_dir, when it is set."""
    try:
        with _tracker(database_url, config_path) as tracker:
            directory = tracker.settings.feeds.export_dir
            if not directory:
                log.debug("%s: feeds.export_dir is not set; nothing to do", REFRESH_FEEDS)
                return
            export = _export_feeds()
            if export is None:
                log.warning(
                    "%s: no feed export in this version (service.feeds.export_feeds); %s not refreshed",
                    REFRESH_FEEDS,
                    directory,
                )
                return
            export(tracker, directory)
    except TrackerError as exc:
        log.error("%s: %s", REFRESH_FEEDS, exc)
        return
    log.info("%s: feeds written to %s", REFRESH_FEEDS, directory)


def _export_feeds() -> Any:
    # The feed export is another feature's; until it ships, this job only says so.
    try:
        module = importlib.import_module("tracker.service.feeds")
    except ModuleNotFoundError as exc:
        if exc.name != "tracker.service.feeds":
            raise
        return None
    return getattr(module, "export_feeds", None)


# --- the scheduler --------------------------------------------------------------------------


class _Scheduler(BackgroundScheduler):
    """APScheduler 3.11 processes due jobs once more after `shutdown()` has stopped the executors:
    that round fails ("cannot schedule new futures after shutdown") and moves each due job's next
    run time past the run it missed. Skipping the round keeps the missed run for the next start."""

    def _process_jobs(self) -> float | None:
        if self.state == STATE_STOPPED:
            return None
        return super()._process_jobs()  # type: ignore[no-any-return]


def _triggers(settings: Settings) -> dict[str, Any]:
    tz = reminders_service.zone(settings)
    hh, mm = (int(x) for x in settings.scheduler.reminder_time.split(":"))
    return {
        SEND_REMINDERS: CronTrigger(hour=hh, minute=mm, timezone=tz),
        POLL_SOURCES: IntervalTrigger(
            minutes=settings.scheduler.poll_interval, start_date=ORIGIN, timezone=tz
        ),
        REFRESH_FEEDS: IntervalTrigger(
            minutes=settings.feeds.refresh_interval, start_date=ORIGIN, timezone=tz
        ),
    }


def _on_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning(
            "job %s missed its run at %s (later than misfire_grace_time)",
            event.job_id,
            event.scheduled_run_time,
        )
    elif event.code == EVENT_JOB_ERROR:
        log.error("job %s failed: %s: %s", event.job_id, type(event.exception).__name__, event.exception)
    else:
        log.info("job %s ran (scheduled %s)", event.job_id, event.scheduled_run_time)


def start(settings: Settings, config_path: str | None = None, *, paused: bool = False) -> BackgroundScheduler:
    """A running scheduler with the three jobs in the job store (paused: jobs stored, none run)."""
    url = db.normalize_url(settings.database_url or db.default_url())
    engine = db.make_engine(url)
    tz = reminders_service.zone(settings)
    grace = settings.scheduler.misfire_grace_time
    scheduler = _Scheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(max_workers=len(JOB_IDS))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": grace},
        timezone=tz,
    )
    scheduler.add_listener(_on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.start(paused=True)  # job stores open; nothing runs until resume()
    args = [_stored_url(url), config_path]
    functions = {SEND_REMINDERS: send_reminders, POLL_SOURCES: poll_sources, REFRESH_FEEDS: refresh_feeds}
    for job_id, trigger in _triggers(settings).items():
        extra: dict[str, Any] = {}
        stored = _lookup(scheduler, job_id)
        if stored is not None and repr(stored.trigger) == repr(trigger) and stored.next_run_time is not None:
            extra["next_run_time"] = stored.next_run_time  # keep a run that is due (or overdue)
        scheduler.add_job(
            f"{__name__}:{functions[job_id].__name__}",
            trigger,
            args=args,
            id=job_id,
            name=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=grace,
            **extra,
        )
    if not paused:
        scheduler.resume()
    return scheduler


def _lookup(scheduler: BackgroundScheduler, job_id: str) -> Any:
    try:
        return scheduler.get_job(job_id)
    except Exception as exc:  # a job pickled by an incompatible version: it is replaced below
        log.warning("job %s in the job store cannot be read (%s); replacing it", job_id, exc)
        return None


def run(settings: Settings, config_path: str | None = None, *, stop: threading.Event | None = None) -> None:
    """Run until SIGINT or SIGTERM (or `stop` is set); running jobs finish before it returns."""
    stop = stop or threading.Event()
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def _stop(signum: int, _frame: Any) -> None:
            log.info("received %s; stopping after running jobs finish", signal.Signals(signum).name)
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, _stop)
    scheduler: BackgroundScheduler | None = None
    try:
        scheduler = start(settings, config_path)
        for job in scheduler.get_jobs():
            log.info("job %s: next run %s", job.id, job.next_run_time)
        log.info("scheduler started")
        while not stop.wait(1.0):
            pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=True)
            log.info("scheduler stopped")
        for sig, handler in previous.items():
            signal.signal(sig, handler)
