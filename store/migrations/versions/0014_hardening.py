"""Hardening: the project team's members, FileConsent contexts used, filings that survive a restart.

- `team_members`: who is in a team now (the survey goes to them only);
- `used_consents`: FileConsent contexts already used, on any instance, until they expire;
- `material_drafts.meeting_id`, `.job`, `.claimed_until`: a draft chosen for a meeting stays until its
  file has landed, so a transfer cut off by a restart is resumed.

Revision ID: hardening01
Revises: outboxprio01
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "hardening01"
down_revision = "outboxprio01"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.String(), nullable=False),
        sa.Column("person", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("team_id", "person", name=op.f("pk_team_members")),
    )
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_members_person"), ["person"], unique=False)

    op.create_table(
        "used_consents",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("expires_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_used_consents")),
    )
    with op.batch_alter_table("used_consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_used_consents_expires_at"), ["expires_at"], unique=False)

    with op.batch_alter_table("material_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meeting_id", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("job", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("material_drafts", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("job")
        batch_op.drop_column("meeting_id")
    with op.batch_alter_table("used_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_used_consents_expires_at"))
    op.drop_table("used_consents")
    with op.batch_alter_table("team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_members_person"))
    op.drop_table("team_members")
