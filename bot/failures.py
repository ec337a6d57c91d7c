"""Failures logged without flooding the log (issue 14: a database outage wrote 8.7 MB in 20 s).

An expected condition (the database away, the connector unreachable) fails every turn the same way. For each
kind of failure (exception type and the line that raised it) `FailureLog` writes the traceback once, then one
line per failure, and every `interval` seconds a summary of how many there were. A kind quiet for a whole
interval starts over: its next failure shows the traceback again.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_KINDS = 100
MAX_DETAIL = 240


@dataclass
class _Kind:
    label: str
    last: float
    count: int = 0  # failures since the last summary


def root_of(error: BaseException) -> BaseException:
    """The innermost exception of a chain (`raise ... from`, or raised while handling another)."""
    inner = error
    for _ in range(20):  # a chain is short; a cycle must not hang the log
        cause = inner.__cause__ or (None if inner.__suppress_context__ else inner.__context__)
        if cause is None:
            break
        inner = cause
    return inner


def kind_of(error: BaseException) -> tuple[str, str]:
    """(key, label) of a failure: the exception type with the line that raised it (of the innermost
    exception of a chain), so two different bugs raising the same type are told apart."""
    inner = root_of(error)
    frames = traceback.extract_tb(inner.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "-"
    outer = type(error).__name__
    label = outer if inner is error else f"{outer} ({type(inner).__name__})"
    return f"{type(error).__qualname__}|{type(inner).__qualname__}|{where}", label


def one_line(error: BaseException) -> str:
    """The error as one bounded line: its type and the first line of its message, and so for its root
    cause (`Unavailable: store.error.unavailable <- OperationalError: connection refused`)."""
    inner = root_of(error)
    detail = _first_line(error) if inner is error else f"{_first_line(error)} <- {_first_line(inner)}"
    return detail if len(detail) <= MAX_DETAIL else detail[: MAX_DETAIL - 1] + "…"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


class FailureLog:
    def __init__(
        self, logger: logging.Logger, interval: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._log = logger
        self._interval = interval
        self._clock = clock
        self._kinds: OrderedDict[str, _Kind] = OrderedDict()
        self._summarised = clock()

    @property
    def interval(self) -> float:
        return self._interval

    def failed(self, message: str, *args: object, error: BaseException) -> None:
        """Log one failure: `message % args`, then the error on the same line (or its traceback, once)."""
        now = self._clock()
        key, label = kind_of(error)
        kind = self._kinds.get(key)
        fresh = kind is None or now - kind.last >= self._interval
        if kind is None:
            kind = self._kinds[key] = _Kind(label, now)
            while len(self._kinds) > MAX_KINDS:
                self._kinds.popitem(last=False)
        kind.last, kind.count = now, kind.count + 1
        self._kinds.move_to_end(key)
        if fresh:
            self._log.error(
                message + ": %s (traceback shown once; more of these are one line each)",
                *args,
                one_line(error),
                exc_info=error,
            )
        else:
            self._log.error(message + ": %s", *args, one_line(error))
        self.summarise(now)

    def summarise(self, now: float | None = None) -> None:
        """Write the summary of the interval that ended, if one has (the app calls this every interval)."""
        now = self._clock() if now is None else now
        if now - self._summarised < self._interval:
            return
        seconds = now - self._summarised
        self._summarised = now
        for kind in self._kinds.values():
            if kind.count:
                self._log.warning("%d failures of %s in the last %.0f s", kind.count, kind.label, seconds)
                kind.count = 0
