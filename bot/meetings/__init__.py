"""The meeting reminder scheduler that runs inside the service (started and stopped by `bot.app`)."""

from __future__ import annotations

from bot.meetings.reminders import ReminderScheduler, start_reminders

__all__ = ["ReminderScheduler", "start_reminders"]
