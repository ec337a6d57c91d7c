"""Peer coaching: profiles, coaching leads, rounds, their groups and members, check-ins.

Revision ID: coaching01
Revises: badges01
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "coaching01"
down_revision = "badges01"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "coaching_profiles",
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("organization_key", sa.String(), nullable=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("allow_same_organization", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("joined_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_key"],
            ["organizations.key"],
            name=op.f("fk_coaching_profiles_organization_key_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("person", name=op.f("pk_coaching_profiles")),
    )
    with op.batch_alter_table("coaching_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coaching_profiles_organization_key"), ["organization_key"], unique=False
        )

    op.create_table(
        "coaching_leads",
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("named_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("person", name=op.f("pk_coaching_leads")),
    )

    op.create_table(
        "coaching_rounds",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(), nullable=True),
        sa.Column("history_window", sa.Integer(), nullable=True),
        sa.Column("followup_weeks", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("unmatched", sa.JSON(), nullable=False),
        sa.Column("pool", sa.Integer(), nullable=False),
        sa.Column("service_url", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=True),
        sa.Column("bot_id", sa.String(), nullable=True),
        sa.Column("confirmed_by", sa.String(), nullable=True),
        sa.Column("confirmed_at", UTC_DATETIME, nullable=True),
        sa.Column("checkin_due", UTC_DATETIME, nullable=True),
        sa.Column("checkins_sent_at", UTC_DATETIME, nullable=True),
        sa.Column("reminders_sent_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coaching_rounds")),
    )
    with op.batch_alter_table("coaching_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaching_rounds_status"), ["status"], unique=False)

    op.create_table(
        "coaching_groups",
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("repeats", sa.JSON(), nullable=False),
        sa.Column("same_organization", sa.JSON(), nullable=False),
        sa.Column("chat_state", sa.String(), nullable=False),
        sa.Column("chat_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["coaching_rounds.id"],
            name=op.f("fk_coaching_groups_round_id_coaching_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "number", name=op.f("pk_coaching_groups")),
    )
    with op.batch_alter_table("coaching_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaching_groups_chat_state"), ["chat_state"], unique=False)

    op.create_table(
        "coaching_members",
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["coaching_rounds.id"],
            name=op.f("fk_coaching_members_round_id_coaching_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "person", name=op.f("pk_coaching_members")),
    )
    with op.batch_alter_table("coaching_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coaching_members_person"), ["person"], unique=False)

    op.create_table(
        "coaching_checkins",
        sa.Column("round_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(), nullable=True),
        sa.Column("learned", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("answered_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["coaching_rounds.id"],
            name=op.f("fk_coaching_checkins_round_id_coaching_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "person", name=op.f("pk_coaching_checkins")),
    )


def downgrade() -> None:
    op.drop_table("coaching_checkins")
    with op.batch_alter_table("coaching_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_members_person"))
    op.drop_table("coaching_members")
    with op.batch_alter_table("coaching_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_groups_chat_state"))
    op.drop_table("coaching_groups")
    with op.batch_alter_table("coaching_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_rounds_status"))
    op.drop_table("coaching_rounds")
    op.drop_table("coaching_leads")
    with op.batch_alter_table("coaching_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coaching_profiles_organization_key"))
    op.drop_table("coaching_profiles")
