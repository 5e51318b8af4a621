"""The case detail builds its JSON without DRF's serializer fields (api/detail.py): it must
stay exactly what DisputeDetailSerializer (the documented schema) gives for the same case,
key order included, for cases in every state, every persona that sees them and both
languages: masking, labels, amounts, date-times, nested mediation and arbitration rows."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from api import describe
from api.serializers import DisputeDetailSerializer
from api.views.cases import DisputeViewSet
from disputes import access, selectors
from disputes.models import Dispute, Party, Status
from tests.api.test_evidence import GOOD, upload
from tests.world import PATHS, PERSONAS, World

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disputes/"


def serializer_detail(user: Any, pk: int, language: str) -> dict[str, Any]:
    """What the detail answered before: the serializer over the prefetched case."""
    dispute = DisputeViewSet().case_queryset(Dispute.objects.all()).get(pk=pk)
    sees = access.sees_identifiers(user, dispute)
    context = {
        "request": SimpleNamespace(user=user),
        "sees_identifiers": sees,
        "clocks": {dispute.pk: selectors.dispute_clocks(dispute)},
        "available_transitions": describe.available(user, dispute),
        "notices": selectors.case_notices(dispute) if sees else [],
    }
    with translation.override(language):
        data = DisputeDetailSerializer(dispute, context=context).data
        return json.loads(JSONRenderer().render(data))


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def test_the_detail_answers_what_the_serializer_gives(world: World, client_as: Any,
                                                      settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    cases = [world.case_in(state) for state in PATHS]
    extended = world.case_in(Status.HEARING_SCHEDULED)
    world.do("extend_award_deadline", extended)
    decided = world.case_in(Status.DELIBERATION)
    world.do("issue_award", decided)
    paused = world.case_in(Status.SUSPENDED)
    world.do("resume", paused)
    many = world.case_in(Status.STREET_MEDIATION, workers=3)
    world.do("assign_mediator", many)
    pdf, content_type = GOOD["pdf"]
    assert upload(client_as("worker"), many, "工资条.pdf", pdf(), content_type).status_code == 201
    cases += [extended, decided, paused, many]
    Party.objects.update(address="武汉市东西湖区吴家山街道 1 号")  # shown or withheld

    compared, masked, withheld = 0, 0, 0
    for persona in PERSONAS:
        user = world.users[persona]
        for language in ("zh-hans", "en"):
            for case in cases:
                response = client_as(persona).get(f"{LIST}{case.pk}/",
                                                  HTTP_ACCEPT_LANGUAGE=language)
                if response.status_code == 404:
                    continue
                assert response.status_code == 200, response.content
                built = response.json()
                assert canonical(built) == canonical(
                    serializer_detail(user, case.pk, language)), (persona, language, case.status)
                compared += 1
                masked += any("*" in p["id_number"] and not p["address"]
                              for p in built["parties"])
                withheld += any(not e["payload"] for e in built["timeline"])
    assert compared > 150 and masked and withheld
