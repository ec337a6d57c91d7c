"""The service's own secret key: it keys anonymous ballots and signs card contexts, and is never stored in the
database (a dump must not be enough to link a vote to a person). Built once at start (`bot.secret`)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServerKey:
    """`secret` is POLL_SECRET, or the key file under `var/`; instances that share a database share it."""

    secret: bytes = field(repr=False)

    def derive(self, purpose: bytes) -> bytes:
        """A key of its own for one purpose (e.g. signing FileConsent contexts), so uses never mix."""
        return hmac.new(self.secret, purpose, hashlib.sha256).digest()
