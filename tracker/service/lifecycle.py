"""Lifecycle of a stored duty: status, manual dates, anchors and chains, tags, notes, recompute.

Layer 4, mixed into `Tracker`. Every change writes an audit event (who, when, old, new, why),
bumps `sequence` and `updated_at` when a calendar must see it (due date, status, wording; a tag
change moves only `updated_at`, a note neither) and moves the feeds' Last-Modified. The clock is
read once per call; each call is one transaction, serialized with other writers.

Chained deadlines. A duty whose anchor is an event another duty produces ("within 30 days of the
submission of the plan described in subsection (a)") is linked to that duty (`anchor_ref`): at
ingest when the anchor names a section of the same instrument whose duty is unique, or by hand
with `tracker anchor ID --after OTHER`. Its anchor is the other duty's completion: `tracker done
OTHER --on D` dates it D and recomputes it; `tracker reopen OTHER` makes it undated again. The
other duty's due date is never used: a plan due in May may come in June, and an invented date is
worse than none. A date supplied by hand (`tracker anchor ID --date D`) wins over the chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tracker.errors import BadInput, UsageError
from tracker.model import Anchor, AnchorKind, DatePolicy, DueDate, Status, Step
from tracker.serialize import expr_from_dict, steps_from_list
from tracker.store.filters import tags_text
from tracker.store.repository import Filters, Repository
from tracker.store.tables import AuditEventRow, ObligationRow

if TYPE_CHECKING:
    from tracker.config import Settings

#: Fields a calendar shows: changing one bumps SEQUENCE.
VISIBLE = frozenset({"due_date", "status", "actor", "action", "deadline_text"})


@dataclass(frozen=True, slots=True)
class Edit:
    id: str
    field: str
    old: str | None
    new: str | None


@dataclass
class Outcome:
    """What one lifecycle call changed (`edits` empty: nothing to do, e.g. done twice)."""

    id: str
    edits: list[Edit] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class Changes:
    """The edits of one call: audit events now, sequence and timestamps once per duty at the end."""

    def __init__(self, repo: Repository, who: str, now: dt.datetime) -> None:
        self.repo, self.who, self.now = repo, who, now
        self.edits: list[Edit] = []
        self._touched: dict[str, ObligationRow] = {}
        self._visible: set[str] = set()

    def set(
        self,
        row: ObligationRow,
        name: str,
        new: Any,
        action: str,
        reason: str | None = None,
        document_id: int | None = None,
        *,
        audit: bool = True,
        force: bool = False,
    ) -> bool:
        old = getattr(row, name)
        if old == new and not force:
            return False
        setattr(row, name, new)
        self._touched[row.id] = row
        if name in VISIBLE and old != new:
            self._visible.add(row.id)
        if audit:
            self.repo.audit(
                action,
                self.who,
                obligation_id=row.id,
                document_id=document_id,
                field=name,
                old=_text(old),
                new=_text(new),
                reason=reason,
                at=self.now,
            )
            self.edits.append(Edit(row.id, name, _text(old), _text(new)))
        return True

    def note(self, row: ObligationRow, action: str, reason: str, document_id: int | None = None) -> None:
        self.repo.audit(
            action, self.who, obligation_id=row.id, document_id=document_id, reason=reason, at=self.now
        )
        self.edits.append(Edit(row.id, action, None, reason))

    def touch(self, row: ObligationRow) -> None:
        self._touched[row.id] = row

    def forget(self, oid: str) -> None:
        """A duty folded into another and deleted: nothing more to write for it."""
        self._touched.pop(oid, None)
        self._visible.discard(oid)

    def finish(self, touch_feeds: Callable[[Repository, dt.datetime], None]) -> list[Edit]:
        for oid, row in self._touched.items():
            row.updated_at = self.now
            if oid in self._visible:
                row.sequence += 1
            self.repo.session.add(row)
        if self.edits or self._touched:
            touch_feeds(self.repo, self.now)
        return self.edits


def row_anchor(row: ObligationRow) -> Anchor:
    return Anchor(AnchorKind(row.anchor_kind), row.anchor_date, row.anchor_text, row.anchor_source)


def explanation(due: DueDate, row: ObligationRow, kept: Sequence[Step] = ()) -> str:
    """Stored steps: the computation, notes kept across recomputes (amendments), the override."""
    full = DueDate(due.date, (*due.steps, *kept))
    if row.override_due is not None:
        from tracker import dates  # holiday calendars load only when a date is computed

        full = dates.apply_override(full, row.override_due, row.override_reason or "set by hand")
    return json.dumps([s.as_dict() for s in full.steps])


def kept_notes(row: ObligationRow) -> list[Step]:
    return [s for s in steps_from_list(json.loads(row.explanation or "[]")) if s.data.get("amendment")]


class Lifecycle:
    """Use cases that change a stored duty; `Tracker` provides repo, clock, settings, policy."""

    settings: Settings
    clock: Callable[[], dt.datetime]

    if TYPE_CHECKING:

        def repo(self) -> contextlib.AbstractContextManager[Repository]: ...
        def policy(self, kind: str | None) -> DatePolicy: ...
        def today(self) -> dt.date: ...
        @staticmethod
        def touch_feeds(repo: Repository, now: dt.datetime) -> None: ...

    # shared --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _changing(self, by: str | None) -> Any:
        now = self.clock()
        with self.repo() as repo:
            repo.lock_writes()
            ch = Changes(repo, by or self.settings.user, now)
            yield repo, ch
            ch.finish(self.touch_feeds)

    def recompute_row(
        self,
        ch: Changes,
        row: ObligationRow,
        action: str,
        reason: str | None,
        *,
        document_id: int | None = None,
        notes: Sequence[Step] = (),
    ) -> bool:
        """Re-resolve a duty from its stored expression and anchor; audit a changed date."""
        try:
            expr = expr_from_dict(json.loads(row.expr or "{}"))
            from tracker import dates

            due = dates.resolve(expr, row_anchor(row), self.policy(row.kind))
        except ValueError as exc:
            raise BadInput(str(exc), where=row.id) from None
        steps = explanation(due, row, [*kept_notes(row), *notes])
        if steps != row.explanation:
            row.explanation = steps
            ch.touch(row)
        changed = ch.set(row, "computed_due", due.date, action, reason, document_id, audit=False)
        if row.override_due is None:
            return ch.set(row, "due_date", due.date, action, reason, document_id) or changed
        if changed:
            ch.repo.audit(
                action,
                ch.who,
                obligation_id=row.id,
                document_id=document_id,
                field="computed_due",
                new=_text(due.date),
                reason=f"{reason or action} (the date set by hand stays)",
                at=ch.now,
            )
        return changed

    # status --------------------------------------------------------------------------------
    def done(
        self, oid: str, *, on: dt.date | None = None, by: str | None = None, reason: str | None = None
    ) -> Outcome:
        return self._status(oid, Status.DONE, by, reason, on)

    def reopen(self, oid: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
        return self._status(oid, Status.OPEN, by, reason, None)

    def waive(self, oid: str, *, by: str | None = None, reason: str | None = None) -> Outcome:
        return self._status(oid, Status.WAIVED, by, reason, None)

    def _status(
        self, oid: str, new: Status, by: str | None, reason: str | None, on: dt.date | None
    ) -> Outcome:
        with self._changing(by) as (repo, ch):
            row = repo.resolve_id(oid)
            if row.status == new.value and (new != Status.DONE or on is None or row.completed_on == on):
                return Outcome(row.id)
            completed = (on or ch.now.date()) if new == Status.DONE else None
            why = reason or (f"done on {completed.isoformat()}" if completed else None)
            ch.set(row, "status", new.value, "status", why, force=True)
            ch.set(row, "completed_on", completed, "status", audit=False)
            self._follow_chain(repo, ch, row)
            return Outcome(row.id, ch.edits)

    def _follow_chain(self, repo: Repository, ch: Changes, row: ObligationRow) -> None:
        for dep in repo.dependents(row.id):
            if dep.anchor_reason:  # a date supplied by hand wins over the chain
                continue
            self._chain_anchor(ch, dep, row)

    def _chain_anchor(self, ch: Changes, dep: ObligationRow, upstream: ObligationRow) -> None:
        when = upstream.completed_on if upstream.status == Status.DONE.value else None
        why = f"{upstream.id} done on {when.isoformat()}" if when else f"{upstream.id} is not done"
        if ch.set(dep, "anchor_date", when, "anchor", why):
            dep.anchor_source = (
                f"completion of {upstream.id} ({upstream.actor}: {upstream.action})" if when else ""
            )
            self.recompute_row(ch, dep, "anchor", why)

    # corrections ---------------------------------------------------------------------------
    def set_due(self, oid: str, due: dt.date | None, reason: str, *, by: str | None = None) -> Outcome:
        """A manual due date (None: back to the computed one); it survives re-ingest and recompute."""
        if not reason.strip():
            raise UsageError("a reason is required (--reason)", where=oid)
        with self._changing(by) as (repo, ch):
            row = repo.resolve_id(oid)
            if row.override_due == due and (due is None or row.override_reason == reason.strip()):
                return Outcome(row.id)
            row.override_due, row.override_reason = due, (reason.strip() if due else None)
            ch.set(row, "due_date", due or row.computed_due, "override", reason.strip(), force=True)
            kept = kept_notes(row)
            steps = [s for s in steps_from_list(json.loads(row.explanation or "[]")) if s.kind != "override"]
            base = DueDate(row.computed_due, tuple(s for s in steps if s not in kept))
            row.explanation = explanation(base, row, kept)
            return Outcome(row.id, ch.edits)

    def anchor(
        self,
        oid: str,
        *,
        date: dt.date | None = None,
        after: str | None = None,
        reason: str,
        by: str | None = None,
    ) -> Outcome:
        """Date the event a deadline counts from (`date`), or make it another duty's completion (`after`)."""
        if (date is None) == (after is None):
            raise UsageError("give either --date or --after", where=oid)
        if not reason.strip():
            raise UsageError("a reason is required (--reason)", where=oid)
        with self._changing(by) as (repo, ch):
            row = repo.resolve_id(oid)
            why = reason.strip()
            if date is not None:
                source = f"supplied by {ch.who}: {why}"
                moved = ch.set(row, "anchor_date", date, "anchor", why)
                if moved or row.anchor_source != source:
                    row.anchor_source, row.anchor_reason = source, why
                    self.recompute_row(ch, row, "anchor", why)
                return Outcome(row.id, ch.edits)
            upstream = repo.resolve_id(after or "")
            self._check_no_cycle(repo, row, upstream)
            ch.set(row, "anchor_ref", upstream.id, "anchor", why)
            ch.set(row, "anchor_reason", None, "anchor", audit=False)
            self._chain_anchor(ch, row, upstream)
            return Outcome(row.id, ch.edits)

    @staticmethod
    def _check_no_cycle(repo: Repository, row: ObligationRow, upstream: ObligationRow) -> None:
        seen, cur = {row.id}, upstream
        while cur is not None:
            if cur.id in seen:
                raise UsageError(
                    f"{upstream.id} already depends on {row.id}; a chain cannot loop", where=row.id
                )
            seen.add(cur.id)
            cur = repo.obligation(cur.anchor_ref) if cur.anchor_ref else None

    def tag(self, oid: str, tags: Sequence[str], *, by: str | None = None, remove: bool = False) -> Outcome:
        with self._changing(by) as (repo, ch):
            row = repo.resolve_id(oid)
            have = json.loads(row.tags or "[]")
            want = (
                sorted(set(have) - set(tags))
                if remove
                else sorted(set(have) | {t.strip() for t in tags if t.strip()})
            )
            if want != have:
                ch.set(row, "tags", tags_text(want), "tag", "untagged" if remove else "tagged")
            return Outcome(row.id, ch.edits)

    def note(self, oid: str, text: str, *, by: str | None = None) -> Outcome:
        if not text.strip():
            raise UsageError("a note needs some text", where=oid)
        with self._changing(by) as (repo, ch):
            row = repo.resolve_id(oid)
            ch.note(row, "note", text.strip())
            return Outcome(row.id, ch.edits)

    def history(self, oid: str) -> tuple[str, list[AuditEventRow], dict[int, str]]:
        """A duty's audit events, oldest first, and the sources of the documents they cite."""
        with self.repo() as repo:
            row = repo.resolve_id(oid)
            events = repo.history(row.id)
            return row.id, events, repo.document_sources(h.document_id for h in events)

    def recompute(self, *, by: str | None = None) -> list[Edit]:
        """Re-resolve every stored duty with the current date policy; dates set by hand stay."""
        with self._changing(by) as (repo, ch):
            for row in repo.query(Filters()):
                policy = self.policy(row.kind)
                reason = f"date policy for {row.kind}: roll {policy.roll}, holidays {policy.holiday_country}"
                self.recompute_row(ch, row, "recompute", reason)
            return ch.edits
