"""Use cases of polling sources: add, list, poll; and ingesting documents already fetched.

Layer 4. Reads the clock once per call. One source failing (unreachable, garbage) is recorded in
its `last_error` and reported; the other sources are still polled and ingested.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col, select

from tracker import sources
from tracker.errors import BadInput, TrackerError, UsageError
from tracker.model import Document
from tracker.service.core import IngestReport, Tracker
from tracker.store.repository import insert_ignore
from tracker.store.tables import DocumentRow, SourceRow

#: Seconds an HTTP source may take to answer.
HTTP_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: int
    location: str
    kind: str
    last_polled_at: dt.datetime | None
    last_error: str | None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceResult:
    """One source's poll: `outcome` is unchanged (HTTP 304), polled, or error."""

    location: str
    kind: str
    outcome: str
    documents_new: int = 0
    obligations_new: int = 0
    obligations_updated: int = 0
    errors: list[TrackerError] = field(default_factory=list)

    @property
    def error(self) -> str | None:
        if not self.errors:
            return None
        first = _one_line(self.errors[0], self.location)
        return first if len(self.errors) == 1 else f"{first} (and {len(self.errors) - 1} more)"


@dataclass
class PollReport:
    results: list[SourceResult] = field(default_factory=list)

    @property
    def failed(self) -> list[SourceResult]:
        return [r for r in self.results if r.errors]

    @property
    def exit_code(self) -> int:
        return max((e.exit_code for r in self.results for e in r.errors), default=0)


def _one_line(exc: TrackerError, location: str) -> str:
    text = exc.message if exc.where in (None, location) else str(exc)
    return " ".join(text.split())


def _info(row: SourceRow) -> SourceInfo:
    assert row.id is not None
    return SourceInfo(
        row.id, row.location, row.kind, row.last_polled_at, row.last_error, row.etag, row.last_modified
    )


def add(tracker: Tracker, location: str, *, kind: str | None = None) -> tuple[SourceInfo, bool]:
    """Register a source; True when it is new. Paths are stored absolute so the daemon finds
    them from any working directory. Without `kind`, a URL that does not name its kind is fetched
    once to see what it is."""
    if kind is not None and kind not in sources.SOURCE_KINDS:
        raise UsageError(f"unknown source kind (choose {', '.join(sources.SOURCE_KINDS)})", where=kind)
    if not sources.is_url(location):
        path = Path(location).expanduser()
        if not path.exists():
            raise BadInput("no such file or folder", where=location)
        location = str(path.resolve())
        if kind in ("url", "feed", "federal_register"):
            raise UsageError(f"a path cannot be a {kind} source", where=location)
    found = kind or sources.detect_kind(location)
    with tracker.repo() as repo:
        created = insert_ignore(
            repo.session,
            SourceRow,
            {"location": location, "kind": found, "created_at": tracker.clock()},
            ["location"],
        )
        row = repo.session.exec(select(SourceRow).where(SourceRow.location == location)).one()
        return _info(row), created


def list_sources(tracker: Tracker) -> list[SourceInfo]:
    with tracker.repo() as repo:
        rows = repo.session.exec(select(SourceRow).order_by(col(SourceRow.id))).all()
        return [_info(r) for r in rows]


def poll(tracker: Tracker, *, progress: Callable[[SourceInfo], None] | None = None) -> PollReport:
    """Poll every source once: HTTP sources conditionally (304 costs nothing), files and folders
    through the ordinary ingest (unchanged files are recognised by their hash)."""
    now = tracker.clock()
    report = PollReport()
    with sources.Fetcher(timeout=HTTP_TIMEOUT) as fetcher:
        for src in list_sources(tracker):
            result, validators = _poll_one(tracker, fetcher, src)
            report.results.append(result)
            values: dict[str, object] = {"last_polled_at": now, "last_error": result.error}
            if validators is not None:
                values["etag"], values["last_modified"] = validators
            with tracker.repo() as repo:
                repo.session.execute(sa.update(SourceRow).where(col(SourceRow.id) == src.id).values(**values))
            if progress:
                progress(src)
    return report


Validators = tuple[str | None, str | None]  # (ETag, Last-Modified) to send next time


def _poll_one(
    tracker: Tracker, fetcher: sources.Fetcher, src: SourceInfo
) -> tuple[SourceResult, Validators | None]:
    result = SourceResult(src.location, src.kind, "polled")
    validators: Validators | None = None
    try:
        if src.kind in ("file", "folder"):
            ingest = tracker.ingest([src.location])
        else:
            polled = sources.poll(
                fetcher,
                src.kind,
                src.location,
                etag=src.etag,
                last_modified=src.last_modified,
                known=lambda s: _known(tracker, s),
            )
            if polled.not_modified:
                result.outcome = "unchanged"
                return result, None
            result.errors += polled.errors
            ingest = ingest_fetched(tracker, polled.documents)
            # Keep the validators only when everything arrived, so a partial failure is retried.
            if not polled.errors and not ingest.errors:
                validators = (polled.etag, polled.last_modified)
    except TrackerError as exc:
        result.outcome = "error"
        result.errors.append(exc)
        return result, None
    result.errors += ingest.errors
    result.documents_new = ingest.documents_new
    result.obligations_new = ingest.obligations_new
    result.obligations_updated = ingest.obligations_updated
    return result, validators


def _known(tracker: Tracker, source: str) -> bool:
    with tracker.repo() as repo:
        q = select(DocumentRow.id).where(DocumentRow.source == source).limit(1)
        return repo.session.exec(q).first() is not None


# --- ingesting bytes already fetched ----------------------------------------------------------


class _Fetched(Tracker):
    """The same tracker, reading the named documents from bytes in memory instead of `load`."""

    def __init__(self, base: Tracker, documents: Sequence[sources.Loaded]) -> None:
        super().__init__(base.settings, clock=base.clock, extractor=base._extractor)
        self._engine = base.engine  # the same connections
        self._documents = {d.source: d for d in documents}

    def read(self, given: str, *, issued: dt.date | None = None) -> tuple[Document, bytes]:
        loaded = self._documents.get(given)
        if loaded is None:
            return super().read(given, issued=issued)
        from tracker.extract import readers

        doc = readers.read(loaded.source, loaded.data, sidecar=loaded.sidecar, fmt=loaded.fmt)
        if loaded.url and not doc.url:
            doc = dataclasses.replace(doc, url=loaded.url)
        if issued is not None:
            doc = dataclasses.replace(doc, issued=issued)
        digest = hashlib.sha256(loaded.data)
        if loaded.sidecar:
            digest.update(b"\0" + loaded.sidecar)
        return doc, digest.digest()


def ingest_fetched(
    tracker: Tracker, documents: Sequence[sources.Loaded], *, tags: Sequence[str] = ()
) -> IngestReport:
    """`Tracker.ingest` for documents already in memory (a polled URL never touches the disk)."""
    if not documents:
        return IngestReport()
    return _Fetched(tracker, documents).ingest([d.source for d in documents], tags=tags)
