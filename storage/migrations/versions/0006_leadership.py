"""Scheduler leadership and fencing: the ``leadership`` row (the current term), the term and
launcher id of each crawl run and the node that ran it, the term of each outbox claim

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leadership",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("term", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("holder", sa.String(255), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
    )
    op.execute("INSERT INTO leadership (id, term) VALUES (1, 0)")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_id", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("node", sa.String(255), nullable=True))
        batch_op.add_column(sa.Column("term", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_crawl_runs_launch_id", ["launch_id"])
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_term", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claim_term")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_crawl_runs_launch_id")
        batch_op.drop_column("term")
        batch_op.drop_column("node")
        batch_op.drop_column("launch_id")
    op.drop_table("leadership")
