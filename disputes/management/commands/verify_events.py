"""Report any altered, removed or re-ordered event in the hash-chained event log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from disputes.events import verify_chain
from disputes.models import Dispute, DisputeEvent


class Command(BaseCommand):
    help = "校验案件事件哈希链 (verify the hash chain of every case's events)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dispute", type=int, help="only this case id")

    def handle(self, *args: Any, **options: Any) -> None:
        disputes = Dispute.objects.order_by("pk")
        if options["dispute"]:
            disputes = disputes.filter(pk=options["dispute"])
        checked = problems = 0
        for dispute in disputes.iterator(chunk_size=500):
            events = DisputeEvent.objects.filter(dispute=dispute).order_by("seq", "pk")
            for problem in verify_chain(dispute, events):
                problems += 1
                self.stdout.write(f"PROBLEM {problem}")
            checked += 1
        if problems:
            raise CommandError(f"{problems} problem(s) in {checked} case(s)")
        self.stdout.write(self.style.SUCCESS(f"OK: {checked} case(s), every chain intact"))
