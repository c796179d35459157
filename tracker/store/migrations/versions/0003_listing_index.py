"""listing index, compact tags: open duties in due order without a sort, tags printed as stored

Tags were stored as `json.dumps` wrote them by default (", " between items, non-ASCII escaped);
from here on they are compact with non-ASCII as itself, so a listing can print them as they are
on both backends. The encoding is written out here rather than imported: a migration stays what
it was when it ran.

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


def upgrade() -> None:
    op.create_index("ix_obligation_listing", "obligation", ["status", "due_date", "id"], unique=False)
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, tags FROM obligation WHERE tags <> '[]'")).fetchall()
    for oid, tags in rows:
        compact = json.dumps(json.loads(tags), ensure_ascii=False, separators=(",", ":"))
        if compact != tags:
            conn.execute(
                sa.text("UPDATE obligation SET tags = :tags WHERE id = :id"), {"tags": compact, "id": oid}
            )


def downgrade() -> None:
    op.drop_index("ix_obligation_listing", table_name="obligation")
