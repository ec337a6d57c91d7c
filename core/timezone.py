"""The networks' time zone: every date and time a person reads or types is Helsinki time."""

from __future__ import annotations

from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
