"""Feed use cases: render a filtered calendar, private subscription feeds, the static export.

Layer 4. A feed token is returned once, by `create`; the store keeps only its SHA-256, and nothing
here logs it. The few feed-row queries live here for now; their place is `store/repository.py`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from tracker import feeds as ics
from tracker.errors import BadInput, ConfigError, NotFound, UsageError
from tracker.model import Tracked
from tracker.service.core import FEEDS_CHANGED
from tracker.store.repository import Filters, Repository, insert_ignore
from tracker.store.tables import FeedRow

if TYPE_CHECKING:
    from tracker.service.core import Tracker

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 random bits, 43 characters
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,128}")
SEEN_PREFIX = "feed_seen:"  # state key: the last body served for a feed and its Last-Modified
ALL_FEED = "all"  # the export's unfiltered calendar, all.ics; no private feed gets this file name
MANIFEST = ".tracker-export.json"  # files the last export wrote, so stale ones can be removed


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str  # a strong entity tag, quoted: a hash of the body
    last_modified: dt.datetime  # whole seconds, UTC
    count: int  # dated obligations in the feed


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A private feed as `feeds list` shows it; never its token."""

    name: str
    filters: dict[str, Any]
    todo: bool
    created_at: dt.datetime | None
    revoked_at: dt.datetime | None
    file: str  # its file name in a static export


@dataclass(frozen=True, slots=True)
class CreatedFeed:
    name: str
    token: str  # shown once; only its hash is stored
    url: str


# Rendering -----------------------------------------------------------------------------------------
def build(tracker: Tracker, filters: Filters, *, todo: bool = False, name: str | None = None) -> Rendered:
    """The calendar of every dated obligation matching `filters`, with its ETag and Last-Modified."""
    with tracker.repo() as repo:
        return _build(tracker, repo, filters, todo, name)


def _build(tracker: Tracker, repo: Repository, filters: Filters, todo: bool, name: str | None) -> Rendered:
    items: list[Tracked] = repo.tracked(dataclasses.replace(filters, dated_only=True))
    body = ics.render(items, tracker._feed_options(name), todo=todo)
    changed = repo.get_state(FEEDS_CHANGED)
    floor = dt.datetime.fromisoformat(changed) if changed else None
    return Rendered(body, etag(body), ics.last_modified(items, floor), len(items))


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _settle(repo: Repository, row: FeedRow, r: Rendered) -> Rendered:
    """Move Last-Modified forward whenever the body changes, even when no timestamp did.

    A new configuration (name, alarms) or version changes the bytes but no row; a client that
    revalidates with If-Modified-Since only must still see it. The value is one second past the
    last one served, so concurrent servers agree, and it never goes backwards.
    """
    if row.created_at is not None:  # an empty feed changed last when it was created
        created = row.created_at.astimezone(dt.UTC).replace(microsecond=0)
        r = dataclasses.replace(r, last_modified=max(r.last_modified, created))
    key = f"{SEEN_PREFIX}{row.id}"
    seen = repo.get_state(key)
    if seen:
        seen_etag, _, seen_at = seen.partition(" ")
        at = dt.datetime.fromisoformat(seen_at)
        if seen_etag == r.etag:
            return dataclasses.replace(r, last_modified=max(r.last_modified, at))
        if r.last_modified <= at:
            r = dataclasses.replace(r, last_modified=at + dt.timedelta(seconds=1))
    repo.set_state(key, f"{r.etag} {r.last_modified.isoformat()}")
    return r


def for_token(tracker: Tracker, token: str) -> Rendered | None:
    """The feed a subscription token opens, or None for a malformed, unknown or revoked token alike."""
    if not _TOKEN_SHAPE.fullmatch(token):
        return None
    digest = hash_token(token)
    with tracker.repo() as repo:
        row = repo.session.exec(
            select(FeedRow).where(FeedRow.token_sha256 == digest, col(FeedRow.revoked_at).is_(None))
        ).first()
        if row is None or not hmac.compare_digest(row.token_sha256.encode(), digest.encode()):
            return None
        rendered = _build(tracker, repo, _filters(row), row.todo, calendar_name(tracker, row.name))
        return _settle(repo, row, rendered)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_name(tracker: Tracker, feed_name: str) -> str:
    return f"{tracker.settings.feeds.name}: {feed_name}"


def _filters(row: FeedRow) -> Filters:
    return Filters.from_dict(json.loads(row.filters or "{}"))


# Private feeds -------------------------------------------------------------------------------------
def create(tracker: Tracker, name: str, filters: Filters, *, todo: bool = False) -> CreatedFeed:
    """A new private feed with a random token; a name already taken (revoked feeds keep theirs) is refused."""
    name = _check_name(name)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with tracker.repo() as repo:
        values = {
            "name": name,
            "token_sha256": hash_token(token),
            "filters": json.dumps(filters.to_dict(), sort_keys=True),
            "todo": todo,
            "created_at": tracker.clock(),
        }
        if not insert_ignore(repo.session, FeedRow, values, ["name"]):
            existing = _by_name(repo.session, name)
            what = "a revoked feed keeps" if existing is not None and existing.revoked_at else "a feed has"
            raise UsageError(f"{what} this name; choose another", where=name)
    return CreatedFeed(name, token, feed_url(tracker, token))


def feed_url(tracker: Tracker, token: str) -> str:
    return f"{tracker.settings.feeds.base_url.rstrip('/')}/feeds/{token}.ics"


def list_feeds(tracker: Tracker) -> list[FeedInfo]:
    with tracker.repo() as repo:
        rows = _all(repo.session)
    files = file_names(rows)
    return sorted((_info(r, files[r.id]) for r in rows), key=lambda f: f.name)


def revoke(tracker: Tracker, name: str) -> FeedInfo:
    """Revoke a feed: its URL answers 404 from now on; a configured static export drops its file."""
    with tracker.repo() as repo:
        row = _by_name(repo.session, name.strip())
        if row is None:
            raise NotFound("no such feed", where=name)
        if row.revoked_at is None:
            row.revoked_at = tracker.clock()
            repo.session.add(row)
        files = file_names(_all(repo.session))
        info = _info(row, files[row.id])
    if tracker.settings.feeds.export_dir:
        export_feeds(tracker)
    return info


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise UsageError("a feed needs a name", where="NAME")
    if len(name) > 120 or any(unicodedata.category(c)[0] == "C" for c in name):
        raise UsageError("a feed name is at most 120 printable characters", where=name[:40])
    return name


def _by_name(session: Session, name: str) -> FeedRow | None:
    return session.exec(select(FeedRow).where(FeedRow.name == name)).first()


def _all(session: Session) -> list[FeedRow]:
    return list(session.exec(select(FeedRow).order_by(col(FeedRow.id))).all())


def _info(row: FeedRow, file: str) -> FeedInfo:
    return FeedInfo(row.name, json.loads(row.filters or "{}"), row.todo, row.created_at, row.revoked_at, file)


# Static export -------------------------------------------------------------------------------------
def slug(name: str) -> str:
    """A file-name-safe form of a feed name: lower-case ASCII letters, digits and dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")


def file_names(rows: Iterable[FeedRow]) -> dict[int, str]:
    """Export file names (without .ics) by feed id: the slug of the name, made unique.

    Assigned in creation order over every feed, revoked ones included, so a feed's file never
    changes when another feed is created or revoked.
    """
    taken = {ALL_FEED}
    out: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r.id or 0):
        assert row.id is not None
        name = slug(row.name) or "feed"
        while name in taken:
            name = f"{name}-{row.id}"
        taken.add(name)
        out[row.id] = name
    return out


def export_feeds(tracker: Tracker, directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write all.ics and every active private feed to `directory` (default: feeds.export_dir).

    Each file is replaced atomically and only when its bytes change (its mtime then stays a true
    Last-Modified). Files an earlier export wrote for feeds since revoked are removed. Returns the
    current files, all.ics first.
    """
    where = directory or tracker.settings.feeds.export_dir
    if not where:
        raise ConfigError("no export directory: give one or set feeds.export_dir", where="feeds.export_dir")
    target = Path(where).expanduser()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BadInput(f"cannot create the export directory: {reason}", where=str(target)) from None
    with tracker.repo() as repo:
        outputs = {f"{ALL_FEED}.ics": _build(tracker, repo, Filters(), False, None).body}
        rows = _all(repo.session)
        files = file_names(rows)
        for row in rows:
            if row.revoked_at is None and row.id is not None:
                name = calendar_name(tracker, row.name)
                rendered = _build(tracker, repo, _filters(row), row.todo, name)
                outputs[f"{files[row.id]}.ics"] = rendered.body
    paths = []
    for file, body in outputs.items():
        write_atomic(target / file, body)
        paths.append(target / file)
    _prune(target, set(outputs))
    return paths


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace `path` with `data` through a temporary file in the same directory; False if unchanged."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask decides the mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise BadInput(f"cannot write: {exc.strerror or exc}", where=str(path)) from None
    return True


def _prune(directory: Path, keep: set[str]) -> None:
    manifest = directory / MANIFEST
    try:
        before = set(json.loads(manifest.read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        before = set()
    for file in before - keep:
        if isinstance(file, str) and file == Path(file).name and file.endswith(".ics"):
            (directory / file).unlink(missing_ok=True)
    write_atomic(manifest, (json.dumps({"files": sorted(keep)}, indent=1) + "\n").encode())
