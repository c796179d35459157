"""Core use cases: extract, ingest (merge, amendments, chains), list, show, stats, the date calculator.

Layer 4: composes config, store, sources and the pure layers. Lifecycle changes are in
`lifecycle.py` (mixed in). The clock is read once per call: `system_clock`, unless the environment
fixes it: TRACKER_NOW (an ISO 8601 instant, UTC when it has no offset) or TRACKER_TODAY (a date,
taken at 12:00 UTC). Both are read only by `clock_from_env`, when a Tracker is built without a
clock; they make output reproducible (the golden tests use them) and are not configuration.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import merge
from tracker.config import Settings
from tracker.errors import BadInput, DatabaseError, TrackerError
from tracker.model import (
    Anchor,
    AnchorKind,
    DatePolicy,
    Document,
    DueDate,
    Obligation,
    Status,
    Tracked,
)
from tracker.service.clock import Clock, clock_from_env
from tracker.service.merging import IngestReport, Merging
from tracker.store import db
from tracker.store.filters import relative
from tracker.store.repository import Filters, Repository, to_tracked
from tracker.store.tables import AuditEventRow, utcnow

Extractor = Callable[[Document, DatePolicy], list[Obligation]]
FEEDS_CHANGED = "feeds_changed_at"


@dataclass(frozen=True, slots=True)
class Extracted:
    source: str
    document: Document
    obligations: list[Obligation]


@dataclass(frozen=True, slots=True)
class Detail:
    obligation: Tracked
    history: list[AuditEventRow]
    completed_on: dt.date | None = None
    anchor_ref: str | None = None  # the duty whose completion this one counts from
    dependents: tuple[str, ...] = ()  # duties that count from this one's completion
    documents: Mapping[int, str] = field(default_factory=dict)  # audit document ids → source


@dataclass(frozen=True, slots=True)
class Stats:
    total: int
    by_status: dict[str, int]
    by_actor: dict[str, int]  # open duties
    by_instrument: dict[str, int]  # open duties
    by_month: dict[str, int]  # open duties by due month ("undated" last)
    overdue: int
    awaiting: int  # open and undated: waiting for the event they count from


class Tracker(Merging):
    """One configured tracker: settings, a database and a clock."""

    def __init__(
        self, settings: Settings, *, clock: Clock | None = None, extractor: Extractor | None = None
    ) -> None:
        self.settings = settings
        self.clock = clock or clock_from_env()
        self._extractor = extractor
        self._engine: Engine | None = None

    # infrastructure -------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = db.make_engine(self.settings.database_url)
            try:
                db.ensure_schema(engine)
            except TrackerError:
                # Two processes creating one database race; the loser finds it made by the winner.
                with db.db_errors(engine):
                    if db.current_revision(engine) != db.head_revision():
                        raise
            self._engine = engine
        return self._engine

    @contextlib.contextmanager
    def repo(self) -> Iterator[Repository]:
        with db.db_errors(self.engine), Session(self.engine, expire_on_commit=False) as session:
            yield Repository(session)
            session.commit()

    def upgrade(self) -> str:
        engine = db.make_engine(self.settings.database_url)
        db.upgrade(engine)
        self._engine = engine
        return db.head_revision()

    def close(self) -> None:
        """Release the database connections (a long-lived process never needs to)."""
        if self._engine is not None:
            self._engine.dispose()

    def today(self) -> dt.date:
        return self.clock().date()

    def policy(self, kind: str | None) -> DatePolicy:
        return self.settings.dates.policy_for(kind)

    # extraction -----------------------------------------------------------------------------
    def read(self, given: str, *, issued: dt.date | None = None) -> tuple[Document, bytes]:
        from tracker import sources
        from tracker.extract import readers

        loaded = sources.load(given)
        doc = readers.read(loaded.source, loaded.data, sidecar=loaded.sidecar)
        if loaded.url and not doc.url:
            doc = dataclasses.replace(doc, url=loaded.url)
        if issued is not None:
            doc = dataclasses.replace(doc, issued=issued)
        digest = hashlib.sha256(loaded.data)
        if loaded.sidecar:
            digest.update(b"\0" + loaded.sidecar)
        return doc, digest.digest()

    def _extract(self, doc: Document) -> list[Obligation]:
        if self._extractor is not None:
            return self._extractor(doc, self.policy(doc.kind))
        from tracker.extract import extract

        return extract(doc, self.policy(doc.kind))

    def extract(
        self, paths: Sequence[str], *, issued: dt.date | None = None
    ) -> Iterator[Extracted | TrackerError]:
        """Parse only; yields each document's obligations, or the error that stopped that file."""
        from tracker import sources

        for given in sources.expand(list(paths)):
            try:
                doc, _ = self.read(given, issued=issued)
                yield Extracted(given, doc, self._extract(doc))
            except TrackerError as exc:
                yield exc

    # ingest ---------------------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[str],
        *,
        tags: Sequence[str] = (),
        issued: dt.date | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> IngestReport:
        from tracker import sources

        report = IngestReport()
        now = self.clock()
        for given in sources.expand(list(paths)):
            report.files += 1
            try:
                doc, digest = self.read(given, issued=issued)
                sha = digest.hex()
                with self.repo() as repo:
                    if repo.document_by_sha(sha) is not None and not tags:
                        report.documents_unchanged += 1
                        report.per_file.append((given, "unchanged", 0))
                        continue
                groups = merge.group(self._extract(doc), loose=not merge.is_primary(doc.kind))
                with self.repo() as repo:
                    self.store_document(repo, doc, sha, groups, tags, now, report, given)
            except (
                DatabaseError
            ) as exc:  # the store is gone or locked: the rest of the batch would fail alike
                report.errors.append(exc)
                report.per_file.append((given, "error", 0))
                break
            except TrackerError as exc:
                report.errors.append(exc)
                report.per_file.append((given, "error", 0))
            finally:
                if progress:
                    progress(given)
        return report

    @staticmethod
    def touch_feeds(repo: Repository, now: dt.datetime) -> None:
        """Move the feeds' Last-Modified forward; it never goes backwards, deletions included."""
        current = repo.get_state(FEEDS_CHANGED)
        if current is None or dt.datetime.fromisoformat(current) < now:
            repo.set_state(FEEDS_CHANGED, now.isoformat())

    # queries --------------------------------------------------------------------------------
    def list(
        self,
        filters: Filters,
        *,
        overdue: bool = False,
        within_days: int | None = None,
        mentions: bool = True,
        explain: bool = True,
    ) -> list[Tracked]:
        """Duties matching `filters`; `overdue`: due before today; `within_days`: due in the next N days.

        `mentions`/`explain` False leave out source quotes and explanations (listings need neither).
        """
        if overdue or within_days is not None:
            filters = relative(filters, self.today(), overdue, within_days)
        with self.repo() as repo:
            return repo.tracked(filters, mentions=mentions, explain=explain)

    def show(self, oid: str) -> Detail:
        with self.repo() as repo:
            row = repo.resolve_id(oid)
            history = repo.history(row.id)
            sources = repo.document_sources(h.document_id for h in history)
            return Detail(
                to_tracked(row, repo.mentions([row.id])[row.id]),
                history,
                completed_on=row.completed_on,
                anchor_ref=row.anchor_ref,
                dependents=tuple(d.id for d in repo.dependents(row.id)),
                documents=sources,
            )

    def stats(self) -> Stats:
        today = self.today()
        with self.repo() as repo:
            rows = repo.query(Filters())
        open_ = [r for r in rows if r.status == Status.OPEN.value]
        months = Counter(r.due_date.strftime("%Y-%m") if r.due_date else "undated" for r in open_)
        return Stats(
            total=len(rows),
            by_status={s.value: sum(r.status == s.value for r in rows) for s in Status},
            by_actor=dict(Counter(r.actor for r in open_).most_common()),
            by_instrument=dict(Counter(r.instrument or "unknown" for r in open_).most_common()),
            by_month=dict(sorted(months.items(), key=lambda kv: (kv[0] == "undated", kv[0]))),
            overdue=sum(1 for r in open_ if r.due_date and r.due_date < today),
            awaiting=sum(1 for r in open_ if r.due_date is None),
        )

    def due(self, phrase: str, start: dt.date, policy: str | None = None) -> tuple[Any, DueDate]:
        from tracker.extract import parse_phrase
        from tracker.model import RollPolicy

        expr = parse_phrase(phrase)
        if expr is None:
            raise BadInput("cannot read this deadline phrase", where=phrase)
        base = self.settings.dates.policy_for(None)
        if policy:
            try:
                base = dataclasses.replace(base, roll=RollPolicy(policy))
            except ValueError:
                choices = ", ".join(p.value for p in RollPolicy)
                raise BadInput(f"unknown roll policy (choose {choices})", where=policy) from None
        anchor = Anchor(AnchorKind.ABSOLUTE, start, "--from", f"given with --from {start.isoformat()}")
        from tracker import dates  # holiday calendars load only when a date is computed

        try:
            return expr, dates.resolve(expr, anchor, base)
        except ValueError as exc:  # a period that runs off the calendar (past year 9999)
            raise BadInput(f"cannot compute a date: {exc}", where=phrase) from None

    # calendar -------------------------------------------------------------------------------
    def feed(self, filters: Filters, *, todo: bool = False, name: str | None = None) -> bytes:
        from tracker.service import feeds

        return feeds.build(self, filters, todo=todo, name=name).body

    def _feed_options(self, name: str | None) -> Any:
        from tracker import feeds

        f = self.settings.feeds
        return feeds.FeedOptions(
            name=name or f.name,
            description=f.description,
            uid_domain=f.uid_domain,
            refresh_minutes=f.refresh_interval,
            alarm_days=tuple(self.settings.reminders.lead_days) if f.alarms else (),
        )


def utc_now() -> dt.datetime:
    return utcnow()
