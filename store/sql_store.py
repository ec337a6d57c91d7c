"""`SqlStore`: every per-concern query mixin on one engine, and `open_store` that builds it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from core.badges import BadgeClass
from core.errors import Unavailable
from core.networks import Network
from core.people import Organization
from store.activities import ActivityQueries
from store.assessment import AssessmentQueries
from store.audit import AuditQueries
from store.badges import BadgeQueries, load_badge_classes, seed_badge_classes
from store.coaching import CoachingQueries
from store.consents import ConsentQueries
from store.conversations import ConversationQueries
from store.database import Database, Setup
from store.delivery_reports import DeliveryReportQueries
from store.engine import create_engine
from store.joins import JoinQueries
from store.materials import MaterialQueries
from store.meetings import MeetingQueries
from store.networks import NetworkQueries, load_catalogue, seed_networks
from store.organizations_file import DEFAULT_ORGANIZATIONS_FILE, load_organizations
from store.outbox import OutboxQueries
from store.people import PeopleQueries, save_organizations
from store.personal import PersonalDataQueries
from store.polls import PollQueries
from store.report import ReportQueries
from store.retention import RetentionQueries
from store.schema import bring_to_head
from store.survey import SurveyQueries
from store.teams import TeamQueries
from store.urls import describe, normalize_url, sqlite_path

log = logging.getLogger(__name__)


class SqlStore(
    PeopleQueries,
    ConversationQueries,
    ActivityQueries,
    AuditQueries,
    TeamQueries,
    OutboxQueries,
    DeliveryReportQueries,
    PollQueries,
    NetworkQueries,
    SurveyQueries,
    MaterialQueries,
    MeetingQueries,
    AssessmentQueries,
    BadgeQueries,
    CoachingQueries,
    ConsentQueries,
    ReportQueries,
    JoinQueries,
    PersonalDataQueries,
    RetentionQueries,
    Database,
):
    """Implements `core.store.Store` (and so each narrow Protocol) on SQLite or PostgreSQL."""


def _setup(
    url_path: Path | None,
    organizations: Sequence[Organization],
    networks: Sequence[Network],
    badge_classes: Sequence[BadgeClass] = (),
) -> Setup:
    async def setup(engine: AsyncEngine) -> None:
        if url_path is not None:
            await asyncio.to_thread(url_path.parent.mkdir, parents=True, exist_ok=True)
        async with engine.begin() as conn:
            await bring_to_head(conn)
            if organizations:
                await save_organizations(conn, organizations)
            added = await seed_networks(conn, engine.dialect.name, networks)
            new_badges = await seed_badge_classes(conn, engine.dialect.name, badge_classes)
        log.info("database migrated to head; %d organisations from the seed file", len(organizations))
        if added:
            log.info("network catalogue: %d networks added from the catalogue file", added)
        if new_badges:
            log.info("badges: %d built-in badge classes added from the badge file", new_badges)

    return setup


async def open_store(
    database_url: str,
    *,
    organizations_file: Path | None = None,
    networks_file: Path | None = None,
    badges_file: Path | None = None,
) -> SqlStore:
    """The store for `DATABASE_URL`, migrated to the newest schema, organisations seeded from the file.

    `organizations_file` defaults to `config/organizations.yml` of the checkout (skipped if missing); its
    organisations are inserted or updated by key on every start, others are left alone. The networks of
    `networks_file` (the service passes `config/networks.yml`) whose key is new are added on every start;
    edited ones are left alone; likewise the built-in badge classes of `badges_file` (`config/badges.yml`).
    A malformed URL or seed file raises ValueError. An unreachable database does not raise: the store is
    returned, logs a warning, raises `core.errors.Unavailable` from every call (and `ping`) meanwhile,
    and finishes migrating by itself on the first call after the database is back.
    """
    url = normalize_url(database_url)
    path = organizations_file or DEFAULT_ORGANIZATIONS_FILE
    if organizations_file is not None or path.exists():
        organizations = await load_organizations(path)
    else:
        organizations = []
    networks = await load_catalogue(networks_file) if networks_file is not None else []
    badge_classes = await load_badge_classes(badges_file) if badges_file is not None else []
    store = SqlStore(create_engine(url), _setup(sqlite_path(url), organizations, networks, badge_classes))
    try:
        await store.ensure_ready()
    except Unavailable as error:
        log.warning("database %s unreachable at start (%s); retrying on use", describe(url), error.__cause__)
    return store
