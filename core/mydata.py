"""`tietoni` / `mydata`: everything the bot keeps about one person, gathered for them to see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from core.networks import Network, NetworkStore
from core.people import Organization, PeopleStore, Person
from core.survey import Answer, SurveyStore


class MyDataStore(PeopleStore, NetworkStore, SurveyStore, Protocol):
    """The parts of the store that hold personal data."""


@dataclass(frozen=True)
class MyData:
    person: Person | None
    organization: Organization | None
    member_of: Sequence[Network]
    facilitates: Sequence[Network]
    survey_answer: Answer | None


async def my_data(store: MyDataStore, aad_object_id: str) -> MyData:
    """What is stored about `aad_object_id`: person record, network memberships and roles, survey answer."""
    person = await store.get_person(aad_object_id)
    networks = await store.list_networks()
    member_of = [n for n in networks if aad_object_id in await store.network_members(n.key)]
    facilitates = [n for n in networks if n.facilitator == aad_object_id]
    survey = await store.latest_survey()
    answer = await store.get_answer(survey.id, aad_object_id) if survey else None
    # The organisation from the email domain, else the one the person chose in the survey.
    key = (person.organization if person else None) or (answer.organization if answer else None)
    organization = await store.get_organization(key) if key else None
    return MyData(person, organization, member_of, facilitates, answer)
