"""Recompute every open case's `next_due_on` (after the holiday table or a statutory period
was corrected in the admin, or after a bulk import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from disputes.models import TERMINAL, Dispute
from disputes.selectors import next_due, with_clock_data


class Command(BaseCommand):
    help = "重新计算未结案件的最近期限 · Recompute the next due date of every open case."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        changed = seen = 0
        last = 0
        while True:
            page = list(with_clock_data(
                Dispute.objects.exclude(status__in=TERMINAL).filter(pk__gt=last).order_by("pk")
            )[:batch])
            if not page:
                break
            for dispute in page:
                due_on, clock = next_due(dispute)
                if (due_on, clock) != (dispute.next_due_on, dispute.next_due_clock):
                    Dispute.objects.filter(pk=dispute.pk).update(next_due_on=due_on,
                                                                 next_due_clock=clock)
                    changed += 1
            seen += len(page)
            last = page[-1].pk
        closed = Dispute.objects.filter(status__in=TERMINAL, next_due_on__isnull=False).update(
            next_due_on=None, next_due_clock="")
        self.stdout.write(f"{seen} open cases checked, {changed} updated, {closed} closed cleared.")
