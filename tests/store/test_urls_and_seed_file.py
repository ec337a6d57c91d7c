"""DATABASE_URL spellings, the organisations seed file and the email-domain rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.people import Organization, domain_of, organization_for_address
from store import normalize_url, open_store
from store.organizations_file import DEFAULT_ORGANIZATIONS_FILE, load_organizations, parse_organizations


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/bot.db", "sqlite+aiosqlite:///var/bot.db"),
        ("sqlite+aiosqlite:////abs/bot.db", "sqlite+aiosqlite:////abs/bot.db"),
        ("postgres://u:p@db:5432/bot", "postgresql+asyncpg://u:p@db:5432/bot"),
        ("postgresql://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql+asyncpg://u@db/bot", "postgresql+asyncpg://u@db/bot"),
        ("postgresql://u@db/bot?sslmode=require", "postgresql+asyncpg://u@db/bot?ssl=require"),
    ],
)
def test_accepted_url_forms(given: str, expected: str) -> None:
    assert normalize_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("bad", ["mysql://u@db/x", "not a url", ""])
def test_other_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        normalize_url(bad)


async def test_sqlite_parent_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "bot.db"
    store = await open_store(f"sqlite:///{path}")
    try:
        await store.ping()
    finally:
        await store.close()
    assert path.exists()


async def test_the_shipped_seed_file() -> None:
    organizations = await load_organizations(DEFAULT_ORGANIZATIONS_FILE)
    by_key = {o.key: o for o in organizations}
    assert len(organizations) == 15
    assert by_key["vamia"].domains == ("vamia.fi",)
    all_domains = [d for o in organizations for d in o.domains]
    assert len(all_domains) == len(set(all_domains))


@pytest.mark.parametrize(
    "text",
    [
        "organizations: [",  # not YAML
        "organisations: []",  # wrong top-level name
        "organizations:\n  - key: Omnia\n    name: O\n    short_name: O\n",  # key not lower-case
        "organizations:\n  - key: o\n    name: O\n    short_name: O\n    colour: red\n",  # unknown field
        "organizations:\n  - {key: o, name: O, short_name: O}\n  - {key: o, name: P, short_name: P}\n",
    ],
)
def test_bad_seed_files_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="organisations file"):
        parse_organizations(text, "orgs.yml")


async def test_open_store_refuses_a_bad_seed_file(tmp_path: Path) -> None:
    seed = tmp_path / "orgs.yml"
    seed.write_text("organizations:\n  - {key: x, name: X}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"orgs\.yml"):
        await open_store(f"sqlite:///{tmp_path / 'bot.db'}", organizations_file=seed)


async def test_a_custom_seed_file_is_applied(tmp_path: Path) -> None:
    seed = tmp_path / "orgs.yml"
    seed.write_text("organizations:\n  - {key: x, name: Xamk, short_name: X, domains: [xamk.fi]}\n", "utf-8")
    store = await open_store(f"sqlite:///{tmp_path / 'bot.db'}", organizations_file=seed)
    try:
        assert [o.key for o in await store.list_organizations()] == ["x"]
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("address", "domain"),
    [("a@Omnia.FI", "omnia.fi"), ("a@b@c.fi", "c.fi"), ("no-at-sign", None), (None, None), ("a@", None)],
)
def test_domain_of(address: str | None, domain: str | None) -> None:
    assert domain_of(address) == domain


def test_longest_matching_domain_wins_regardless_of_order() -> None:
    city = Organization("city", "City", "City", ("hel.fi",))
    school = Organization("school", "School", "School", ("edu.hel.fi",))
    for orgs in ([city, school], [school, city]):
        assert organization_for_address("a@x.edu.hel.fi", orgs) == school
        assert organization_for_address("a@hel.fi", orgs) == city
        assert organization_for_address("a@shel.fi", orgs) is None


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        async with store.engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar_one()
            busy_ms = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar_one()
            foreign_keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
    finally:
        await store.close()
    assert (journal, foreign_keys) == ("wal", 1)
    assert busy_ms >= 1000
