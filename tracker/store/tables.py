"""SQLModel tables: the only place that knows column names. Not domain classes (see model.py).

Layer 3. Dates are `date`; timestamps are aware UTC (stored as UTC, returned aware on every backend).
Every schema change here needs an Alembic migration in `store/migrations/versions/`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC in, aware UTC out, also on SQLite, which keeps no offset."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(nullable: bool = False) -> Any:
    if nullable:
        return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False))


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, sa_column_kwargs={"unique": True}, index=False)
    source: str
    kind: str = Field(max_length=40)
    title: str | None = None
    instrument: str | None = Field(default=None, max_length=80, index=True)
    issued: dt.date | None = None
    published: dt.date | None = None
    enacted: dt.date | None = None
    effective: dt.date | None = None
    url: str | None = None
    size: int = 0
    fetched_at: dt.datetime | None = _ts()


class ObligationRow(SQLModel, table=True):
    __tablename__ = "obligation"
    # 0003: listings read open duties in due order straight off this index (store/listing.py).
    __table_args__ = (sa.Index("ix_obligation_listing", "status", "due_date", "id"),)

    id: str = Field(primary_key=True, max_length=16)
    instrument: str | None = Field(default=None, max_length=80, index=True)
    kind: str = Field(default="unknown", max_length=40)  # instrument kind, selects the date policy
    actor: str
    action: str
    deadline_text: str
    modal: str = ""
    anchor_kind: str = Field(max_length=20)
    anchor_date: dt.date | None = None
    anchor_text: str = ""
    anchor_source: str = ""
    period: str | None = Field(default=None, max_length=32)  # ISO 8601 duration
    expr: str = "{}"  # JSON of the DeadlineExpr, to re-resolve after a policy change or anchor
    computed_due: dt.date | None = None
    due_date: dt.date | None = Field(default=None, index=True)  # override if any, else computed
    recurrence: str | None = None
    status: str = Field(default="open", max_length=16, index=True)
    confidence: float = 0.0
    flags: str = "[]"  # JSON list
    tags: str = "[]"  # JSON list
    explanation: str = "[]"  # JSON list of steps
    override_due: dt.date | None = None
    override_reason: str | None = None
    sequence: int = 0
    created_at: dt.datetime | None = _ts()
    updated_at: dt.datetime | None = _ts()
    # 0002: loose deadline key at creation (merge.find_match); the duty whose completion is this
    # one's anchor; the reason given when a person supplied the anchor date; the completion date.
    origin_key: str | None = None
    anchor_ref: str | None = Field(default=None, max_length=16, index=True)
    anchor_reason: str | None = None  # kept on re-ingest
    completed_on: dt.date | None = None


class MentionRow(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (sa.UniqueConstraint("obligation_id", "document_id", "start", name="uq_mention"),)

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: str = Field(foreign_key="obligation.id", index=True, max_length=16)
    document_id: int = Field(foreign_key="document.id", index=True)
    quote: str
    start: int
    end: int
    role: str = Field(default="primary", max_length=16)  # primary | secondary
    deadline_text: str = ""
    due_date: dt.date | None = None  # what this source claims
    anchor_date: dt.date | None = None
    confidence: float = 0.0
    section: str | None = Field(default=None, max_length=32)  # 0002: "4(b)" in a primary text


class AmendmentRow(SQLModel, table=True):
    """A change one instrument makes to another (amendments.Change), kept so that it also reaches
    duties stored after it; `key` is the change's identity whichever document stated it."""

    __tablename__ = "amendment"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, sa_column_kwargs={"unique": True})  # sha256 of Change.key()
    kind: str = Field(max_length=16)  # amend | revoke | supersede
    target: str = Field(max_length=80, index=True)
    by_instrument: str | None = Field(default=None, max_length=80)
    section: str | None = Field(default=None, max_length=32)
    strike: str | None = None
    insert: str | None = None
    partial: bool = False
    quote: str = ""
    document_id: int | None = Field(default=None, foreign_key="document.id")
    created_at: dt.datetime | None = _ts()


class AuditEventRow(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime | None = _ts()
    who: str = ""
    action: str = Field(max_length=32)  # ingest | merge | override | status | tag | anchor | recompute
    obligation_id: str | None = Field(default=None, index=True, max_length=16)
    document_id: int | None = None
    field_name: str | None = None
    old: str | None = None
    new: str | None = None
    reason: str | None = None


class FeedRow(SQLModel, table=True):
    __tablename__ = "feed"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs={"unique": True}, max_length=120)
    token_sha256: str = Field(sa_column_kwargs={"unique": True}, max_length=64)
    filters: str = "{}"  # JSON
    todo: bool = False
    created_at: dt.datetime | None = _ts()
    revoked_at: dt.datetime | None = _ts(nullable=True)


class ReminderLogRow(SQLModel, table=True):
    __tablename__ = "reminder_log"
    __table_args__ = (
        sa.UniqueConstraint("obligation_id", "recipient", "lead_days", "due_date", name="uq_reminder"),
    )

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: str = Field(index=True, max_length=16)
    recipient: str
    lead_days: int
    due_date: dt.date
    status: str = Field(default="pending", max_length=16)  # pending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    created_at: dt.datetime | None = _ts()
    next_attempt_at: dt.datetime | None = _ts(nullable=True)
    sent_at: dt.datetime | None = _ts(nullable=True)


class SourceRow(SQLModel, table=True):
    __tablename__ = "source"

    id: int | None = Field(default=None, primary_key=True)
    location: str = Field(sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=20)  # folder | file | url | feed | federal_register
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: dt.datetime | None = _ts(nullable=True)
    last_error: str | None = None
    created_at: dt.datetime | None = _ts()


class StateRow(SQLModel, table=True):
    """Small key/value facts, e.g. when feeds last changed (never goes backwards)."""

    __tablename__ = "state"

    key: str = Field(primary_key=True, max_length=64)
    value: str
