"""lifecycle: amendments, chained and supplied anchors, completion dates, mention sections

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import tracker.store.tables

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin_key", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(
            sa.Column("anchor_ref", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("anchor_reason", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_obligation_anchor_ref"), ["anchor_ref"], unique=False)

    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))

    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("by_instrument", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("section", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("strike", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("insert", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("quote", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracker.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_target"), ["target"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_target"))

    op.drop_table("amendment")
    with op.batch_alter_table("mention", schema=None) as batch_op:
        batch_op.drop_column("section")

    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligation_anchor_ref"))
        batch_op.drop_column("completed_on")
        batch_op.drop_column("anchor_reason")
        batch_op.drop_column("anchor_ref")
        batch_op.drop_column("origin_key")
