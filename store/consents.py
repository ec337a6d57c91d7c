"""FileConsent contexts already used, across instances (`core.material_offers.UsedContexts`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base, UtcDateTime, insert_for
from store.database import Database


class UsedConsentRow(Base):
    __tablename__ = "used_consents"

    key: Mapped[str] = mapped_column(String, primary_key=True)  # "<kind>:<random offer id>"
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class ConsentQueries(Database):
    async def use_once(self, key: str, expires_at: datetime) -> bool:
        async with self._tx() as conn:
            stmt = insert_for(self.dialect, UsedConsentRow).values(key=key, expires_at=expires_at)
            result = await conn.execute(stmt.on_conflict_do_nothing(index_elements=[UsedConsentRow.key]))
            return (result.rowcount or 0) == 1

    async def purge_consents_before(self, moment: datetime) -> int:
        async with self._tx() as conn:
            result = await conn.execute(delete(UsedConsentRow).where(UsedConsentRow.expires_at < moment))
            return result.rowcount or 0
