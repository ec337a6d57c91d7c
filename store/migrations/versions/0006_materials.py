"""Meeting materials the bot filed, and drafts waiting for their meeting.

Revision ID: materials01
Revises: networks01
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "materials01"
down_revision = "networks01"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "materials",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("network_key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("web_url", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("added_by", sa.String(), nullable=True),
        sa.Column("added_at", UTC_DATETIME, nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_materials")),
        sa.UniqueConstraint("item_id", name=op.f("uq_materials_item_id")),
    )
    op.create_index("ix_materials_meeting_added", "materials", ["meeting_id", "added_at"])
    op.create_table(
        "material_drafts",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("download_url", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(), nullable=False),
        sa.Column("service_url", sa.String(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_material_drafts")),
    )
    op.create_index(op.f("ix_material_drafts_owner"), "material_drafts", ["owner"])


def downgrade() -> None:
    op.drop_index(op.f("ix_material_drafts_owner"), table_name="material_drafts")
    op.drop_table("material_drafts")
    op.drop_index("ix_materials_meeting_added", table_name="materials")
    op.drop_table("materials")
