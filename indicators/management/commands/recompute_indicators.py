"""`manage.py recompute_indicators`: rebuild every summary row from the event log and the
ratings, in one transaction (readers keep the old figures until it commits). Run it after
a change to the definitions' rules, to the statutory period table or the calendar (the
award clock is read when a case closes), or when `verify_events` found a problem."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from indicators.maintenance import recompute
from indicators.models import IndicatorCount


class Command(BaseCommand):
    help = "从事件日志重算全部指标汇总（Rebuild the indicator summaries from the event log）."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        step = 0

        def progress(done: int, total: int) -> None:
            nonlocal step
            if done * 10 // total > step or done == total:
                step = done * 10 // total
                self.stdout.write(f"  {done:,} / {total:,} cases, {time.monotonic() - started:.0f} s")
                self.stdout.flush()

        done = recompute(progress=progress)
        self.stdout.write(
            f"indicators: rebuilt from {done.events} event(s) and {done.ratings} rating(s), "
            f"{IndicatorCount.objects.count()} summary row(s), "
            f"{time.monotonic() - started:.1f} s"
        )
