from __future__ import annotations

from pathlib import Path

from disputes.diagram import mermaid_state_diagram
from disputes.lifecycle import TRANSITIONS, fsm_transitions

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_diagram_matches_the_state_machine() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block == mermaid_state_diagram(), (
        "README.md's lifecycle diagram is stale: paste `manage.py lifecycle_diagram` into it"
    )


def test_every_fsm_transition_has_metadata_and_back() -> None:
    assert set(fsm_transitions()) == set(TRANSITIONS)


def test_transition_forms_name_the_services_keywords() -> None:
    import inspect

    from disputes.services import SERVICES

    for name, spec in TRANSITIONS.items():
        params = inspect.signature(SERVICES[name]).parameters
        fields = set(spec.form.base_fields)
        assert fields <= set(params), (name, fields - set(params))
        required = {p for p, v in params.items()
                    if v.default is inspect.Parameter.empty and p not in {"dispute", "actor"}}
        assert required <= fields, (name, required - fields)
