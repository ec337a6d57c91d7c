"""People, organisations, conversation references, processed activities, audit log, teams.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organizations",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("short_name", sa.String(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_organizations")),
    )
    op.create_table(
        "organization_domains",
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("organization_key", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_key"],
            ["organizations.key"],
            name=op.f("fk_organization_domains_organization_key_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_organization_domains")),
    )
    op.create_index(
        op.f("ix_organization_domains_organization_key"), "organization_domains", ["organization_key"]
    )

    op.create_table(
        "people",
        sa.Column("aad_object_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("upn", sa.String(), nullable=True),
        sa.Column("locale", sa.String(), nullable=True),
        sa.Column("tenant_id", sa.String(), nullable=True),
        sa.Column("organization_key", sa.String(), nullable=True),
        sa.Column("first_seen", UTC_DATETIME, nullable=False),
        sa.Column("last_seen", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_key"],
            ["organizations.key"],
            name=op.f("fk_people_organization_key_organizations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("aad_object_id", name=op.f("pk_people")),
    )
    op.create_index(op.f("ix_people_organization_key"), "people", ["organization_key"])

    op.create_table(
        "conversations",
        sa.Column("conversation_id", sa.String(), nullable=False),
        sa.Column("service_url", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.String(), nullable=True),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("bot_id", sa.String(), nullable=True),
        sa.Column("channel_id", sa.String(), nullable=True),
        sa.Column("team_id", sa.String(), nullable=True),
        sa.Column("user_aad_id", sa.String(), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversations")),
    )
    op.create_index(op.f("ix_conversations_team_id"), "conversations", ["team_id"])
    op.create_index(op.f("ix_conversations_user_aad_id"), "conversations", ["user_aad_id"])

    op.create_table(
        "processed_activities",
        sa.Column("channel_id", sa.String(), nullable=False),
        sa.Column("conversation_id", sa.String(), nullable=False),
        sa.Column("activity_id", sa.String(), nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint(
            "channel_id", "conversation_id", "activity_id", name=op.f("pk_processed_activities")
        ),
    )
    op.create_index(op.f("ix_processed_activities_claimed_at"), "processed_activities", ["claimed_at"])

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"])
    op.create_index("ix_audit_log_target_at", "audit_log", ["target", "at"])

    op.create_table(
        "teams",
        sa.Column("team_id", sa.String(), nullable=False),
        sa.Column("thread_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("tenant_id", sa.String(), nullable=True),
        sa.Column("service_url", sa.String(), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_teams")),
    )


def downgrade() -> None:
    op.drop_table("teams")
    op.drop_index("ix_audit_log_target_at", table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_processed_activities_claimed_at"), table_name="processed_activities")
    op.drop_table("processed_activities")
    op.drop_index(op.f("ix_conversations_user_aad_id"), table_name="conversations")
    op.drop_index(op.f("ix_conversations_team_id"), table_name="conversations")
    op.drop_table("conversations")
    op.drop_index(op.f("ix_people_organization_key"), table_name="people")
    op.drop_table("people")
    op.drop_index(op.f("ix_organization_domains_organization_key"), table_name="organization_domains")
    op.drop_table("organization_domains")
    op.drop_table("organizations")
