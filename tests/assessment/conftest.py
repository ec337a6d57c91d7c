"""The world of the self-assessment tests: the networks' world (real bot on a port, connector double, Graph
sandbox, real database) with helpers that click through the assessment cards as Teams would send them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.people import Person
from store.assessment import load_questionnaire
from tests.harness.activities import TENANT, User, invoke
from tests.harness.cards import walk
from tests.materials.test_send import UploadDouble, uploads  # noqa: F401 (fixture)
from tests.networks.conftest import World, open_world

CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"


def people(prefix: str, count: int, locale: str = "fi-FI") -> list[User]:
    return [
        User(f"{prefix}{i}", f"Henkilö {prefix}{i}", f"{prefix}{i}@luksia.fi", locale) for i in range(count)
    ]


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


def buttons(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Action.Execute buttons of a card by verb (the first one for a repeated verb) and by "verb:title"."""
    found: dict[str, dict[str, Any]] = {}
    for node in walk(card):
        if node.get("type") == "Action.Execute":
            found.setdefault(node["verb"], node)
            if node.get("title"):
                found[f"{node['verb']}:{node['title']}"] = node
    return found


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in walk(card) if str(node.get("type", "")).startswith("Input.")}


def charts(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [node for node in walk(card) if str(node.get("type", "")).startswith("Chart.")]


@dataclass
class AssessmentWorld:
    world: World

    @property
    def store(self) -> Any:
        return self.world.store

    async def meet(self, *users: User) -> None:
        for user in users:
            await self.store.upsert_person(
                Person(user.aad, name=user.name, email=user.email, locale=user.locale, tenant_id=TENANT)
            )

    async def click(self, button: dict[str, Any], user: User, **values: Any) -> dict[str, Any]:
        """Click a button of a card in the user's chat with the inputs' values; the invoke's body."""
        return await self.world.act(button["verb"], {**(button.get("data") or {}), **values}, user)

    async def card(self, button: dict[str, Any], user: User, **values: Any) -> dict[str, Any]:
        body = await self.click(button, user, **values)
        assert body["type"] == CARD, body
        return body["value"]

    async def start(self, user: User) -> dict[str, Any]:
        (reply,) = await self.world.say("arviointi" if user.locale.startswith("fi") else "assessment", user)
        (attachment,) = reply["attachments"]
        return attachment["content"]

    async def complete(self, user: User, score: int | list[int], goal: str = "") -> dict[str, Any]:
        """Answer every card (every statement `score`, or one score per dimension) and finish: the results."""
        card = await self.card(buttons(await self.start(user))["assessment.start"], user)
        questionnaire = await load_questionnaire()
        for i, _dimension in enumerate(questionnaire.dimensions):
            value = score[i] if isinstance(score, list) else score
            answers = {key: str(value) for key in inputs(card) if key.startswith("q.")}
            card = await self.card(buttons(card)["assessment.answer:" + next_title(user)], user, **answers)
        return await self.card(buttons(card)["assessment.finish"], user, goal=goal)

    async def consent(
        self, action: str, context: Any, upload: dict[str, Any] | None, user: User
    ) -> list[dict[str, Any]]:
        before = len(self.world.connector.sent)
        value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context}
        if upload is not None:
            value["uploadInfo"] = upload
        status, _ = await self.world.bot.post_json(
            invoke(self.world.connector.url, "fileConsent/invoke", value, user)
        )
        assert status == 200
        sent = await self.world.connector.settle(0.15)
        return [s.body for s in sent[before:] if s.conversation_id == f"a:personal-{user.key}"]

    def consent_cards(self, since: int) -> list[dict[str, Any]]:
        return [
            a
            for s in self.world.connector.sent[since:]
            for a in s.attachments
            if a["contentType"] == FILE_CONSENT
        ]


def next_title(user: User) -> str:
    return "Seuraava" if user.locale.startswith("fi") else "Next"


@pytest.fixture
async def aw(tmp_path: Path) -> AsyncIterator[AssessmentWorld]:
    async for world in open_world(tmp_path, f"sqlite:///{tmp_path / 'bot.db'}"):
        yield AssessmentWorld(world)


@pytest.fixture
async def any_aw(database_url: str, tmp_path: Path) -> AsyncIterator[AssessmentWorld]:
    url = database_url
    async for world in open_world(tmp_path, url):
        yield AssessmentWorld(world)
