"""What the coordinator does with the activity report: file it into the General channel's files (a workbook
and a CSV of counts, which every member of the team can open) and, for themselves only, take the list of who
attended which meeting (names and addresses: never filed into a channel)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

from core.audit import AuditLog
from core.errors import Conflict
from core.i18n import Translator
from core.networks import NetworkStore
from core.people import PeopleStore, people_by_id
from core.periods import Period
from core.report import ActivityReport, ActivityStore, require_coordinator
from core.report_tables import csv_table
from core.spreadsheets import Cell, csv_for_excel
from core.teams import Team
from core.workspace import ConflictBehavior, Workspace

WorkbookMaker = Callable[[Translator, ActivityReport], bytes]


class AttendanceStore(ActivityStore, NetworkStore, PeopleStore, Protocol):
    pass


def file_name(period: Period, extension: str) -> str:
    return f"toimintaraportti-{period.slug}.{extension}"


async def file(
    store: AuditLog,
    workspace: Workspace | None,
    team: Team | None,
    report: ActivityReport,
    t: Translator,
    workbook: WorkbookMaker,
    *,
    actor: str | None,
    is_coordinator: bool,
) -> dict[str, str]:
    """The workbook and the CSV in the General channel's Files folder, replacing the period's previous
    ones; returns {file name: address}. `Conflict` before the bot knows the team."""
    require_coordinator(is_coordinator)
    if team is None or not team.thread_id or workspace is None:
        raise Conflict("networks.error.no_team")
    folder = await workspace.channel_folder(team.team_id, team.thread_id)
    header, rows = csv_table(t, report)
    made = {
        # openpyxl's writing is CPU work for a while on a big report: not on the event loop
        file_name(report.period, "xlsx"): await asyncio.to_thread(workbook, t, report),
        file_name(report.period, "csv"): csv_for_excel(header, rows),
    }
    filed = {}
    for name, data in made.items():
        stored = await workspace.upload(folder, name, data, conflict=ConflictBehavior.REPLACE)
        filed[stored.name] = stored.web_url
    await store.record(actor or "", "report.file", f"report:{report.period.slug}", {"files": sorted(filed)})
    return filed


ROLES = ("presenter", "attendee", "small_group")


async def attendance_csv(
    store: AttendanceStore, period: Period, t: Translator, *, is_coordinator: bool
) -> tuple[bytes, int]:
    """Who presented at, said they would attend, or was in a small group of each meeting of the period,
    one row a person and meeting, as CSV for Finnish Excel; (bytes, rows). The coordinator's alone."""
    require_coordinator(is_coordinator)
    records = await store.activity_between(period.starts_at, period.ends_at)
    networks = {n.key: n.name(t.locale) for n in await store.list_networks()}
    organizations = {o.key: o.short_name for o in await store.list_organizations()}
    header = [
        t(f"report.attendees.column.{c}")
        for c in ("date", "network", "theme", "name", "email", "organization", "role")
    ]
    known = await people_by_id(
        store, (p for m in records.meetings for p in (*m.presenters, *m.attendees, *m.group_members))
    )
    rows: list[list[Cell]] = []
    for meeting in sorted(records.meetings, key=lambda m: (m.starts_at, m.network_key)):
        roles: dict[str, list[str]] = {}
        for role, people in zip(
            ROLES, (meeting.presenters, meeting.attendees, meeting.group_members), strict=True
        ):
            for someone in people:
                roles.setdefault(someone, []).append(t(f"report.attendees.role.{role}"))
        for person_id, taken in roles.items():
            person = known[person_id]
            org = person.organization if person else None
            rows.append(
                [
                    meeting.starts_at,
                    networks.get(meeting.network_key, meeting.network_key),
                    meeting.theme,
                    (person.name if person else None) or "",
                    (person.address if person else None) or "",
                    organizations.get(org, org) if org else "",
                    ", ".join(taken),
                ]
            )
    return csv_for_excel(header, rows), len(rows)
