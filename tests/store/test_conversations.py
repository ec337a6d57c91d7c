"""ConversationStore contract: one reference per conversation (per channel), lookups for proactive use."""

from __future__ import annotations

import pytest

from core.conversations import ConversationRef
from core.errors import Invalid
from store import SqlStore

SERVICE = "https://smba.trafficmanager.net/emea/"


def personal(user: str, conversation: str = "a:1personal") -> ConversationRef:
    return ConversationRef(SERVICE, conversation, "tenant", "personal", bot_id="28:bot", user_aad_id=user)


def channel(channel_id: str, message: str = "", team: str = "team-graph-id") -> ConversationRef:
    suffix = f";messageid={message}" if message else ""
    return ConversationRef(
        SERVICE,
        f"{channel_id}{suffix}",
        "tenant",
        "channel",
        bot_id="28:bot",
        channel_id=channel_id,
        team_id=team,
    )


async def test_personal_reference_round_trips(store: SqlStore) -> None:
    await store.save_conversation(personal("aad-1"))
    saved = await store.get_conversation("a:1personal")
    assert saved == personal("aad-1")
    assert saved is not None and saved.updated_at is not None
    assert await store.personal_conversation("aad-1") == saved


async def test_later_save_replaces_the_reference(store: SqlStore) -> None:
    await store.save_conversation(personal("aad-1"))
    moved = ConversationRef(
        "https://smba.example/amer/", "a:1personal", "tenant", "personal", user_aad_id="aad-1"
    )
    await store.save_conversation(moved)
    assert await store.get_conversation("a:1personal") == moved


async def test_channel_threads_are_kept_once_per_channel(store: SqlStore) -> None:
    await store.save_conversation(channel("19:general@thread.tacv2", message="1001"))
    await store.save_conversation(channel("19:general@thread.tacv2", message="1002"))
    await store.save_conversation(channel("19:hr@thread.tacv2"))
    await store.save_conversation(channel("19:elsewhere@thread.tacv2", team="other-team"))
    found = await store.team_conversations("team-graph-id")
    assert [c.conversation_id for c in found] == ["19:general@thread.tacv2", "19:hr@thread.tacv2"]
    by_thread = await store.get_conversation("19:general@thread.tacv2;messageid=1001")
    assert by_thread is not None and by_thread.channel_id == "19:general@thread.tacv2"


async def test_unknown_conversations_are_none(store: SqlStore) -> None:
    assert await store.get_conversation("a:none") is None
    assert await store.personal_conversation("aad-none") is None
    assert await store.team_conversations("no-team") == []


async def test_bad_scope_is_refused(store: SqlStore) -> None:
    bad = ConversationRef(SERVICE, "a:1", "tenant", "meeting")  # type: ignore[arg-type]
    with pytest.raises(Invalid) as caught:
        await store.save_conversation(bad)
    assert caught.value.key == "store.conversation.bad_scope"
