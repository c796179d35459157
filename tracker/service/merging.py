"""Ingest-time merging: which stored duty a found duty is, chained anchors, amendments.

Layer 4, mixed into `Tracker` (through `Lifecycle`'s helpers). Runs inside the ingest
transaction, after `Repository.lock_writes`, so what it reads is what every other writer stored.

Amendments and revocations (tracker/amendments.py finds them) are stored once each
(`amendment` table, keyed by the change's identity), then applied to the duties of the changed
instrument, oldest amending instrument first: to those already stored when the change arrives,
and to duties stored later (the order after its amendment, a report of it). Only primary texts
amend or revoke; a news report of a revocation changes nothing. A stricken phrase found in a
duty's deadline text is replaced and the due date computed again (actor and action wording too);
a revocation or supersession closes open duties; a partial one, or an amendment with nothing to
strike ("amended to read", Federal Register "Amended by"), is recorded in the history only.
Each change applies once: stricken words are gone afterwards, other changes leave an audit event
whose reason is the change's description.

Twins. A report read before an amendment ("now 240 days") matches no stored duty and becomes one
of its own; once the amendment makes the order's duty read the same (or the order's text arrives
for a duty only reports stated), `fold_twins` moves its mentions over and deletes it; its old id
still answers `tracker show`. So the stored result does not depend on the order documents come
in, which is also what makes two processes ingesting at once end as one serial run would.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tracker import amendments, merge
from tracker.errors import TrackerError
from tracker.model import AnchorKind, DeadlineExpr, Document, Obligation, Status, Step
from tracker.serialize import expr_from_dict, expr_to_dict, iso, period_iso, steps_to_list
from tracker.service.lifecycle import Changes, Lifecycle, row_anchor
from tracker.store.filters import tags_text
from tracker.store.repository import Repository
from tracker.store.tables import AmendmentRow, DocumentRow, ObligationRow


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
    changes_new: int = 0  # amendments and revocations read for the first time


#: What a primary text does not replace when it arrives after a report of the same duty.
_KEEP_ON_MERGE = frozenset(
    {
        "id", "tags", "created_at", "updated_at", "status", "sequence", "override_due", "override_reason",
        "computed_due", "due_date", "explanation", "origin_key",
    }
)  # fmt: skip


class Merging(Lifecycle):
    """Ingest-time use of the store: placing duties, linking chains, applying amendments."""

    def store_document(
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
        repo.lock_writes()  # what is stored below depends on what others stored: one writer at a time
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
        ch = Changes(repo, self.settings.user, now)
        affected: list[ObligationRow] = []  # new, or rewritten by a primary text: amendments reach them
        placed: list[tuple[str, merge.Group]] = []
        stored: dict[str, list[merge.Duty]] = {}
        for g in groups:
            oid = self._place(repo, g, stored, {o for o, _ in placed} if primary else set())
            placed.append((oid, g))
            ob = g.obligation
            existing = repo.obligation(oid)
            if existing is None and repo.add_obligation(obligation_values(oid, ob, doc.kind, tags, now)):
                report.obligations_new += 1
                repo.audit(
                    "ingest",
                    ch.who,
                    obligation_id=oid,
                    document_id=row.id,
                    field="due_date",
                    new=iso(ob.due.date),
                    reason=f"found in {doc.source}",
                    at=now,
                )
                affected.append(repo.obligation(oid))  # type: ignore[arg-type]
            elif existing is not None:
                changed, rewritten = self._merge_into(repo, ch, existing, ob, doc.kind, tags, row.id)
                report.obligations_updated += changed
                if rewritten:
                    affected.append(existing)
                    self.fold_twins(ch, existing)
                if row.id not in repo.documents_mentioning(oid):
                    ch.note(existing, "mention", f"also stated by {doc.title or doc.source}", row.id)
            for m in g.mentions:
                report.mentions_new += repo.add_mention(
                    {
                        "obligation_id": oid,
                        "document_id": row.id,
                        "quote": m.quote,
                        "start": m.span.start,
                        "end": m.span.end,
                        "role": "primary" if primary else "secondary",
                        "deadline_text": m.deadline.text,
                        "due_date": m.due.date,
                        "anchor_date": m.anchor.date,
                        "confidence": m.confidence,
                        "section": amendments.section_at(doc.text, m.span.start) if primary else None,
                    }
                )
        targets: set[str] = set()
        if primary:
            self._link_chains(repo, ch, doc, placed)
            targets = self._record_changes(repo, doc, row.id, now)
            report.changes_new += len(targets)
        for instrument in targets | {r.instrument for r in affected if r.instrument}:
            rows = repo.obligations_of(instrument) if instrument in targets else affected
            self.apply_amendments(repo, ch, instrument, [r for r in rows if r.instrument == instrument])
        ch.finish(self.touch_feeds)
        if report.obligations_new:
            self.touch_feeds(repo, now)
        report.per_file.append((given, "new" if created else "unchanged", len(groups)))

    def _place(
        self, repo: Repository, g: merge.Group, stored: dict[str, list[merge.Duty]], taken: set[str]
    ) -> str:
        """The id a group is stored under: its own, or a stored duty's it states in other words."""
        ob = g.obligation
        if not ob.instrument or repo.obligation(g.id) is not None:
            return g.id
        if ob.instrument not in stored:
            stored[ob.instrument] = [_duty(r) for r in repo.obligations_of(ob.instrument)]
        return merge.find_match(ob, [d for d in stored[ob.instrument] if d.id not in taken]) or g.id

    def _merge_into(
        self,
        repo: Repository,
        ch: Changes,
        row: ObligationRow,
        ob: Obligation,
        kind: str,
        tags: Sequence[str],
        document_id: int | None,
    ) -> tuple[bool, bool]:
        """Fold a mention's duty into a stored one: (changed, rewritten by a primary text)."""
        before = len(ch.edits)
        have = json.loads(row.tags or "[]")
        if (want := sorted(set(have) | set(tags))) != have:
            ch.set(row, "tags", tags_text(want), "tag", "tagged at ingest", document_id)
        # A primary text corrects what a report said; a report never overrides the instrument.
        had_primary = any(m.role == "primary" for m, _ in repo.mentions([row.id])[row.id])
        if not merge.is_primary(kind) or had_primary:
            return len(ch.edits) > before, False
        values = obligation_values(row.id, ob, kind, (), ch.now)
        keep = set(_KEEP_ON_MERGE)
        if row.anchor_reason or row.anchor_ref:  # an anchor dated by hand or by a chain stays
            keep |= {"anchor_date", "anchor_source"}
        reason = "primary text replaces a secondary report"
        for key, value in values.items():
            if key not in keep:
                ch.set(
                    row,
                    key,
                    value,
                    "merge",
                    reason,
                    document_id,
                    audit=key in ("actor", "action", "deadline_text"),
                )
        row.explanation = "[]"  # amendments are applied again to the primary wording
        self.recompute_row(ch, row, "merge", reason, document_id=document_id)
        return True, True

    def _link_chains(
        self, repo: Repository, ch: Changes, doc: Document, placed: list[tuple[str, merge.Group]]
    ) -> None:
        """Link a duty whose undated anchor names another section's duty (see lifecycle.py)."""
        for oid, g in placed:
            ob = g.obligation
            if ob.anchor.kind != AnchorKind.EVENT or ob.anchor.date is not None or not ob.instrument:
                continue
            own = amendments.section_at(doc.text, ob.span.start)
            ref = amendments.referenced_section(ob.anchor.text, ob.quote, own)
            row = repo.obligation(oid)
            if ref is None or row is None or row.anchor_ref or row.anchor_reason:
                continue
            sections = repo.sections(r.id for r in repo.obligations_of(ob.instrument))
            found = [other for other, secs in sections.items() if other != oid and ref in secs]
            if len(found) == 1 and (upstream := repo.obligation(found[0])) is not None:
                why = f"the anchor names section {ref} of {ob.instrument}, whose duty is {upstream.id}"
                ch.set(row, "anchor_ref", upstream.id, "anchor", why, audit=True)
                self._chain_anchor(ch, row, upstream)

    @staticmethod
    def _record_changes(
        repo: Repository, doc: Document, document_id: int | None, now: dt.datetime
    ) -> set[str]:
        """Store the amendments and revocations a primary text states; the targets of new ones."""
        targets: set[str] = set()
        for c in amendments.detect(doc):
            key = hashlib.sha256(c.key().encode("utf-8")).hexdigest()
            values = {
                "key": key,
                "kind": c.kind,
                "target": c.target,
                "by_instrument": c.by,
                "section": c.section,
                "strike": c.strike,
                "insert": c.insert,
                "partial": c.partial,
                "quote": c.quote,
                "document_id": document_id,
                "created_at": now,
            }
            if repo.add_amendment(values):
                targets.add(c.target)
        return targets

    def apply_amendments(
        self, repo: Repository, ch: Changes, instrument: str, rows: Sequence[ObligationRow]
    ) -> int:
        """Apply every stored change to `instrument`, oldest instrument first, to `rows`; how many applied."""
        found = repo.amendments_for(instrument)
        if not found or not rows:
            return 0
        issued = {a.id: _issued(repo, a.document_id) for a in found}
        sections = repo.sections(r.id for r in rows)
        applied = 0
        for a in sorted(found, key=lambda a: (issued[a.id], a.id)):
            for row in rows:
                applied += self._apply_one(repo, ch, a, row, sections[row.id])
        return applied

    def _apply_one(
        self, repo: Repository, ch: Changes, a: AmendmentRow, row: ObligationRow, sections: set[str]
    ) -> bool:
        change = amendments.Change(
            a.kind, a.target, a.by_instrument, a.section, a.strike, a.insert, a.partial
        )
        desc = change.describe()
        if a.section and sections and not any(amendments.section_matches(a.section, s) for s in sections):
            return False
        if a.kind == amendments.AMEND and a.strike is not None and a.insert is not None:
            return self._amend_text(ch, row, a, desc)
        if (a.section and not sections) or any(h.reason == desc for h in repo.history(row.id)):
            return False  # a section-wide change needs the duty's section; and each change applies once
        if a.kind == amendments.AMEND or a.partial:
            ch.note(row, a.kind, desc, a.document_id)
            return True
        if row.status != Status.OPEN.value:
            return False
        status = Status.REVOKED if a.kind == amendments.REVOKE else Status.SUPERSEDED
        return ch.set(row, "status", status.value, "status", desc, a.document_id)

    def _amend_text(self, ch: Changes, row: ObligationRow, a: AmendmentRow, desc: str) -> bool:
        """Strike and insert words; a new deadline is read and the due date computed again."""
        strike, insert = a.strike or "", a.insert or ""
        for name in ("deadline_text", "actor", "action"):
            new = amendments.substitute(getattr(row, name), strike, insert)
            if new is None:
                continue
            if name != "deadline_text":
                return ch.set(row, name, new, "amend", desc, a.document_id)
            expr = _reparse(expr_from_dict(json.loads(row.expr or "{}")), new, insert)
            if expr is None:
                if not any(h.reason == desc for h in ch.repo.history(row.id)):
                    ch.note(
                        row, "amend", f"{desc}; the new deadline could not be read, the date is unchanged"
                    )
                return False
            ch.set(row, "deadline_text", new, "amend", desc, a.document_id)
            row.expr, row.period, row.recurrence = (
                json.dumps(expr_to_dict(expr)),
                period_iso(expr),
                expr.recurrence,
            )
            note = Step("note", f"The deadline was amended: {desc}.", {"amendment": desc})
            self.recompute_row(ch, row, "amend", desc, document_id=a.document_id, notes=[note])
            self.fold_twins(ch, row)
            return True
        return False

    def fold_twins(self, ch: Changes, row: ObligationRow) -> None:
        """Fold in the duties only reports state that `row` now is (after an amendment or once its
        primary text arrived): a report read before the amendment that made the order's duty read
        like it would otherwise stay a twin. Their mentions move here; their ids are deleted."""
        repo = ch.repo
        if not row.instrument:
            return
        others = [r for r in repo.obligations_of(row.instrument) if r.id != row.id]
        primary = repo.with_primary([row.id, *(r.id for r in others)])
        me = _duty(row)
        for other in others:
            if other.id in primary or not merge.same_duty(me, _duty(other)):
                continue
            if row.id not in primary and other.id < row.id:
                continue  # both stated by reports only: the smaller id stays (the order folds the rest)
            have = json.loads(row.tags or "[]")
            if (tags := sorted(set(have) | set(json.loads(other.tags or "[]")))) != have:
                ch.set(row, "tags", tags_text(tags), "merge", f"tags of {other.id}")
            ch.note(
                row, "merge", f"{other.id}, stated only by reports, is the same duty: its sources are here"
            )
            why = f"the same duty as {row.id}; folded into it"
            repo.audit(
                "merge",
                ch.who,
                obligation_id=other.id,
                field="id",
                old=other.id,
                new=row.id,
                reason=why,
                at=ch.now,
            )
            ch.forget(other.id)
            repo.fold_obligation(other, row.id)


def _duty(row: ObligationRow) -> merge.Duty:
    expr = expr_from_dict(json.loads(row.expr or "{}"))
    keys = {merge.expr_deadline_key(expr, row_anchor(row), row.computed_due, loose=True)}
    if row.origin_key:
        keys.add(row.origin_key)
    return merge.Duty(row.id, row.instrument, row.actor, row.action, frozenset(keys))


def _issued(repo: Repository, document_id: int | None) -> dt.date:
    doc = repo.session.get(DocumentRow, document_id) if document_id is not None else None
    return (doc.issued or doc.published or dt.date.max) if doc is not None else dt.date.max


def _reparse(old: DeadlineExpr, text: str, inserted: str) -> DeadlineExpr | None:
    """The amended deadline phrase read again; the rest of the old expression is kept."""
    from tracker.extract import parse_phrase

    new = parse_phrase(text) or parse_phrase(f"within {inserted}")
    if new is None or (new.period is None and new.date_ref is None):
        return None
    return DeadlineExpr(text, new.period, new.date_ref, new.window, new.recurrence or old.recurrence)


def obligation_values(
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
        "tags": tags_text(sorted(set(tags))),
        "explanation": json.dumps(steps_to_list(ob.due)),
        "sequence": 0,
        "created_at": now,
        "updated_at": now,
        "origin_key": merge.loose_deadline_key(ob),
    }
