"""The materials store contract on SQLite and PostgreSQL: records upserted by driveItem, listed per meeting
newest first; drafts belong to their owner, are taken once (also under concurrent clicks) and expire."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from core.materials import DRAFT_TTL_HOURS, Draft, Kind, Material
from store import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def material(item: str, meeting: str = "m1", *, name: str = "a.pptx", minutes: int = 0) -> Material:
    return Material(
        id=f"id-{item}-{minutes}",
        meeting_id=meeting,
        network_key="hr",
        name=name,
        kind=Kind.SLIDES,
        web_url=f"https://example.invalid/{item}",
        size=3,
        added_by="aad-matti",
        added_at=NOW + timedelta(minutes=minutes),
        item_id=item,
    )


def draft(draft_id: str, owner: str = "aad-matti", *, age: timedelta = timedelta()) -> Draft:
    return Draft(
        draft_id,
        owner,
        "ä ö.pptx",
        datetime.now(UTC) - age,
        download_url="https://x.invalid/f",
        conversation_id="a:1",
    )


async def test_records_are_upserted_by_item_and_listed_newest_first(store: SqlStore) -> None:
    await store.save_material(material("i1", minutes=1))
    await store.save_material(material("i2", minutes=2, name="ö.pdf"))
    replaced = await store.save_material(material("i1", minutes=3, name="uusi.pptx"))
    await store.save_material(material("i3", "m2"))
    assert replaced.name == "uusi.pptx" and replaced.id == "id-i1-1"  # the record kept its id
    found = await store.materials_of_meetings(["m1", "m2", "m3"])
    assert [m.name for m in found["m1"]] == ["uusi.pptx", "ö.pdf"]
    assert [m.item_id for m in found["m2"]] == ["i3"]
    assert "m3" not in found
    assert found["m1"][0].added_at == NOW + timedelta(minutes=3)
    assert await store.materials_of_meetings([]) == {}


async def test_a_draft_is_its_owners_and_is_taken_once(store: SqlStore) -> None:
    await store.save_draft(draft("d1"))
    assert await store.get_draft("d1", "aad-pekka") is None
    assert await store.take_draft("d1", "aad-pekka") is None
    fetched = await store.get_draft("d1", "aad-matti")
    assert (
        fetched is not None and fetched.name == "ä ö.pptx" and fetched.download_url == "https://x.invalid/f"
    )
    taken = await asyncio.gather(*(store.take_draft("d1", "aad-matti") for _ in range(5)))
    assert sum(t is not None for t in taken) == 1
    assert await store.get_draft("d1", "aad-matti") is None


async def test_old_drafts_expire(store: SqlStore) -> None:
    await store.save_draft(draft("old", age=timedelta(hours=DRAFT_TTL_HOURS, minutes=1)))
    assert await store.get_draft("old", "aad-matti") is None
    await store.save_draft(draft("new"))  # saving sweeps expired drafts away
    assert await store.take_draft("old", "aad-matti") is None
    assert await store.take_draft("new", "aad-matti") is not None


async def test_a_draft_is_claimed_once_kept_while_filed_and_resumed_by_one(store: SqlStore) -> None:
    await store.save_draft(draft("d1"))
    now = datetime.now(UTC)
    until = now + timedelta(minutes=30)
    claims = await asyncio.gather(
        *(store.claim_draft("d1", "aad-matti", f"m{i}", {"locale": "fi-FI"}, until) for i in range(5))
    )
    (claimed,) = [c for c in claims if c is not None]
    assert claimed.meeting_id and claimed.job == {"locale": "fi-FI"}
    assert await store.take_draft("d1", "aad-matti") is None  # no cancel while it is being filed
    assert await store.resumable_drafts(now) == []  # this instance is on it
    await store.release_draft("d1", resume=True)  # the shutdown hands it back
    assert [d.id for d in await store.resumable_drafts(now)] == ["d1"]
    reclaimed = await asyncio.gather(*(store.reclaim_draft("d1", until, now) for _ in range(3)))
    assert sum(r is not None for r in reclaimed) == 1
    assert await store.resumable_drafts(until + timedelta(seconds=1)) != []  # a dead instance's claim ends
    await store.release_draft("d1", resume=False)  # a retry: back to waiting for its meeting
    assert await store.resumable_drafts(until + timedelta(seconds=1)) == []
    assert (await store.get_draft("d1", "aad-matti")).meeting_id is None  # type: ignore[union-attr]
    await store.finish_draft("d1")
    assert await store.get_draft("d1", "aad-matti") is None
