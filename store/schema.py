"""Every table of the store on one metadata: Alembic's target. A new concern adds its module here."""

from __future__ import annotations

from sqlalchemy import MetaData

from store import (  # noqa: F401  (tables register on import)
    activities,
    assessment,
    audit,
    badges,
    coaching,
    consents,
    conversations,
    delivery_reports,
    joins,
    materials,
    meetings,
    networks,
    outbox,
    people,
    polls,
    survey,
    teams,
)
from store.base import Base


def metadata() -> MetaData:
    return Base.metadata
