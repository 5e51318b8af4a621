"""`manage.py run_worker`: deliver the event outbox to the channel layer.

Run one or more beside the web servers in production (Redis channel layer); they share
the work safely. SIGTERM or SIGINT: finish the pass in progress, then exit 0.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.outbox import deliver_all_due, run_until_stopped


class Command(BaseCommand):
    help = "投递案件事件到实时通道（Deliver the event outbox to live screens）."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true",
                            help="deliver what is due now, then exit (tests, cron)")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if isinstance(get_channel_layer(), InMemoryChannelLayer) and not once:
            raise CommandError(
                "The in-memory channel layer reaches only its own process: set REDIS_URL, or "
                "let the web process run the worker (RUN_WORKER_IN_PROCESS, the default "
                "without Redis)."
            )
        if once:
            delivered = deliver_all_due()
            self.stdout.write(f"outbox: {delivered} event(s) handled")
            return
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        run_until_stopped(stop=stop)
