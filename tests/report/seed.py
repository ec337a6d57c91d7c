"""A term of activity written straight into the tables, at times relative to `now`, with rows just outside
the period too; `EXPECTED` is what the report must count from it (worked out by hand, see the comments).

People (organisation by email domain): p1, p2 Omnia; p3, p7 Tredu; p4 Vamia; p5 Redu; p6 Luksia; p8 none.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from core.badges import BadgeClass
from core.networks import Network, NetworkStatus
from core.people import Person
from core.periods import Period
from store import SqlStore
from store.assessment import AssessmentRow
from store.badges import BadgeAwardRow
from store.coaching import CoachingCheckInRow, CoachingGroupRow, CoachingMemberRow, CoachingRoundRow
from store.materials import MaterialRow
from store.meetings import MeetingAttendeeRow, MeetingGroupRow, MeetingPresenterRow, MeetingRow
from store.networks import NetworkMemberRow
from store.polls import BallotRow, PollRow
from store.survey import SurveyAnswerRow, SurveyRow

PEOPLE = {
    "p1": ("Aada Aalto", "aada.aalto@omnia.fi"),
    "p2": ("Bertta Berg", "bertta.berg@omnia.fi"),
    "p3": ("Cecilia Carlsson", "cecilia.carlsson@tredu.fi"),
    "p4": ("Daniel Dahl", "daniel.dahl@vamia.fi"),
    "p5": ("Eero Eskola", "eero.eskola@redu.fi"),
    "p6": ("Fanni Forsman", "fanni.forsman@luksia.fi"),
    "p7": ("Gunnar Grönroos", "gunnar.gronroos@tredu.fi"),
    "p8": ("Hilkka Hiltunen", "hilkka.hiltunen@example.org"),
}
NETWORKS = {
    "hr": ("HR-kehittäjäverkosto", "HR developers' network", NetworkStatus.ACTIVE),
    "ped": ("Pedagogisen johtamisen verkosto", "Pedagogical leadership network", NetworkStatus.ACTIVE),
    "joht": ("Johtamisosaamisen verkosto", "Leadership competence network", NetworkStatus.ACTIVE),
    "tiimi": ("Tiimimäisen toimintatavan verkosto", "Team working network", NetworkStatus.PLANNED),
}


def period_around(now: datetime) -> Period:
    return Period((now - timedelta(days=60)).date(), (now + timedelta(days=30)).date())


def names_and_emails() -> list[str]:
    """What must never be in a shared file."""
    return [text for pair in PEOPLE.values() for text in pair]


def aad(key: str) -> str:
    return f"aad-report-{key}"


async def seed(store: SqlStore, now: datetime) -> None:
    for key, (name, email) in PEOPLE.items():
        await store.upsert_person(Person(aad(key), name=name, email=email))
    for key, (fi, en, status) in NETWORKS.items():
        await store.save_network(Network(key, fi, en, "", "", status=status))
    for key, fi, en in (
        ("alustaja", "Alustaja", "Presenter"),
        ("itsearvioija", "Itsearvioija", "Self-assessor"),
    ):
        await store.save_badge_class(BadgeClass(key, fi, en, "", "", "", ""))
    day = timedelta(days=1)
    rows: list[tuple[Any, list[dict[str, Any]]]] = [
        (
            MeetingRow,
            [
                _meeting("m1", "hr", "Perehdytys", now - 40 * day),
                _meeting("m2", "hr", "Hyvinvointi", now - 10 * day),
                _meeting("m3", "hr", "Perehdytys", now + 10 * day),  # planned
                _meeting("m4", "ped", "Pedagoginen johtaminen", now - 20 * day),
                _meeting("m0", "hr", "Ennen kautta", now - 100 * day),  # outside
            ],
        ),
        (
            MeetingPresenterRow,
            _pairs("meeting_id", {"m1": "p1 p3", "m2": "p4", "m3": "p1", "m4": "p3 p7 p5", "m0": "p6"}, True),
        ),
        (
            MeetingAttendeeRow,
            _pairs("meeting_id", {"m1": "p1 p2 p4", "m2": "p2 p5", "m3": "p6", "m4": "p3 p7", "m0": "p8"}),
        ),
        (
            MeetingGroupRow,
            [
                _group("m1", "p2", 1),
                _group("m1", "p4", 1),
                _group("m1", "p1", 2),
                _group("m4", "p3", 1),
                _group("m4", "p7", 1),
                _group("m0", "p8", 1),
            ],
        ),
        (
            MaterialRow,
            [
                _material("a", "m1", "hr", now - 39 * day),
                _material("b", "m2", "hr", now - 9 * day),
                _material("c", "m0", "hr", now - 99 * day),  # outside
                _material("d", "m4", "ped", now - 19 * day),
            ],
        ),
        (
            PollRow,
            [
                _poll("q1", "hr", "general", False, now - 30 * day, ["p1", "p2", "p3", "p4"]),
                _poll("q2", "hr", "theme", True, now - 25 * day, []),  # eligible: hr's 5 members
                _poll("q3", "ped", "general", False, now - 200 * day, []),  # outside
            ],
        ),
        (
            BallotRow,
            [
                *({"poll_id": "q1", "voter": aad(p), "choices": 1} for p in ("p1", "p2", "p8")),
                *({"poll_id": "q2", "voter": h, "choices": 2} for h in ("hash-1", "hash-2")),
                {"poll_id": "q3", "voter": aad("p5"), "choices": 1},
            ],
        ),
        (
            NetworkMemberRow,
            [
                {"network_key": "hr", "person": aad(p), "joined_at": now - 90 * day}
                for p in ["p1", "p2", "p3", "p4", "p5"]
            ],
        ),
        (SurveyRow, [_survey("s1", now - 50 * day), _survey("s0", now - 300 * day)]),
        (
            SurveyAnswerRow,
            [
                _answer("s1", "p1", "omnia", now),
                _answer("s1", "p3", "tredu", now),
                _answer("s1", "p4", "vamia", now),
                _answer("s1", "p6", "luksia", now),
                _answer("s0", "p8", "omnia", now - 299 * day),  # outside
            ],
        ),
        (CoachingRoundRow, [_round("r1", now - 30 * day), _round("r0", now - 100 * day)]),
        (
            CoachingGroupRow,
            [
                _coaching_group("r1", 1, []),
                _coaching_group("r1", 2, [[aad("p3"), aad("p7")]]),
                _coaching_group("r0", 1, []),
            ],
        ),
        (
            CoachingMemberRow,
            [
                *_members("r1", 1, "p2 p5"),
                *_members("r1", 2, "p3 p7 p6"),
                *_members("r0", 1, "p1 p4"),
            ],
        ),
        (
            CoachingCheckInRow,
            [
                _checkin("r1", "p2", True, now),
                _checkin("r1", "p5", True, now),
                _checkin("r1", "p3", False, now),
                _checkin("r1", "p6", True, now),
                _checkin("r0", "p1", True, now - 90 * day),
            ],
        ),
        (
            AssessmentRow,
            [
                _assessment("x1", "p1", now - 5 * day),
                _assessment("x2", "p1", now - 3 * day),
                _assessment("x3", "p5", now - 15 * day),
                _assessment("x4", "p2", None),  # a draft
                _assessment("x5", "p3", now - 90 * day),  # outside
            ],
        ),
        (
            BadgeAwardRow,
            [
                _award("w1", "alustaja", "p1", "omnia", now - 39 * day, None),
                _award("w2", "alustaja", "p3", "tredu", now - 19 * day, now - 1 * day),
                _award("w3", "itsearvioija", "p5", "redu", now - 15 * day, None),
                _award("w0", "alustaja", "p6", "luksia", now - 99 * day, None),  # outside
            ],
        ),
    ]
    async with store.engine.begin() as conn:
        for table, values in rows:
            await conn.execute(insert(table), values)


# What the report counts from the seed (period_around(now), report made at `now`).
EXPECTED_NETWORKS = {
    # held, planned, presentations, attendance, small groups, people, organisations, materials,
    # polls, theme votes, ballots, eligible
    "hr": (2, 1, 4, 6, 2, 7, 5, 2, 1, 1, 5, 9),  # people p1-p6 from meetings, p8 by a named ballot
    "ped": (1, 0, 3, 2, 1, 3, 2, 1, 0, 0, 0, 0),
    "joht": (0,) * 12,  # active, nothing done: still listed
}
EXPECTED_TOTAL = (3, 1, 7, 8, 3, 8, 5, 3, 1, 1, 5, 9)
EXPECTED_ORGANIZATIONS = {  # name: (people, presentations, attendance); the other 10 partners all zero
    "Luksia": (1, 0, 1),
    "Omnia": (2, 2, 3),
    "REDU": (1, 1, 1),
    "Tredu": (2, 3, 2),
    "Vamia": (1, 1, 1),
}
EXPECTED_RATES = {
    "Omnia": (1, 2, 50),
    "Tredu": (1, 2, 50),
    "Vamia": (1, 1, 100),
    "REDU": (0, 1, 0),
    "Luksia": (1, 1, 100),
}
EXPECTED_COACHING = {"rounds": 1, "pairs": 1, "groups": 1, "matched": 5, "answers": 4, "met": 3}
EXPECTED_COACHING_RATES = (75, 50)  # meeting rate, share across organisations
EXPECTED_ASSESSMENTS = (3, 2)  # completed, people
EXPECTED_BADGES = {"Alustaja": (2, 1), "Itsearvioija": (1, 0)}  # awarded, of which revoked


def _meeting(key: str, network: str, theme: str, starts_at: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "network_key": network,
        "theme": theme,
        "starts_at": starts_at,
        "facilitator": None,
        "description": "",
        "agenda": [],
        "questions": [],
        "contributions": [],
        "version": 1,
        "service_url": "https://smba.example/",
        "created_at": starts_at - timedelta(days=14),
    }


def _pairs(column: str, people: dict[str, str], positions: bool = False) -> list[dict[str, Any]]:
    out = []
    for key, names in people.items():
        for position, person in enumerate(names.split()):
            row = {column: key, "person": aad(person)}
            out.append({**row, "position": position} if positions else row)
    return out


def _group(meeting: str, person: str, number: int) -> dict[str, Any]:
    return {"meeting_id": meeting, "person": aad(person), "group_no": number, "position": 0, "answers": None}


def _material(key: str, meeting: str, network: str, at: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "meeting_id": meeting,
        "network_key": network,
        "name": f"{key}.pptx",
        "kind": "file",
        "web_url": f"https://contoso.sharepoint.com/{key}.pptx",
        "size": 100,
        "added_by": aad("p1"),
        "added_at": at,
        "item_id": f"item-{key}",
        "link": None,
    }


def _poll(
    key: str, network: str, kind: str, anonymous: bool, at: datetime, audience: list[str]
) -> dict[str, Any]:
    return {
        "id": key,
        "channel_id": f"19:{network}@thread.tacv2",
        "author": aad("p1"),
        "question": "Mikä teema seuraavaksi?",
        "options": ["A", "B"],
        "multiple": False,
        "anonymous": anonymous,
        "results": "all",
        "kind": kind,
        "network": network,
        "created_at": at,
        "closes_at": None,
        "closed_at": None,
        "audience": [aad(p) for p in audience],
        "lang": "fi",
    }


def _survey(key: str, at: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "team_id": "team",
        "status": "closed",
        "open_slot": None,
        "started_by": aad("p1"),
        "started_at": at,
        "closed_at": at + timedelta(days=7),
    }


def _answer(survey: str, person: str, organization: str, at: datetime) -> dict[str, Any]:
    return {
        "survey_id": survey,
        "person": aad(person),
        "organization": organization,
        "existing": "",
        "needs": [],
        "proposal": "",
        "join": False,
        "present": False,
        "answered_at": at,
    }


def _round(key: str, at: datetime) -> dict[str, Any]:
    return {
        "id": key,
        "size": 2,
        "theme": None,
        "history_window": None,
        "followup_weeks": 6,
        "status": "confirmed",
        "created_by": aad("p1"),
        "created_at": at,
        "unmatched": [],
        "pool": 8,
        "service_url": "https://smba.example/",
        "confirmed_by": aad("p1"),
        "confirmed_at": at,
    }


def _coaching_group(round_id: str, number: int, same: list[list[str]]) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "number": number,
        "method": "sparring",
        "themes": [],
        "repeats": [],
        "same_organization": same,
        "chat_state": "none",
        "chat_id": None,
    }


def _members(round_id: str, number: int, people: str) -> list[dict[str, Any]]:
    return [
        {"round_id": round_id, "person": aad(p), "number": number, "position": i}
        for i, p in enumerate(people.split())
    ]


def _checkin(round_id: str, person: str, met: bool, at: datetime) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "person": aad(person),
        "met": met,
        "method": "sparring" if met else None,
        "learned": "",
        "decision": "end",
        "answered_at": at,
    }


def _assessment(key: str, person: str, completed: datetime | None) -> dict[str, Any]:
    at = completed or datetime.now().astimezone()
    return {
        "id": key,
        "person": aad(person),
        "questionnaire": "johtaminen",
        "version": 1,
        "status": "done" if completed else "draft",
        "answers": {},
        "position": 0,
        "goal": "",
        "started_at": at,
        "updated_at": at,
        "completed_at": completed,
    }


def _award(
    key: str, badge: str, person: str, org: str, at: datetime, revoked: datetime | None
) -> dict[str, Any]:
    return {
        "id": key,
        "class_key": badge,
        "person": aad(person),
        "organization": org,
        "status_index": 9000 + int(key[1:]),
        "issued_at": at,
        "valid_until": None,
        "jws": "x.y.z",
        "locale": "fi",
        "awarded_by": None,
        "revoked_at": revoked,
        "revoked_reason": "",
    }
