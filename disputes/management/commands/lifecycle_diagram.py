from typing import Any

from django.core.management.base import BaseCommand

from disputes.diagram import mermaid_state_diagram


class Command(BaseCommand):
    help = "打印案件生命周期状态图 (print the lifecycle as a Mermaid state diagram)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(mermaid_state_diagram(), ending="")
