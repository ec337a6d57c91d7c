"""The optional Graph group chat of each confirmed coaching group (`COACHING_GROUP_CHATS`).

After a confirmation every group's chat is `PENDING`; the coaching scheduler creates them a few at a time
(Graph limits chat creation), installs the bot in each when the app's catalogue id is known, and queues the
introduction into the chat. The chat id is stored as soon as Graph answers, so a retry never creates a second
chat. Throttling or an outage leaves the rest pending for the next run; a refusal (no permission, an unknown
user) marks the group's chat failed: its members already have the introduction with the deep link that
opens a group chat, so nobody is left without a way to reach their partners.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from core.coaching_rounds import ChatState, Round, RoundGroup, RoundStore
from core.errors import DomainError, Unavailable
from core.outbox import OutgoingMessage
from core.workspace import Chat, WorkspaceForbidden

log = logging.getLogger(__name__)

PER_RUN = 10


class ChatWorkspace(Protocol):
    async def create_chat(self, members: Sequence[str], topic: str) -> Chat: ...

    async def install_app_in_chat(self, chat_id: str, teams_app_id: str) -> None: ...


class ChatPosts(Protocol):
    async def topic(self, due: Round, group: RoundGroup) -> str: ...

    async def in_chat(self, due: Round, group: RoundGroup, chat_id: str) -> Sequence[OutgoingMessage]: ...


async def create_group_chats(
    store: RoundStore, workspace: ChatWorkspace, posts: ChatPosts, app_id: str | None, *, limit: int = PER_RUN
) -> int:
    """Create the chats of up to `limit` pending groups; returns how many groups were settled."""
    settled = 0
    for due, group in await store.pending_chats(limit):
        chat_id = group.chat_id
        try:
            if chat_id is None:
                chat_id = (await workspace.create_chat(group.members, await posts.topic(due, group))).id
                await store.record_chat(due.id, group.number, ChatState.PENDING, chat_id)
        except WorkspaceForbidden as error:  # a refusal, not an outage (it subclasses Unavailable)
            log.warning("no chat for group %s of round %s: %s", group.number, due.id, error.key)
            await store.record_chat(due.id, group.number, ChatState.FAILED, None)
            settled += 1
            continue
        except Unavailable as error:  # throttled or down (after Graph's own retries): next run
            log.warning("coaching chats paused: %s", error.key)
            break
        except DomainError as error:
            log.warning("no chat for group %s of round %s: %s", group.number, due.id, error.key)
            await store.record_chat(due.id, group.number, ChatState.FAILED, None)
            settled += 1
            continue
        messages: Sequence[OutgoingMessage] = ()
        if app_id:
            try:
                await workspace.install_app_in_chat(chat_id, app_id)
                messages = await posts.in_chat(due, group, chat_id)
            except Unavailable as error:
                if not isinstance(error, WorkspaceForbidden):
                    log.warning("coaching chats paused: %s", error.key)
                    break
                log.warning("bot not installed in the chat of group %s: %s", group.number, error.key)
            except DomainError as error:  # the chat is there for them; only the bot cannot post in it
                log.warning("bot not installed in the chat of group %s: %s", group.number, error.key)
        await store.record_chat(due.id, group.number, ChatState.CREATED, chat_id, messages)
        settled += 1
    return settled
