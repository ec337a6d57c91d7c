"""Outbox priority: urgent messages (reminders, card updates) are claimed before broadcasts.

Revision ID: outboxprio01
Revises: coaching01
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "outboxprio01"
down_revision = "coaching01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both engines (SQLite takes NOT NULL with a default): no copy of the table.
    op.add_column("outbox", sa.Column("priority", sa.Integer(), server_default=sa.text("1"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
