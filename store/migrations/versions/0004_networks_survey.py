"""Peer networks, their members, the needs-mapping survey and its answers.

Revision ID: networks01
Revises: polls01
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "networks01"
down_revision = "polls01"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_fi", sa.String(), nullable=False),
        sa.Column("name_en", sa.String(), nullable=False),
        sa.Column("purpose_fi", sa.Text(), nullable=False),
        sa.Column("purpose_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("candidate", sa.Boolean(), nullable=False),
        sa.Column("facilitator", sa.String(), nullable=True),
        sa.Column("channel_id", sa.String(), nullable=True),
        sa.Column("launch_step", sa.String(), nullable=False),
        sa.Column("launch_error", sa.String(), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_networks")),
    )
    op.create_table(
        "network_members",
        sa.Column("network_key", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("joined_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["network_key"],
            ["networks.key"],
            name=op.f("fk_network_members_network_key_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_key", "person", name=op.f("pk_network_members")),
    )
    op.create_index(op.f("ix_network_members_person"), "network_members", ["person"])
    op.create_table(
        "surveys",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("team_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("open_slot", sa.Integer(), nullable=True),
        sa.Column("started_by", sa.String(), nullable=False),
        sa.Column("started_at", UTC_DATETIME, nullable=False),
        sa.Column("closed_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("open_slot", name=op.f("uq_surveys_open_slot")),
    )
    op.create_index(op.f("ix_surveys_started_at"), "surveys", ["started_at"])
    op.create_table(
        "survey_answers",
        sa.Column("survey_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("organization", sa.String(), nullable=False),
        sa.Column("existing", sa.Text(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("join", sa.Boolean(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("answered_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_answers_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("survey_id", "person", name=op.f("pk_survey_answers")),
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    op.drop_index(op.f("ix_surveys_started_at"), table_name="surveys")
    op.drop_table("surveys")
    op.drop_index(op.f("ix_network_members_person"), table_name="network_members")
    op.drop_table("network_members")
    op.drop_table("networks")
