"""``articles.links``: the URLs an article links to where its source says so (a Telegram post's
links, which tie it to the article it announces); existing articles get an empty list

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("links", sa.JSON(), nullable=True))
    op.execute("UPDATE articles SET links = '[]'")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("links", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("links")
