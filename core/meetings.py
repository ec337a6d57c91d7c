"""Themed meetings (tapaamiset) of a peer network: the model both the meetings and materials features share.

A facilitator plans a meeting with a theme, a start time (shown in Europe/Helsinki), 1-3 presenters from the
network and a short description. The presenters fill in the plan (agenda, small-group questions, who brings
what); the meeting is announced in the network channel and members are reminded the day before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from core.networks import Network

HELSINKI = ZoneInfo("Europe/Helsinki")
FOLDER_ROOT = "Tapaamiset"
MIN_PRESENTERS = 1
MAX_PRESENTERS = 3


@dataclass(frozen=True)
class Contribution:
    """One line of 'who brings what': a person (Entra object id) and what they bring."""

    person: str
    what: str


@dataclass(frozen=True)
class Meeting:
    id: str  # uuid4 hex
    network_key: str  # core.networks.Network.key
    theme: str
    starts_at: datetime  # timezone-aware; shown in Europe/Helsinki
    presenters: tuple[str, ...]  # Entra object ids, 1-3
    facilitator: str | None  # who planned it (Entra object id)
    description: str = ""
    agenda: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # small-group questions
    contributions: tuple[Contribution, ...] = ()
    attendees: int = field(default=0, compare=False)  # how many said "I'll attend"
    announcement_id: str | None = None  # activity id of the announcement card in the channel
    version: int = field(default=0, compare=False)  # bumped by every plan edit (optimistic concurrency)
    created_at: datetime | None = field(default=None, compare=False)

    def local_start(self) -> datetime:
        """The start time in Europe/Helsinki."""
        return self.starts_at.astimezone(HELSINKI)

    def folder_path(self) -> str:
        """'Tapaamiset/<YYYY-MM-DD in Helsinki> <theme>'.

        The materials engineer cleans names through graph rules.
        """
        return f"{FOLDER_ROOT}/{self.local_start().date().isoformat()} {self.theme}"


class MeetingStore(Protocol):
    async def get_meeting(self, meeting_id: str) -> Meeting | None: ...

    async def meetings_of_network(self, network_key: str) -> Sequence[Meeting]:
        """The network's meetings, newest (latest start) first."""
        ...

    async def meetings_of_presenter(self, aad_object_id: str) -> Sequence[Meeting]:
        """Meetings the person presents, upcoming and recent, newest first."""
        ...


def may_file_materials(
    meeting: Meeting, network: Network | None, aad_id: str | None, is_coordinator: bool
) -> bool:
    """Presenter of that meeting, the network's facilitator, or a coordinator may file its materials."""
    if is_coordinator:
        return True
    if not aad_id:
        return False
    if aad_id in meeting.presenters:
        return True
    return network is not None and network.key == meeting.network_key and network.facilitator == aad_id
