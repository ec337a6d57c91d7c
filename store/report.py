"""The activity report's reading of a period (`core.report.ActivityStore`): one read-only transaction over
meetings, materials, polls, surveys, self-assessments and badges, so every count is of the same moment."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.polls import PollKind
from core.report import ActivityRecords, AwardRecord, MeetingRecord, PollRecord
from store.assessment import AssessmentRow
from store.badges import BadgeAwardRow as AwardRow
from store.coaching import CoachingProfileRow as ProfileRow
from store.database import Database
from store.materials import MaterialRow
from store.meetings import MeetingAttendeeRow, MeetingGroupRow, MeetingPresenterRow, MeetingRow
from store.networks import NetworkMemberRow
from store.people import PersonRow
from store.polls import BallotRow, PollRow
from store.survey import SurveyRow, _survey


class ReportQueries(Database):
    async def activity_between(self, start: datetime, end: datetime) -> ActivityRecords:
        async with self._read() as conn:
            meetings = await _meetings(conn, start, end)
            materials = await conn.execute(
                select(MaterialRow.network_key).where(
                    MaterialRow.added_at >= start, MaterialRow.added_at < end
                )
            )
            surveys = await conn.execute(
                select(SurveyRow.__table__).where(SurveyRow.started_at >= start, SurveyRow.started_at < end)
            )
            assessed = await conn.execute(
                select(AssessmentRow.person).where(
                    AssessmentRow.completed_at >= start, AssessmentRow.completed_at < end
                )
            )
            awards = await conn.execute(
                select(AwardRow.class_key, AwardRow.organization, AwardRow.revoked_at).where(
                    AwardRow.issued_at >= start, AwardRow.issued_at < end
                )
            )
            members = await conn.execute(
                select(NetworkMemberRow.network_key, func.count(distinct(NetworkMemberRow.person))).group_by(
                    NetworkMemberRow.network_key
                )
            )
            return ActivityRecords(
                meetings=meetings,
                materials=[key for (key,) in materials],
                polls=await _polls(conn, start, end),
                surveys=[_survey(row) for row in surveys],
                assessments=[person for (person,) in assessed],
                awards=[AwardRecord(key, org, revoked is not None) for key, org, revoked in awards],
                network_members={key: int(count) for key, count in members},
                organizations=await _organizations(conn),
            )


async def _meetings(conn: AsyncConnection, start: datetime, end: datetime) -> list[MeetingRecord]:
    rows = (
        await conn.execute(
            select(MeetingRow.id, MeetingRow.network_key, MeetingRow.theme, MeetingRow.starts_at).where(
                MeetingRow.starts_at >= start, MeetingRow.starts_at < end
            )
        )
    ).all()
    ids = [row.id for row in rows]
    if not ids:
        return []
    presenters: dict[str, list[str]] = defaultdict(list)
    attendees: dict[str, list[str]] = defaultdict(list)
    grouped: dict[str, list[str]] = defaultdict(list)
    groups: dict[str, set[int]] = defaultdict(set)
    for meeting_id, person in await conn.execute(
        select(MeetingPresenterRow.meeting_id, MeetingPresenterRow.person).where(
            MeetingPresenterRow.meeting_id.in_(ids)
        )
    ):
        presenters[meeting_id].append(person)
    for meeting_id, person in await conn.execute(
        select(MeetingAttendeeRow.meeting_id, MeetingAttendeeRow.person).where(
            MeetingAttendeeRow.meeting_id.in_(ids)
        )
    ):
        attendees[meeting_id].append(person)
    for meeting_id, person, number in await conn.execute(
        select(MeetingGroupRow.meeting_id, MeetingGroupRow.person, MeetingGroupRow.group_no).where(
            MeetingGroupRow.meeting_id.in_(ids)
        )
    ):
        grouped[meeting_id].append(person)
        groups[meeting_id].add(number)
    return [
        MeetingRecord(
            row.id,
            row.network_key,
            row.theme,
            row.starts_at,
            tuple(presenters[row.id]),
            tuple(attendees[row.id]),
            tuple(grouped[row.id]),
            len(groups[row.id]),
        )
        for row in rows
    ]


async def _polls(conn: AsyncConnection, start: datetime, end: datetime) -> list[PollRecord]:
    rows = (
        await conn.execute(
            select(PollRow.id, PollRow.network, PollRow.kind, PollRow.anonymous, PollRow.audience).where(
                PollRow.created_at >= start, PollRow.created_at < end
            )
        )
    ).all()
    if not rows:
        return []
    voters: dict[str, list[str]] = defaultdict(list)
    for poll_id, voter in await conn.execute(
        select(BallotRow.poll_id, BallotRow.voter).where(BallotRow.poll_id.in_([r.id for r in rows]))
    ):
        voters[poll_id].append(voter)
    return [
        PollRecord(
            r.id,
            r.network,
            r.kind == PollKind.THEME.value,
            bool(r.anonymous),
            tuple(voters[r.id]),
            len(r.audience or ()),
        )
        for r in rows
    ]


async def _organizations(conn: AsyncConnection) -> dict[str, str]:
    """Every person's organisation: their own (from their address), else their coaching profile's."""
    found: dict[str, str] = {}
    for person, key in await conn.execute(
        select(ProfileRow.person, ProfileRow.organization_key).where(ProfileRow.organization_key.is_not(None))
    ):
        found[person] = str(key)
    for person, key in await conn.execute(
        select(PersonRow.aad_object_id, PersonRow.organization_key).where(
            PersonRow.organization_key.is_not(None)
        )
    ):
        found[person] = str(key)
    return found
