"""`manage.py run_worker`: deliver the event outbox to the channel layer, send messages
(SMS, e-mail) and deadline reminders, and sweep the clocks every REMINDER_SWEEP_MINUTES.

Run one or more beside the web servers in production (Redis channel layer); they share
the work safely. SIGTERM or SIGINT: finish the pass in progress, then exit 0.
`--once` delivers what is due now and exits; with `--sweep` it sweeps the clocks first.
"""

from __future__ import annotations

from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backend.stopping import stop_on_signals
from notifications.outbox import run_until_stopped, work_all_due
from notifications.reminders import sweep_reminders


class Command(BaseCommand):
    help = "投递案件事件到实时通道（Deliver the event outbox to live screens）."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="deliver what is due now, then exit (tests, cron)")
        parser.add_argument("--sweep", action="store_true",
                            help="with --once: make the deadline reminders due today first")

    def handle(self, *args: Any, once: bool, sweep: bool, **options: Any) -> None:
        if sweep and not once:
            raise CommandError("--sweep goes with --once (the worker loop sweeps by itself).")
        if isinstance(get_channel_layer(), InMemoryChannelLayer) and not once:
            raise CommandError(
                "The in-memory channel layer reaches only its own process: set REDIS_URL (or "
                "REDIS_SENTINELS), or "
                "let the web process run the worker (RUN_WORKER_IN_PROCESS, the default "
                "without Redis)."
            )
        if once:
            if sweep:
                self.stdout.write(f"reminders: {sweep_reminders()} made")
            delivered = work_all_due()
            self.stdout.write(f"outbox: {delivered} event(s), reminder(s) and message(s) handled")
            return
        stop = stop_on_signals()
        run_until_stopped(stop=stop)
