"""Row forms for the transitions whose input is a list (claims, award items).

The transition's own form (disputes/inputs.py) still validates the assembled list when the
service runs; these rows only give each item its own labelled fields and its errors next
to them. A claim row is `inputs.ClaimInput` itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from disputes import inputs
from disputes.models import AwardItem

CLAIM_ROWS = 2  # blank rows offered at first; "add a row" adds one at a time
MAX_CLAIM_ROWS = 50  # inputs.clean_claim_list accepts at most 50 claims


class AwardRow(forms.Form):
    """One claim's decision in an award; no decision = not decided in this award (a partial
    award decides only some claims, Law art. 43 ¶2)."""

    claim = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("本项裁决结果"), required=False,
        choices=[("", _("本次不裁决")), *AwardItem.Decision.choices],
    )
    granted_amount = inputs.AmountField(_("本项裁决金额（元）"), required=False)


ClaimRows: type[BaseFormSet[Any]] = formset_factory(
    inputs.ClaimInput, extra=CLAIM_ROWS, max_num=MAX_CLAIM_ROWS, absolute_max=MAX_CLAIM_ROWS,
    validate_max=True,
)
AwardRows: type[BaseFormSet[Any]] = formset_factory(AwardRow, extra=0, max_num=200,
                                                     absolute_max=200)


def claim_rows(data: Any = None, *, auto_id: str, add_row: bool = False) -> BaseFormSet[Any]:
    """Blank rows at first; posted rows (plus one when asked) after a submission."""
    if data is None:
        return ClaimRows(prefix="claims", auto_id=auto_id)
    if add_row:
        data = data.copy()
        try:
            total = int(data.get("claims-TOTAL_FORMS") or 0)
        except ValueError:
            total = 0
        data["claims-TOTAL_FORMS"] = str(min(total + 1, MAX_CLAIM_ROWS))
    # Every posted row is an "extra" one: a row left blank is not a claim.
    return ClaimRows(data, prefix="claims", auto_id=auto_id)


def claims_from(rows: BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The filled rows as the list `AmendClaimsForm.claims` expects."""
    claims = []
    for row in rows.forms:
        if not row.has_changed() or not row.is_valid():
            continue
        amount = row.cleaned_data.get("amount")
        claims.append({"item_type": row.cleaned_data["item_type"],
                       "description": row.cleaned_data["description"],
                       "amount": None if amount is None else str(amount)})
    return claims


def award_rows(claim_ids: list[int], data: Any = None, *, auto_id: str) -> BaseFormSet[Any]:
    if data is None:
        return AwardRows(initial=[{"claim": pk} for pk in claim_ids], prefix="items",
                         auto_id=auto_id)
    return AwardRows(data, prefix="items", auto_id=auto_id,
                     initial=[{"claim": pk} for pk in claim_ids])


def items_from(rows: BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The decided rows as the list `AwardForm.items` expects."""
    items = []
    for row in rows.forms:
        cleaned = row.cleaned_data if row.is_valid() else {}
        if not cleaned.get("decision"):
            continue
        amount = cleaned.get("granted_amount")
        items.append({"claim": cleaned["claim"], "decision": cleaned["decision"],
                      "granted_amount": None if amount is None else str(amount)})
    return items
