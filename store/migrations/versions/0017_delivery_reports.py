"""Delivery report requests: who gets a broadcast's report card once nothing of it is left to send.

Revision ID: deliveryreports01
Revises: joins01
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "deliveryreports01"
down_revision = "joins01"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "delivery_reports",
        sa.Column("broadcast", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("reported_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("broadcast", name=op.f("pk_delivery_reports")),
    )
    op.create_index(op.f("ix_delivery_reports_recipient"), "delivery_reports", ["recipient"])


def downgrade() -> None:
    op.drop_index(op.f("ix_delivery_reports_recipient"), table_name="delivery_reports")
    op.drop_table("delivery_reports")
