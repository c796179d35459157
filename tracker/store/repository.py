"""Reads and writes of the store, in domain terms; the only module that writes SQL for use cases.

Layer 3. Inserts that may race with another process use INSERT .. ON CONFLICT DO NOTHING and
read back, so two ingests at once create no twins (PostgreSQL and SQLite alike).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from tracker.errors import NotFound, UsageError
from tracker.model import Anchor, AnchorKind, Mention, Status, Tracked
from tracker.serialize import steps_from_list
from tracker.store.filters import ORDER_SQL, Filters, where_sql
from tracker.store.tables import (
    AmendmentRow,
    AuditEventRow,
    DocumentRow,
    MentionRow,
    ObligationRow,
    StateRow,
    utcnow,
)

WRITE_LOCK_KEY = 0x7472616B  # "trak": the advisory lock of `Repository.lock_writes`


def insert_ignore(session: Session, table: type[Any], values: dict[str, Any], keys: Sequence[str]) -> bool:
    """Insert a row unless one with the same unique `keys` exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    tbl = table.__table__
    if dialect == "postgresql":
        stmt = postgresql.insert(tbl).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    elif dialect == "sqlite":
        stmt = sqlite.insert(tbl).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    else:  # pragma: no cover - other backends are not supported
        raise UsageError(f"unsupported database backend {dialect}")
    pk = next(iter(tbl.primary_key.columns))
    result = session.execute(stmt.returning(pk))
    return result.first() is not None


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # documents ------------------------------------------------------------------------------
    def document_by_sha(self, sha256: str) -> DocumentRow | None:
        return self.session.exec(select(DocumentRow).where(DocumentRow.sha256 == sha256)).first()

    def add_document(self, values: dict[str, Any]) -> tuple[DocumentRow, bool]:
        created = insert_ignore(self.session, DocumentRow, values, ["sha256"])
        row = self.document_by_sha(values["sha256"])
        assert row is not None
        return row, created

    # obligations ----------------------------------------------------------------------------
    def obligation(self, oid: str) -> ObligationRow | None:
        return self.session.get(ObligationRow, oid)

    def resolve_id(self, text: str) -> ObligationRow:
        """An id or a unique prefix of one (at least 4 characters)."""
        key = text.strip().lower()
        row = self.session.get(ObligationRow, key)
        if row is not None:
            return row
        if len(key) >= 4:
            rows = self.session.exec(
                select(ObligationRow).where(col(ObligationRow.id).startswith(key)).limit(2)
            ).all()
            if len(rows) == 1:
                return rows[0]
            if len(rows) > 1:
                raise UsageError("ambiguous id prefix; type more characters", where=text)
        folded = self.session.exec(
            select(AuditEventRow.new).where(
                AuditEventRow.obligation_id == key,
                AuditEventRow.action == "merge",
                AuditEventRow.field_name == "id",
            )
        ).first()
        if folded and (row := self.session.get(ObligationRow, folded)) is not None:
            return row  # a duty folded into another answers to its old id too
        raise NotFound("no such obligation", where=text)

    def add_obligation(self, values: dict[str, Any]) -> bool:
        return insert_ignore(self.session, ObligationRow, values, ["id"])

    def add_mention(self, values: dict[str, Any]) -> bool:
        return insert_ignore(self.session, MentionRow, values, ["obligation_id", "document_id", "start"])

    @staticmethod
    def _filtered(q: Any, f: Filters) -> Any:
        """`q` (over table `obligation`) narrowed by `f` and sorted as every listing is (filters.py)."""
        where, params = where_sql(f)
        q = q.where(sa.text(where).bindparams(**params)).order_by(sa.text(ORDER_SQL))
        return q.limit(f.limit) if f.limit else q

    def query(self, f: Filters) -> list[ObligationRow]:
        return list(self.session.exec(self._filtered(select(ObligationRow), f)).all())

    def tracked(self, f: Filters, *, mentions: bool = True, explain: bool = True) -> list[Tracked]:
        """Matching duties as value objects, read with plain SQL rows (no ORM objects: 100k rows stay fast).

        `mentions=False` skips the source quotes and `explain=False` the stored explanation, for
        listings that show neither.
        """
        rows = self.session.execute(self._filtered(sa.select(ObligationRow.__table__), f)).mappings().all()
        found: dict[str, list[Mention]] = {}
        if mentions and rows:
            m, d = MentionRow.__table__.c, DocumentRow.__table__.c
            ids = self._filtered(sa.select(ObligationRow.__table__.c.id), f).subquery()
            q = (
                sa.select(
                    m.obligation_id,
                    m.quote,
                    m.start,
                    m.end,
                    m.role,
                    m.deadline_text,
                    m.due_date,
                    d.source,
                    d.title,
                    d.url,
                )
                .join_from(MentionRow.__table__, DocumentRow.__table__, d.id == m.document_id)
                .where(m.obligation_id.in_(sa.select(ids.c.id)))
                .order_by(m.obligation_id, m.role, m.document_id, m.start)
            )
            for r in self.session.execute(q).all():
                found.setdefault(r.obligation_id, []).append(_mention(r, r))
        return [_tracked(r, tuple(found.get(r["id"], ())), explain) for r in rows]

    def mentions(self, oids: Iterable[str]) -> dict[str, list[tuple[MentionRow, DocumentRow]]]:
        ids = list(oids)
        out: dict[str, list[tuple[MentionRow, DocumentRow]]] = {i: [] for i in ids}
        if not ids:
            return out
        q = (
            select(MentionRow, DocumentRow)
            .join(DocumentRow, col(DocumentRow.id) == col(MentionRow.document_id))
            .where(col(MentionRow.obligation_id).in_(ids))
            .order_by(col(MentionRow.role), col(MentionRow.document_id), col(MentionRow.start))
        )
        for m, d in self.session.exec(q).all():
            out[m.obligation_id].append((m, d))
        return out

    def lock_writes(self) -> None:
        """Serialize this transaction with every other writer that calls it, until commit.

        Ingest and lifecycle changes read what others stored (a duty to merge into, an amendment
        to apply) and then write; two processes doing that at once could each miss the other's
        work. PostgreSQL: a transaction-scoped advisory lock. SQLite: a first write takes the
        database's write lock (the driver begins the transaction at the first write, so every read
        after it sees the latest commit).
        """
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            self.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
        else:
            self.session.execute(
                sa.update(StateRow).where(col(StateRow.key) == "write_lock").values(value="1")
            )

    def obligations_of(self, instrument: str) -> list[ObligationRow]:
        """Every stored duty of an instrument (case-insensitive), oldest id first."""
        q = (
            select(ObligationRow)
            .where(sa.func.lower(ObligationRow.instrument) == instrument.lower())
            .order_by(col(ObligationRow.id))
        )
        return list(self.session.exec(q).all())

    def dependents(self, oid: str) -> list[ObligationRow]:
        """Duties whose anchor is the completion of duty `oid`."""
        q = select(ObligationRow).where(ObligationRow.anchor_ref == oid).order_by(col(ObligationRow.id))
        return list(self.session.exec(q).all())

    def sections(self, oids: Iterable[str]) -> dict[str, set[str]]:
        """The sections of the primary texts that state each duty."""
        ids = list(oids)
        out: dict[str, set[str]] = {i: set() for i in ids}
        if not ids:
            return out
        q = select(MentionRow.obligation_id, MentionRow.section).where(
            col(MentionRow.obligation_id).in_(ids),
            MentionRow.role == "primary",
            col(MentionRow.section).is_not(None),
        )
        for oid, section in self.session.exec(q).all():
            out[oid].add(section)
        return out

    def documents_mentioning(self, oid: str) -> set[int]:
        q = select(MentionRow.document_id).where(MentionRow.obligation_id == oid)
        return set(self.session.exec(q).all())

    def document_sources(self, ids: Iterable[int | None]) -> dict[int, str]:
        """Source (path or URL) of each document id given."""
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        q = select(DocumentRow.id, DocumentRow.source).where(col(DocumentRow.id).in_(wanted))
        return {i: source for i, source in self.session.exec(q).all() if i is not None}

    def with_primary(self, oids: Iterable[str]) -> set[str]:
        """Those of `oids` that a primary text states."""
        ids = list(oids)
        if not ids:
            return set()
        q = select(MentionRow.obligation_id).where(
            col(MentionRow.obligation_id).in_(ids), MentionRow.role == "primary"
        )
        return set(self.session.exec(q).all())

    def fold_obligation(self, src: ObligationRow, dst: str) -> None:
        """Move the mentions and chained anchors of duty `src` to `dst`, then delete `src`.

        Its audit events stay under its id (the history of an id given out is never lost).
        """
        have = {
            (m.document_id, m.start)
            for m in self.session.exec(select(MentionRow).where(MentionRow.obligation_id == dst)).all()
        }
        for m in self.session.exec(select(MentionRow).where(MentionRow.obligation_id == src.id)).all():
            if (m.document_id, m.start) in have:
                self.session.delete(m)
            else:
                m.obligation_id = dst
                self.session.add(m)
        for dep in self.dependents(src.id):
            dep.anchor_ref = dst
            self.session.add(dep)
        self.session.flush()
        self.session.delete(src)
        self.session.flush()

    # amendments -----------------------------------------------------------------------------
    def add_amendment(self, values: dict[str, Any]) -> bool:
        return insert_ignore(self.session, AmendmentRow, values, ["key"])

    def amendments_for(self, instrument: str) -> list[AmendmentRow]:
        q = (
            select(AmendmentRow)
            .where(sa.func.lower(AmendmentRow.target) == instrument.lower())
            .order_by(col(AmendmentRow.id))
        )
        return list(self.session.exec(q).all())

    def amendment_by_key(self, key: str) -> AmendmentRow | None:
        return self.session.exec(select(AmendmentRow).where(AmendmentRow.key == key)).first()

    # audit ----------------------------------------------------------------------------------
    def audit(
        self,
        action: str,
        who: str,
        *,
        obligation_id: str | None = None,
        document_id: int | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        reason: str | None = None,
        at: dt.datetime | None = None,
    ) -> None:
        self.session.add(
            AuditEventRow(
                at=at or utcnow(),
                who=who,
                action=action,
                obligation_id=obligation_id,
                document_id=document_id,
                field_name=field,
                old=None if old is None else str(old),
                new=None if new is None else str(new),
                reason=reason,
            )
        )

    def history(self, oid: str) -> list[AuditEventRow]:
        q = select(AuditEventRow).where(AuditEventRow.obligation_id == oid).order_by(col(AuditEventRow.id))
        return list(self.session.exec(q).all())

    # state ----------------------------------------------------------------------------------
    def get_state(self, key: str) -> str | None:
        row = self.session.get(StateRow, key)
        return row.value if row else None

    def set_state(self, key: str, value: str) -> None:
        row = self.session.get(StateRow, key)
        if row is None and not insert_ignore(self.session, StateRow, {"key": key, "value": value}, ["key"]):
            row = self.session.get(StateRow, key)
        if row is not None:
            row.value = value
            self.session.add(row)


def to_tracked(row: ObligationRow, mentions: Sequence[tuple[MentionRow, DocumentRow]] = ()) -> Tracked:
    ms = tuple(_mention(m, d) for m, d in mentions)
    values = {c.name: getattr(row, c.name) for c in ObligationRow.__table__.columns}
    return _tracked(values, ms, True)


def _mention(m: Any, d: Any) -> Mention:
    """A mention from its row `m` and its document's row `d` (one joined row may serve as both)."""
    return Mention(
        document=d.source,
        title=d.title,
        url=d.url,
        quote=m.quote,
        start=m.start,
        end=m.end,
        role=m.role,
        deadline_text=m.deadline_text,
        due_date=m.due_date,
    )


def _json_list(text: str | None) -> tuple[Any, ...]:
    return () if not text or text == "[]" else tuple(json.loads(text))


def _tracked(r: Any, ms: tuple[Mention, ...], explain: bool) -> Tracked:
    first = ms[0] if ms else None
    return Tracked(
        id=r["id"],
        instrument=r["instrument"],
        kind=r["kind"],
        actor=r["actor"],
        action=r["action"],
        deadline_text=r["deadline_text"],
        anchor=Anchor(AnchorKind(r["anchor_kind"]), r["anchor_date"], r["anchor_text"], r["anchor_source"]),
        period=r["period"],
        due_date=r["due_date"],
        recurrence=r["recurrence"],
        status=Status(r["status"]),
        confidence=r["confidence"],
        tags=_json_list(r["tags"]),
        flags=_json_list(r["flags"]),
        explanation=steps_from_list(json.loads(r["explanation"] or "[]")) if explain else (),
        computed_due=r["computed_due"],
        override_due=r["override_due"],
        override_reason=r["override_reason"],
        sequence=r["sequence"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        quote=first.quote if first else "",
        url=first.url if first else None,
        title=first.title if first else None,
        mentions=ms,
    )
