"""Themed meetings: presenters, attendees, small groups and their answers.

Revision ID: meetings01
Revises: materials01
Create Date: 2026-11-22 20:35:02.204282
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "meetings01"
down_revision = "materials01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("network_key", sa.String(), nullable=False),
        sa.Column("theme", sa.String(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facilitator", sa.String(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("contributions", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("announcement_conversation", sa.String(), nullable=True),
        sa.Column("announcement_id", sa.String(), nullable=True),
        sa.Column("service_url", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=True),
        sa.Column("bot_id", sa.String(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meetings_network_key"), ["network_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_meetings_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "meeting_attendees",
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_attendees_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person", name=op.f("pk_meeting_attendees")),
    )
    op.create_table(
        "meeting_groups",
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("group_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(none_as_null=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_groups_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person", name=op.f("pk_meeting_groups")),
    )
    op.create_table(
        "meeting_presenters",
        sa.Column("meeting_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_presenters_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person", name=op.f("pk_meeting_presenters")),
    )
    with op.batch_alter_table("meeting_presenters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_presenters_person"), ["person"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("meeting_presenters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_presenters_person"))

    op.drop_table("meeting_presenters")
    op.drop_table("meeting_groups")
    op.drop_table("meeting_attendees")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meetings_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meetings_network_key"))

    op.drop_table("meetings")
