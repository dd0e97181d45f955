"""lean article writes: the current version shares its lead and body with the article, and
``articles.url_key`` loses its unique index (``article_urls`` already keys every URL form)

On SQLite both tables are rebuilt; ``storage.migrate.upgrade`` turns foreign keys off around the
migration so that dropping the old ``articles`` table cascades nowhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CURRENT = (
    "article_versions.version = "
    "(SELECT articles.version FROM articles WHERE articles.id = article_versions.article_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint("uq_articles_url_key", type_="unique")
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.alter_column("lead", existing_type=sa.Text(), nullable=True)
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=True)
    op.execute(f"UPDATE article_versions SET lead = NULL, body = NULL WHERE {CURRENT}")


def downgrade() -> None:
    op.execute(
        "UPDATE article_versions SET"
        " lead = (SELECT lead FROM articles WHERE articles.id = article_versions.article_id),"
        " body = (SELECT body FROM articles WHERE articles.id = article_versions.article_id)"
        " WHERE body IS NULL"
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.alter_column("lead", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("body", existing_type=sa.Text(), nullable=False)
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_articles_url_key", ["url_key"])
