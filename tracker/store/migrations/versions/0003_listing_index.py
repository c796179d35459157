"""listing indexes, compact tags: open duties in due order without a sort, tags printed as stored

Tags were stored as `json.dumps` wrote them by default (", " between items, non-ASCII escaped);
from here on they are compact with non-ASCII as itself, so a listing can print them as they are
on both backends.

On SQLite a second index holds each duty's `tracker list --json` line, computed by SQLite as rows
are written: a listing of 100,000 duties then reads its lines off the index (35 ms) instead of
building them (200 ms), for about 0.45 kB more per duty on disk. SQLite uses the index only where
a query's expression is this one, so `tracker.store.listing._SQLITE_JSON` must stay equal to it (a
test checks the plan); a listing whose expression differs is still right, only slower. PostgreSQL
cannot answer an expression from an index alone and gets the plain index only.

The encoding and the expression are written out here rather than imported: a migration stays
what it was when it ran.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 14:00:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


LIST_JSON = """json_object(
 'id', id, 'instrument', instrument, 'actor', actor, 'action', action,
 'deadline_text', deadline_text,
 'anchor', json_object('kind', anchor_kind, 'date', anchor_date, 'text', anchor_text),
 'period', period, 'due_date', due_date, 'recurrence', recurrence, 'status', status,
 'tags', json(tags),
 'confidence', CASE WHEN confidence = CAST(confidence AS INTEGER) THEN CAST(confidence AS INTEGER)
                    ELSE confidence END)"""


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, tags FROM obligation WHERE tags <> '[]'")).fetchall()
    for oid, tags in rows:
        compact = json.dumps(json.loads(tags), ensure_ascii=False, separators=(",", ":"))
        if compact != tags:
            conn.execute(
                sa.text("UPDATE obligation SET tags = :tags WHERE id = :id"), {"tags": compact, "id": oid}
            )
    op.create_index("ix_obligation_listing", "obligation", ["status", "due_date", "id"], unique=False)
    if conn.dialect.name == "sqlite" and _json_functions(conn):
        op.execute(f"CREATE INDEX ix_obligation_list_json ON obligation (status, due_date, id, {LIST_JSON})")


def _json_functions(conn: sa.Connection) -> bool:
    """A SQLite built without JSON functions (an option before 3.38) gets no line index."""
    try:
        conn.execute(sa.text("SELECT json_object('a', 1)"))
    except sa.exc.OperationalError:
        return False
    return True


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_obligation_list_json")
    op.drop_index("ix_obligation_listing", table_name="obligation")
