"""Polls keep the serviceUrl of their channel, so the scheduler can update the card when a poll closes.

Revision ID: pollurl01
Revises: hardening01
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pollurl01"
down_revision = "hardening01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("polls", sa.Column("service_url", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("service_url")
