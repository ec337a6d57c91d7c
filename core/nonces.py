"""Form nonces: a form that creates something (a poll, a meeting) carries a random id signed by the server,
and what the form creates takes that id. A second submit of the same form, or two at once, finds the id
taken and creates nothing; the store's primary key settles a race. The signature keeps the ids ours: a
client cannot choose an id (say, another poll's), and a nonce of one kind of form does not fit another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from core.errors import Invalid
from core.keys import ServerKey

BAD_NONCE = "form.error.bad_nonce"
_SHAPE = re.compile(r"[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}")


def _signature(key: ServerKey, purpose: str, raw: str) -> str:
    mac = hmac.new(key.derive(b"form-nonce"), f"{purpose}\x00{raw}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")


def issue(key: ServerKey, purpose: str) -> str:
    """A fresh nonce for a form of `purpose` ("poll", "meeting")."""
    raw = secrets.token_urlsafe(16)
    return f"{raw}.{_signature(key, purpose, raw)}"


def id_of(key: ServerKey, purpose: str, nonce: object) -> str | None:
    """The id a submitted form's nonce stands for; None for a form without one (sent before forms had
    nonces: it creates with a fresh id). `Invalid` for anything malformed or not signed by us."""
    if nonce is None:
        return None
    if not isinstance(nonce, str) or not _SHAPE.fullmatch(nonce):
        raise Invalid(BAD_NONCE)
    raw, signature = nonce.split(".")
    if not hmac.compare_digest(signature, _signature(key, purpose, raw)):
        raise Invalid(BAD_NONCE)
    return raw
