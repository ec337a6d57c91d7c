"""An unreachable database: the store opens anyway, calls raise `Unavailable`, and it recovers by itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from core.errors import Unavailable
from core.people import Person
from store import open_store
from store.errors import UNAVAILABLE_KEY
from tests.store.databases import fresh_postgres
from tests.store.proxy import TcpProxy, free_port


async def test_unreachable_postgres_opens_and_raises_unavailable() -> None:
    store = await open_store(f"postgresql://postgres@127.0.0.1:{free_port()}/nothing")
    try:
        with pytest.raises(Unavailable) as caught:
            await store.ping()
        assert caught.value.key == UNAVAILABLE_KEY
        with pytest.raises(Unavailable):
            await store.upsert_person(Person("aad-1"))
        with pytest.raises(Unavailable):
            await store.claim_activity("msteams", "a:1", "1")
    finally:
        await store.close()


async def test_unreachable_sqlite_file_raises_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    store = await open_store(f"sqlite:///{blocker / 'var' / 'bot.db'}")
    try:
        with pytest.raises(Unavailable):
            await store.ping()
        with pytest.raises(Unavailable):
            await store.get_person("aad-1")
    finally:
        await store.close()


@pytest.mark.postgres
async def test_store_recovers_when_the_database_comes_back_and_goes_again() -> None:
    async with fresh_postgres() as url:
        real = make_url(url)
        proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
        via_proxy = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        store = await open_store(via_proxy)  # the database is away at start
        try:
            with pytest.raises(Unavailable):
                await store.ping()

            await proxy.start()  # it comes back: the store migrates and works without being reopened
            await store.ping()
            saved = await store.upsert_person(Person("aad-1", email="a@omnia.fi"))
            assert saved.organization == "omnia"

            await proxy.stop()  # it goes away with connections in the pool
            with pytest.raises(Unavailable):
                await store.ping()
            with pytest.raises(Unavailable):
                await store.claim_activity("msteams", "a:1", "1")

            await proxy.start()
            await store.ping()
            assert await store.claim_activity("msteams", "a:1", "1") is True
            assert await store.get_person("aad-1") == saved
        finally:
            await store.close()
            await proxy.stop()
