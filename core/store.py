"""The whole persistence port: every per-concern store Protocol, plus health and shutdown."""

from __future__ import annotations

from typing import Protocol

from core.activities import ActivityLog
from core.assessment import AssessmentStore
from core.audit import AuditLog
from core.badges import BadgeStore
from core.coaching_orgs import OrganizationStore
from core.coaching_rounds import RoundStore
from core.conversations import ConversationStore
from core.delivery_reports import ReportStore
from core.joins import JoinStore
from core.material_offers import UsedContexts
from core.materials import MaterialStore
from core.meetings import MeetingRecords
from core.mydata import PersonalDataStore
from core.networks import NetworkStore
from core.outbox import OutboxStore
from core.people import PeopleStore
from core.polls import PollStore
from core.report import ActivityStore
from core.retention import RetentionStore
from core.survey import SurveyStore
from core.teams import TeamStore


class Store(
    ReportStore,  # PeopleStore and OutboxStore, and the delivery reports of broadcasts
    RetentionStore,  # ActivityLog and the retention purges
    PersonalDataStore,  # PeopleStore and AuditLog, and a person's data across every table
    OrganizationStore,  # PeopleStore and the coaching organisation catalogue
    PeopleStore,
    ConversationStore,
    ActivityLog,
    AuditLog,
    TeamStore,
    OutboxStore,
    PollStore,
    NetworkStore,
    SurveyStore,
    MaterialStore,
    UsedContexts,
    MeetingRecords,
    AssessmentStore,
    BadgeStore,
    RoundStore,
    ActivityStore,
    JoinStore,
    Protocol,
):
    """What `store.SqlStore` implements; features should ask for the narrow Protocol they use."""

    async def ping(self) -> None:
        """Return when the database answers; raise `core.errors.Unavailable` when it does not."""
        ...

    async def close(self) -> None: ...
