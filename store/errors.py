"""Database failures that mean "the database is not there right now" become `core.errors.Unavailable`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc

from core.errors import Unavailable

UNAVAILABLE_KEY = "store.error.unavailable"


def is_unreachable(error: BaseException) -> bool:
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, exc.OperationalError | exc.InterfaceError)
    return isinstance(error, OSError | TimeoutError | exc.TimeoutError)


@contextmanager
def unavailable_on_failure() -> Iterator[None]:
    """Re-raise connection-level failures as `Unavailable` (the cause kept); anything else as it is."""
    try:
        yield
    except Unavailable:
        raise
    except Exception as error:
        if is_unreachable(error):
            raise Unavailable(UNAVAILABLE_KEY) from error
        raise
