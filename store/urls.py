"""`DATABASE_URL` in any of the accepted spellings -> the async-driver URL SQLAlchemy needs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url

_POSTGRES = {"postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2"}
_SQLITE = {"sqlite", "sqlite+aiosqlite", "sqlite+pysqlite"}


def normalize_url(database_url: str) -> URL:
    """`sqlite:///path` and `sqlite+aiosqlite:///path` -> aiosqlite; `postgres://`, `postgresql://` and the
    driver forms -> asyncpg (`sslmode=` becomes asyncpg's `ssl=`). Raises ValueError for anything else."""
    try:
        url = make_url(database_url.strip())
    except Exception as exc:  # sqlalchemy.exc.ArgumentError and friends: the text is not a URL at all
        raise ValueError(f"DATABASE_URL is not a database URL: {exc}") from exc
    driver = url.drivername.lower()
    if driver in _SQLITE:
        return url.set(drivername="sqlite+aiosqlite")
    if driver in _POSTGRES:
        url = url.set(drivername="postgresql+asyncpg")
        if "sslmode" in url.query:
            query = dict(url.query)
            query["ssl"] = query.pop("sslmode")
            url = url.set(query=query)
        return url
    raise ValueError(f"DATABASE_URL must be sqlite or postgresql, not {url.drivername!r}")


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database or another engine."""
    if not url.drivername.startswith("sqlite"):
        return None
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return None
    return Path(url.database)


def describe(url: URL) -> str:
    """The URL for logs, without the password."""
    return url.render_as_string(hide_password=True)
