"""The long-lived objects one service instance shares between turns: built at start (`bot.app`), passed in.

Each is named and typed; there is no bag of shared state. Features reach them as `turn.services.<name>` and
hand the ports (`store`, `workspace`) to the use cases in `core/`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from bot.background import Background
from bot.files import Downloads
from bot.graph_setup import GraphSide
from bot.guards import KeyedLocks
from bot.i18n import Catalogs
from bot.metrics import Metrics
from bot.settings import Settings
from bot.shared_cards import SharedCards
from core.coaching import CoachingConfig
from core.keys import ServerKey
from core.polls import RecentPolls
from core.questionnaire import Questionnaire
from core.store import Store
from core.workspace import Workspace

if TYPE_CHECKING:
    from bot.badges.web import BadgeService
    from bot.schedules.badges import BadgeEvaluator
    from bot.turn import Turn
    from core.assessment import Assessment


class Outbox(Protocol):
    """This instance's outbox worker, as features see it: told to look for new messages at once."""

    def wake(self) -> None: ...


@dataclass
class Services:
    settings: Settings
    catalogs: Catalogs
    metrics: Metrics
    store: Store
    workspace: Workspace  # the project team's channels and files (Graph, or its local sandbox)
    graph: GraphSide
    key: ServerKey  # keys anonymous ballots, signs FileConsent contexts
    background: Background  # work that outlives its turn; shutdown awaits it
    downloads: Downloads  # fetching files people send, PUTting files to Teams' upload URLs: allow-listed
    outbox: Outbox
    shared_cards: SharedCards  # coalesced updates of shared card messages (polls)
    recent_polls: RecentPolls  # the two-second read cache of the vote path
    launch_locks: KeyedLocks  # one network launch at a time per network
    questionnaire: Questionnaire  # the self-assessment's, read from ASSESSMENT_FILE at start
    badges: BadgeService  # the badge signing key and issuer Profile
    coaching: CoachingConfig  # themes, organisations owned by the seed file, group-chat settings
    # what happens when someone completes a self-assessment (badges award theirs), without features
    # importing each other
    on_assessment_done: list[Callable[[Turn, Assessment], Awaitable[None]]] = field(default_factory=list)
    badge_evaluator: BadgeEvaluator | None = None  # awards automatic badges every few minutes
