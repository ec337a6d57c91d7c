"""What the erasure of a person's data (`poista tietoni`, issue 14) calls in these tables: their
self-assessments go entirely; their badges stay as pseudonymous awards, so the status list and copies
already in wallets keep verifying, but no row names them any more."""

from __future__ import annotations

from sqlalchemy import text

from tests.badges.conftest import BadgeWorld
from tests.harness.activities import LIISA, MAIJA


async def _rows_naming(bw: BadgeWorld, value: str) -> list[str]:
    found = []
    async with bw.store.engine.connect() as conn:
        for table in ("assessments", "badge_awards", "badge_classes", "badge_keys", "questionnaires"):
            for row in (await conn.execute(text(f"SELECT * FROM {table}"))).all():
                if any(value in str(cell) for cell in row):
                    found.append(table)
    return found


async def test_erasure_removes_assessments_and_unlinks_badges(any_bw: BadgeWorld) -> None:
    bw = any_bw
    await bw.past_meeting((LIISA.aad,))
    await bw.say("merkit", LIISA)
    await bw.world.act("badges.award", {"class": "itsearvioija", "people": LIISA.email}, MAIJA)
    awards = await bw.store.awards_of(LIISA.aad)
    assert len(awards) == 2
    from datetime import UTC, datetime

    from core.assessment import begin

    await begin(bw.store, bw.services.questionnaire, LIISA.aad, datetime.now(UTC))
    assert await _rows_naming(bw, LIISA.aad)

    assert await bw.store.erase_assessments(LIISA.aad) == 1
    assert await bw.store.forget_badge_recipient(LIISA.aad) == 2
    assert await _rows_naming(bw, LIISA.aad) == []
    assert await _rows_naming(bw, LIISA.email) == []
    for award in awards:
        status, _, page = await bw.get(f"/badges/credentials/{award.id}")
        assert status == 200 and 'data-status="valid"' in page
    # Maija, who awarded one of them, can be forgotten as the awarder too.
    await bw.store.forget_badge_recipient(MAIJA.aad)
    assert await _rows_naming(bw, MAIJA.aad) == []
