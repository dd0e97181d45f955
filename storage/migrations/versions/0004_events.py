"""events: what a save found worth an alert, written without knowing channels; the dispatcher
routes each into outbox rows (one per channel) and marks it routed

The outbox is left as it is: its rows are already routed, and pending ones are claimed and sent
as before. Every event they came from is carried over as an event routed when its first row was
created, so that re-saving an article alerted before the upgrade writes no event again. A
downgrade drops the table (events not routed by then are lost: dispatch before downgrading).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-10
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHUNK = 1000
OUTBOX = sa.table(
    "outbox",
    sa.column("id", sa.Integer),
    sa.column("delivery_key", sa.String),
    sa.column("channel", sa.String),
    sa.column("event_type", sa.String),
    sa.column("meeting_id", sa.Integer),
    sa.column("article_id", sa.Integer),
    sa.column("payload", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
MEETINGS = sa.table(
    "meetings", sa.column("id", sa.Integer), sa.column("region", sa.String), sa.column("kind")
)
HEALTH_FIELDS = ("key", "subject", "text")


def upgrade() -> None:
    events = op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_events_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_events_meeting_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("event_key", name=op.f("uq_events_event_key")),
    )
    op.create_index("ix_events_routed_at", "events", ["routed_at"], unique=False)
    rows = list(_routed_events(op.get_bind()).values())
    for start in range(0, len(rows), CHUNK):
        op.bulk_insert(events, rows[start : start + CHUNK])


def _routed_events(connection: sa.Connection) -> dict[str, dict[str, Any]]:
    """One routed event per event key among the outbox rows (a delivery key is the event's key
    and ``:<channel>``)."""
    query = (
        sa.select(OUTBOX, MEETINGS.c.region, MEETINGS.c.kind)
        .select_from(OUTBOX.outerjoin(MEETINGS, MEETINGS.c.id == OUTBOX.c.meeting_id))
        .order_by(OUTBOX.c.id)
    )
    found: dict[str, dict[str, Any]] = {}
    for row in connection.execute(query):
        suffix = f":{row.channel}"
        if not row.delivery_key.endswith(suffix):
            continue
        payload = row.payload or {}
        found.setdefault(
            row.delivery_key.removesuffix(suffix),
            {
                "event_key": row.delivery_key.removesuffix(suffix),
                "event_type": row.event_type,
                "meeting_id": row.meeting_id,
                "article_id": row.article_id,
                "region": row.region,
                "kind": row.kind,
                "languages": [],
                "payload": {k: payload[k] for k in HEALTH_FIELDS if k in payload},
                "created_at": row.created_at,
                "routed_at": row.created_at,
            },
        )
    return found


def downgrade() -> None:
    op.drop_index("ix_events_routed_at", table_name="events")
    op.drop_table("events")
