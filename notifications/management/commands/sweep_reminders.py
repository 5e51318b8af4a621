"""`manage.py sweep_reminders`: make the deadline reminders due today (for cron and tests).

`run_worker` sweeps by itself every REMINDER_SWEEP_MINUTES; this command is for a cron job
when that is 0, and for tests (`--today`). Safe to run beside workers: each reminder is
made once. The messages and queue notices it makes are sent by `run_worker`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.reminders import sweep_reminders


class Command(BaseCommand):
    help = "生成今日到期的期限提醒（Make the deadline reminders due today）."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="sweep as of this date (YYYY-MM-DD); tests only")

    def handle(self, *args: Any, today: str | None, **options: Any) -> None:
        day = None
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today={today!r} is not a date (YYYY-MM-DD).") from exc
        made = sweep_reminders(today=day)
        self.stdout.write(f"reminders: {made} made")
