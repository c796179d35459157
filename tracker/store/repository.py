"""Reads and writes of the store, in domain terms; the only module that writes SQL for use cases.

Layer 3. Inserts that may race with another process use INSERT .. ON CONFLICT DO NOTHING and
read back, so two ingests at once create no twins (PostgreSQL and SQLite alike).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from tracker.errors import NotFound, UsageError
from tracker.model import Anchor, AnchorKind, Mention, Status, Tracked
from tracker.serialize import steps_from_list
from tracker.store.tables import (
    AuditEventRow,
    DocumentRow,
    MentionRow,
    ObligationRow,
    StateRow,
    utcnow,
)


@dataclass(frozen=True, slots=True)
class Filters:
    """Shared by `tracker list`, `tracker feed`, feeds and the web page."""

    due_before: dt.date | None = None
    due_after: dt.date | None = None
    actor: str | None = None  # case-insensitive substring of the actor
    instrument: str | None = None
    tag: str | None = None
    status: tuple[str, ...] | None = None  # None: every status
    dated_only: bool = False
    limit: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else list(v) if isinstance(v, tuple) else v)
            for k, v in (
                ("due_before", self.due_before),
                ("due_after", self.due_after),
                ("actor", self.actor),
                ("instrument", self.instrument),
                ("tag", self.tag),
                ("status", self.status),
            )
            if v is not None
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Filters:
        return cls(
            due_before=dt.date.fromisoformat(data["due_before"]) if data.get("due_before") else None,
            due_after=dt.date.fromisoformat(data["due_after"]) if data.get("due_after") else None,
            actor=data.get("actor"),
            instrument=data.get("instrument"),
            tag=data.get("tag"),
            status=tuple(data["status"]) if data.get("status") else None,
        )


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
        raise NotFound("no such obligation", where=text)

    def add_obligation(self, values: dict[str, Any]) -> bool:
        return insert_ignore(self.session, ObligationRow, values, ["id"])

    def add_mention(self, values: dict[str, Any]) -> bool:
        return insert_ignore(self.session, MentionRow, values, ["obligation_id", "document_id", "start"])

    def query(self, f: Filters) -> list[ObligationRow]:
        q = select(ObligationRow)
        if f.status:
            q = q.where(col(ObligationRow.status).in_(f.status))
        if f.due_before:
            q = q.where(col(ObligationRow.due_date) <= f.due_before)
        if f.due_after:
            q = q.where(col(ObligationRow.due_date) >= f.due_after)
        if f.dated_only or f.due_before or f.due_after:
            q = q.where(col(ObligationRow.due_date).is_not(None))
        if f.actor:
            q = q.where(sa.func.lower(ObligationRow.actor).contains(f.actor.lower(), autoescape=True))
        if f.instrument:
            q = q.where(sa.func.lower(ObligationRow.instrument) == f.instrument.lower())
        if f.tag:
            q = q.where(col(ObligationRow.tags).contains(json.dumps(f.tag), autoescape=True))
        q = q.order_by(
            col(ObligationRow.due_date).is_(None), col(ObligationRow.due_date), col(ObligationRow.id)
        )
        if f.limit:
            q = q.limit(f.limit)
        return list(self.session.exec(q).all())

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
    ms = tuple(
        Mention(
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
        for m, d in mentions
    )
    first = ms[0] if ms else None
    return Tracked(
        id=row.id,
        instrument=row.instrument,
        kind=row.kind,
        actor=row.actor,
        action=row.action,
        deadline_text=row.deadline_text,
        anchor=Anchor(AnchorKind(row.anchor_kind), row.anchor_date, row.anchor_text, row.anchor_source),
        period=row.period,
        due_date=row.due_date,
        recurrence=row.recurrence,
        status=Status(row.status),
        confidence=row.confidence,
        tags=tuple(json.loads(row.tags or "[]")),
        flags=tuple(json.loads(row.flags or "[]")),
        explanation=steps_from_list(json.loads(row.explanation or "[]")),
        computed_due=row.computed_due,
        override_due=row.override_due,
        override_reason=row.override_reason,
        sequence=row.sequence,
        created_at=row.created_at,
        updated_at=row.updated_at,
        quote=first.quote if first else "",
        url=first.url if first else None,
        title=first.title if first else None,
        mentions=ms,
    )
