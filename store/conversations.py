"""Conversation references for proactive messages (`core.conversations.ConversationStore`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, mapped_column

from core.conversations import SCOPES, ConversationRef, base_conversation_id
from core.errors import Invalid
from store.base import Base, UtcDateTime, insert_for, utcnow
from store.database import Database


class ConversationRow(Base):
    __tablename__ = "conversations"

    conversation_id: Mapped[str] = mapped_column(String, primary_key=True)
    service_url: Mapped[str] = mapped_column(String)
    tenant_id: Mapped[str | None] = mapped_column(String)
    scope: Mapped[str] = mapped_column(String)
    bot_id: Mapped[str | None] = mapped_column(String)
    channel_id: Mapped[str | None] = mapped_column(String)
    team_id: Mapped[str | None] = mapped_column(String, index=True)
    user_aad_id: Mapped[str | None] = mapped_column(String, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


def _ref(row: Any) -> ConversationRef:
    return ConversationRef(
        service_url=row.service_url,
        conversation_id=row.conversation_id,
        tenant_id=row.tenant_id,
        scope=row.scope,
        bot_id=row.bot_id,
        channel_id=row.channel_id,
        team_id=row.team_id,
        user_aad_id=row.user_aad_id,
        updated_at=row.updated_at,
    )


def _save_conversation(dialect: str) -> Any:
    table = ConversationRow.__table__
    stmt = insert_for(dialect, table)
    changes = {
        column.name: stmt.excluded[column.name] for column in table.c if column.name != "conversation_id"
    }
    return stmt.on_conflict_do_update(index_elements=[table.c.conversation_id], set_=changes)


class ConversationQueries(Database):
    async def save_conversation(self, ref: ConversationRef) -> None:
        if ref.scope not in SCOPES:
            raise Invalid("store.conversation.bad_scope", scope=ref.scope)
        if not ref.conversation_id or not ref.service_url:
            raise Invalid("store.conversation.incomplete")
        conversation_id = (
            base_conversation_id(ref.conversation_id) if ref.scope == "channel" else ref.conversation_id
        )
        values = {
            "conversation_id": conversation_id,
            "service_url": ref.service_url,
            "tenant_id": ref.tenant_id,
            "scope": ref.scope,
            "bot_id": ref.bot_id,
            "channel_id": ref.channel_id,
            "team_id": ref.team_id,
            "user_aad_id": ref.user_aad_id,
            "updated_at": utcnow(),
        }
        upsert = self._statement("save_conversation", _save_conversation)
        async with self._tx() as conn:
            await conn.execute(upsert, values)

    async def get_conversation(self, conversation_id: str) -> ConversationRef | None:
        async with self._tx() as conn:
            row = (
                await conn.execute(
                    select(ConversationRow.__table__).where(
                        ConversationRow.conversation_id.in_(
                            {conversation_id, base_conversation_id(conversation_id)}
                        )
                    )
                )
            ).first()
        return _ref(row) if row else None

    async def personal_conversation(self, user_aad_id: str) -> ConversationRef | None:
        async with self._read() as conn:
            row = (
                await conn.execute(
                    select(ConversationRow.__table__)
                    .where(ConversationRow.user_aad_id == user_aad_id, ConversationRow.scope == "personal")
                    .order_by(ConversationRow.updated_at.desc())
                    .limit(1)
                )
            ).first()
        return _ref(row) if row else None

    async def team_conversations(self, team_id: str) -> Sequence[ConversationRef]:
        async with self._tx() as conn:
            rows = await conn.execute(
                select(ConversationRow.__table__)
                .where(ConversationRow.team_id == team_id, ConversationRow.scope == "channel")
                .order_by(ConversationRow.conversation_id)
            )
            return [_ref(row) for row in rows]
