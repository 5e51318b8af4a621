"""Describe what a user may do with a case: each available transition with its target
state and the input its form expects, so a client builds its screen from the answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse

from disputes import access
from disputes.lifecycle import TransitionSpec, fsm_transitions
from disputes.models import Dispute

_TYPES: list[tuple[type[forms.Field], str]] = [
    (forms.ModelMultipleChoiceField, "id_list"),
    (forms.ModelChoiceField, "id"),
    (forms.ChoiceField, "choice"),
    (forms.DateTimeField, "datetime"),
    (forms.DateField, "date"),
    (forms.DecimalField, "decimal"),
    (forms.IntegerField, "integer"),
    (forms.BooleanField, "boolean"),
    (forms.JSONField, "list"),
    (forms.CharField, "text"),
]


def field_type(field: forms.Field) -> str:
    for cls, name in _TYPES:
        if isinstance(field, cls):
            return name
    return "text"


def describe_input(spec: TransitionSpec, dispute: Dispute) -> list[dict[str, Any]]:
    form = spec.form(dispute=dispute)
    described = []
    for name, field in form.fields.items():
        item: dict[str, Any] = {
            "name": name,
            "label": str(field.label or name),
            "type": field_type(field),
            "required": field.required,
        }
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices: Any = field.choices
            item["choices"] = [{"value": str(v), "label": str(label)} for v, label in choices]
        described.append(item)
    return described


def target_state(name: str, dispute: Dispute) -> str:
    for source, target in fsm_transitions()[name]:
        if source in (dispute.status, "*", "+"):
            if target is None:
                return dispute.status
            if "|" in target:  # resume returns to the state it was suspended from
                return dispute.suspended_from or target
            return target
    return dispute.status


def available(user: access.AnyUser, dispute: Dispute) -> list[dict[str, Any]]:
    return [
        {
            "name": spec.name,
            "target": target_state(spec.name, dispute),
            "label": spec.label,
            "url": reverse("api:dispute-transition", args=[dispute.pk, spec.name]),
            "input": describe_input(spec, dispute),
        }
        for spec in access.available_transitions(user, dispute)
    ]
