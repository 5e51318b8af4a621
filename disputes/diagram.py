"""The lifecycle as a Mermaid state diagram, generated from the FSM itself.

The README carries this diagram; tests/disputes/test_readme_diagram.py fails when the two
differ. Regenerate with `manage.py lifecycle_diagram`.
"""

from __future__ import annotations

from disputes.lifecycle import fsm_transitions
from disputes.models import Status


def mermaid_state_diagram() -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {Status.SUBMITTED.value}: submitted"]
    arrows: dict[tuple[str, str], list[str]] = {}
    for name, pairs in fsm_transitions().items():
        for source, target in pairs:
            for end in (target or source).split("|"):
                if source == "*":
                    continue
                arrows.setdefault((source, end), []).append(name)
    for (source, target), names in sorted(arrows.items()):
        lines.append(f"    {source} --> {target}: {', '.join(sorted(names))}")
    lines.append(f"    {Status.CLOSED.value} --> [*]")
    lines.append(f"    {Status.NOT_ACCEPTED.value} --> [*]")
    return "\n".join(lines) + "\n"
