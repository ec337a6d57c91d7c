"""Poll tests: the store on SQLite and (when TEST_POSTGRES_URL answers) PostgreSQL, as in the store suite."""

from __future__ import annotations

from tests.store.conftest import database_url, store

__all__ = ["database_url", "store"]
