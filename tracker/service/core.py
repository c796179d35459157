"""Core use cases: extract, ingest, list, show, feed, the date calculator.

Layer 4: composes config, store, sources and the pure layers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker import dates, merge
from tracker.config import Settings
from tracker.errors import BadInput, TrackerError
from tracker.model import Anchor, AnchorKind, DatePolicy, Document, DueDate, Obligation, Tracked
from tracker.serialize import expr_to_dict, iso, period_iso, steps_to_list
from tracker.store import db
from tracker.store.repository import Filters, Repository, to_tracked
from tracker.store.tables import AuditEventRow, ObligationRow, utcnow

Clock = Callable[[], dt.datetime]
FEEDS_CHANGED = "feeds_changed_at"


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Extracted:
    source: str
    document: Document
    obligations: list[Obligation]


@dataclass
class IngestReport:
    files: int = 0
    documents_new: int = 0
    documents_unchanged: int = 0
    obligations_new: int = 0
    obligations_updated: int = 0
    mentions_new: int = 0
    errors: list[TrackerError] = field(default_factory=list)
    per_file: list[tuple[str, str, int]] = field(default_factory=list)  # (source, outcome, obligations)


@dataclass(frozen=True, slots=True)
class Detail:
    obligation: Tracked
    history: list[AuditEventRow]


class Tracker:
    """One configured tracker: settings, a database and a clock."""

    def __init__(self, settings: Settings, *, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.clock = clock
        self._engine: Engine | None = None

    # infrastructure -------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            engine = db.make_engine(self.settings.database_url)
            db.ensure_schema(engine)
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

    def extract(
        self, paths: Sequence[str], *, issued: dt.date | None = None
    ) -> Iterator[Extracted | TrackerError]:
        """Parse only; yields each document's obligations, or the error that stopped that file."""
        from tracker import sources
        from tracker.extract import extract

        for given in sources.expand(list(paths)):
            try:
                doc, _ = self.read(given, issued=issued)
                yield Extracted(given, doc, extract(doc, self.policy(doc.kind)))
            except BadInput as exc:
                yield exc
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
        from tracker.extract import extract

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
                groups = merge.group(extract(doc, self.policy(doc.kind)))
                with self.repo() as repo:
                    self._store(repo, doc, sha, groups, tags, now, report, given)
            except TrackerError as exc:
                report.errors.append(exc)
                report.per_file.append((given, "error", 0))
            finally:
                if progress:
                    progress(given)
        return report

    def _store(
        self,
        repo: Repository,
        doc: Document,
        sha: str,
        groups: list[merge.Group],
        tags: Sequence[str],
        now: dt.datetime,
        report: IngestReport,
        given: str,
    ) -> None:
        row, created = repo.add_document(
            {
                "sha256": sha,
                "source": doc.source,
                "kind": doc.kind,
                "title": doc.title,
                "instrument": doc.instrument,
                "issued": doc.issued,
                "published": doc.published,
                "enacted": doc.enacted,
                "effective": doc.effective,
                "url": doc.url,
                "size": len(doc.text),
                "fetched_at": now,
            }
        )
        if created:
            report.documents_new += 1
        else:
            report.documents_unchanged += 1
        primary = merge.is_primary(doc.kind)
        who = self.settings.user
        for g in groups:
            ob = g.obligation
            values = _obligation_values(g.id, ob, doc.kind, tags, now)
            if repo.add_obligation(values):
                report.obligations_new += 1
                repo.audit(
                    "ingest",
                    who,
                    obligation_id=g.id,
                    document_id=row.id,
                    field="due_date",
                    new=iso(ob.due.date),
                    reason=f"found in {doc.source}",
                    at=now,
                )
            else:
                existing = repo.obligation(g.id)
                assert existing is not None
                if self._merge_into(repo, existing, ob, primary, tags, now, row.id):
                    report.obligations_updated += 1
            for m in g.mentions:
                if repo.add_mention(
                    {
                        "obligation_id": g.id,
                        "document_id": row.id,
                        "quote": m.quote,
                        "start": m.span.start,
                        "end": m.span.end,
                        "role": "primary" if primary else "secondary",
                        "deadline_text": m.deadline.text,
                        "due_date": m.due.date,
                        "anchor_date": m.anchor.date,
                        "confidence": m.confidence,
                    }
                ):
                    report.mentions_new += 1
        if report.obligations_new or report.obligations_updated:
            self.touch_feeds(repo, now)
        report.per_file.append((given, "new" if created else "unchanged", len(groups)))

    def _merge_into(
        self,
        repo: Repository,
        row: ObligationRow,
        ob: Obligation,
        primary: bool,
        tags: Sequence[str],
        now: dt.datetime,
        document_id: int | None,
    ) -> bool:
        changed = False
        who = self.settings.user
        new_tags = sorted(set(json.loads(row.tags or "[]")) | set(tags))
        if new_tags != json.loads(row.tags or "[]"):
            repo.audit(
                "tag", who, obligation_id=row.id, field="tags", old=row.tags, new=json.dumps(new_tags), at=now
            )
            row.tags = json.dumps(new_tags)
            changed = True
        # A primary text corrects what a report said; a report never overrides the instrument.
        had_primary = any(m.role == "primary" for m, _ in repo.mentions([row.id])[row.id])
        if primary and not had_primary and row.computed_due != ob.due.date:
            old = row.due_date
            for key, value in _obligation_values(row.id, ob, row.kind, (), now).items():
                if key not in (
                    "id",
                    "tags",
                    "created_at",
                    "status",
                    "sequence",
                    "override_due",
                    "override_reason",
                ):
                    setattr(row, key, value)
            row.due_date = row.override_due or ob.due.date
            if row.due_date != old:
                row.sequence += 1
            repo.audit(
                "merge",
                who,
                obligation_id=row.id,
                document_id=document_id,
                field="due_date",
                old=iso(old),
                new=iso(row.due_date),
                reason="primary text replaces a secondary report",
                at=now,
            )
            changed = True
        if changed:
            row.updated_at = now
            repo.session.add(row)
        return changed

    @staticmethod
    def touch_feeds(repo: Repository, now: dt.datetime) -> None:
        """Move the feeds' Last-Modified forward; it never goes backwards, deletions included."""
        current = repo.get_state(FEEDS_CHANGED)
        if current is None or dt.datetime.fromisoformat(current) < now:
            repo.set_state(FEEDS_CHANGED, now.isoformat())

    # queries --------------------------------------------------------------------------------
    def list(self, filters: Filters) -> list[Tracked]:
        with self.repo() as repo:
            rows = repo.query(filters)
            mentions = repo.mentions(r.id for r in rows)
            return [to_tracked(r, mentions[r.id]) for r in rows]

    def show(self, oid: str) -> Detail:
        with self.repo() as repo:
            row = repo.resolve_id(oid)
            return Detail(to_tracked(row, repo.mentions([row.id])[row.id]), repo.history(row.id))

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
        return expr, dates.resolve(expr, anchor, base)

    # calendar -------------------------------------------------------------------------------
    def feed(self, filters: Filters, *, todo: bool = False, name: str | None = None) -> bytes:
        from tracker import feeds

        items = self.list(dataclasses.replace(filters, dated_only=True))
        with self.repo() as repo:
            changed = repo.get_state(FEEDS_CHANGED)
        stamp = dt.datetime.fromisoformat(changed) if changed else None
        return feeds.render(items, self._feed_options(name), todo=todo, stamp=stamp)

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


def _obligation_values(
    oid: str, ob: Obligation, kind: str, tags: Sequence[str], now: dt.datetime
) -> dict[str, Any]:
    return {
        "id": oid,
        "instrument": ob.instrument,
        "kind": kind,
        "actor": ob.actor,
        "action": ob.action,
        "deadline_text": ob.deadline.text,
        "modal": ob.modal,
        "anchor_kind": ob.anchor.kind.value,
        "anchor_date": ob.anchor.date,
        "anchor_text": ob.anchor.text,
        "anchor_source": ob.anchor.source,
        "period": period_iso(ob.deadline),
        "expr": json.dumps(expr_to_dict(ob.deadline)),
        "computed_due": ob.due.date,
        "due_date": ob.due.date,
        "recurrence": ob.deadline.recurrence,
        "status": "open",
        "confidence": round(ob.confidence, 3),
        "flags": json.dumps(list(ob.flags)),
        "tags": json.dumps(sorted(set(tags))),
        "explanation": json.dumps(steps_to_list(ob.due)),
        "sequence": 0,
        "created_at": now,
        "updated_at": now,
    }


def utc_now() -> dt.datetime:
    return utcnow()
