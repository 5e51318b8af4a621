"""`manage.py update_indicators`: add the events and ratings past the watermark to the
summaries. `--follow` keeps doing so (beside `run_worker`, until SIGTERM or SIGINT), for a
deployment whose outbox worker does not run the passes itself."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from backend.stopping import stop_on_signals
from indicators.maintenance import catch_up_quietly, update_all


class Command(BaseCommand):
    help = "更新指标汇总（Add new events and ratings to the indicator summaries）."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--follow", action="store_true",
                            help="keep updating every --interval seconds until stopped")
        parser.add_argument("--interval", type=float, default=2.0,
                            help="seconds between passes with --follow (default 2)")
        parser.add_argument("--limit", type=int, default=None,
                            help="rows per pass (default INDICATORS_BATCH_SIZE)")

    def handle(self, *args: Any, follow: bool, interval: float, limit: int | None,
               **options: Any) -> None:
        if not follow:
            done = update_all(limit=limit)
            self.stdout.write(f"indicators: {done.events} event(s), {done.ratings} rating(s) added")
            return
        stop = stop_on_signals()
        while not stop.is_set():
            catch_up_quietly()
            stop.wait(interval)
