"""The audit log: who changed what, and when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class AuditEntry:
    """One change: `actor` is an Entra object id (or `system`), `action` a dotted verb such as
    `organization.save`, `target` what was changed (e.g. `organization:omnia`)."""

    actor: str
    action: str
    target: str
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None


class AuditLog(Protocol):
    """Append-only record of changes."""

    async def record(
        self, actor: str, action: str, target: str, details: Mapping[str, Any] | None = None
    ) -> AuditEntry:
        """Append an entry stamped with the current time; `details` must be JSON-serialisable."""
        ...

    async def audit_entries(self, *, target: str | None = None, limit: int = 100) -> Sequence[AuditEntry]:
        """The newest entries first, optionally only those about one target."""
        ...
