"""The case list builds its rows without DRF's serializer fields (`dispute_list_data`) and
its clocks from plain rows (`selectors.clocks_for_page`): its JSON must stay exactly what
`DisputeListSerializer` (the documented schema) gives for the same cases, with clocks read
the way the detail reads them, for every state, every persona and both languages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from api.serializers import DisputeListSerializer
from disputes import access, selectors
from disputes.models import Dispute, Party, Status
from tests.world import PATHS, PERSONAS, World

pytestmark = pytest.mark.django_db

LIST = "/api/v1/disputes/"


def serializer_rows(persona_id: int, language: str) -> list[dict[str, Any]]:
    """What the list answered before: the DRF serializer over prefetched model instances,
    clocks from `dispute_clocks` (the detail's)."""
    user = get_user_model().objects.get(pk=persona_id)
    cases = (selectors.with_clock_data(access.disputes_for_user(user))
             .select_related("organization", "street")
             .prefetch_related(Prefetch("parties", queryset=Party.objects.order_by("side", "pk")))
             .order_by("-received_on", "-id"))
    rows = list(cases[:50])
    context = {"clocks": selectors.clocks_for_many(rows, today=timezone.localdate())}
    with translation.override(language):
        data = DisputeListSerializer(rows, many=True, context=context).data
        return json.loads(JSONRenderer().render(data))


def canonical(rows: list[dict[str, Any]]) -> str:
    """Key order included: the rows are compared as the client reads them."""
    return json.dumps(rows, ensure_ascii=False, indent=1)


def test_the_list_answers_what_the_serializer_gives_for_every_state_and_persona(
        world: World, client_as: Any) -> None:
    made = [world.case_in(state) for state in PATHS]
    # Clocks with suspensions, an extension and a final award (the lawsuit clock).
    world.do("extend_award_deadline", world.case_in(Status.HEARING_SCHEDULED))
    decided = world.case_in(Status.DELIBERATION)
    world.do("issue_award", decided)
    paused = world.case_in(Status.SUSPENDED)
    world.do("resume", paused)
    world.case_in(Status.STREET_MEDIATION, workers=3)  # several applicants, in order
    world.submit(organization=world.center2)  # another center's: some personas see it
    assert {d.status for d in Dispute.objects.all()} == {str(s) for s in PATHS}
    assert len(made) == len(PATHS)

    compared = 0
    for persona in [*PERSONAS, "tribunal_b"]:
        for language in ("zh-hans", "en"):
            response = client_as(persona).get(LIST, {"page_size": 50},
                                              HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, response.content
            listed = response.json()["results"]
            expected = serializer_rows(world.users[persona].pk, language)
            assert canonical(listed) == canonical(expected), (persona, language)
            compared += len(listed)
    assert compared > 100  # the comparison covered cases, not empty lists


def test_clocks_for_page_reads_every_clock_as_dispute_clocks_does(world: World) -> None:
    for state in (Status.ACCEPTED, Status.SUSPENDED, Status.NOT_ACCEPTED, Status.CLOSED):
        world.case_in(state)
    decided = world.case_in(Status.DELIBERATION)
    world.do("issue_award", decided)
    cases = list(Dispute.objects.select_related("arbitration").order_by("pk"))
    today = timezone.localdate()
    page = selectors.clocks_for_page(cases, today=today)
    fresh = [Dispute.objects.get(pk=d.pk) for d in cases]
    assert page == {d.pk: selectors.dispute_clocks(d, today=today) for d in fresh}
    codes = {r.code for readings in page.values() for r in readings}
    assert {"mediation_window", "acceptance_decision", "award", "lawsuit_after_award"} <= codes


def test_the_list_shows_no_identifier_to_any_persona(world: World, client_as: Any) -> None:
    world.case_in(Status.ACCEPTED)
    world.case_in(Status.STREET_MEDIATION)
    identifiers = list(Party.objects.values_list("id_number", "phone"))
    for persona in PERSONAS:
        text = client_as(persona).get(LIST).content.decode()
        for id_number, phone in identifiers:
            assert id_number not in text, persona
            assert not phone or phone not in text, persona


def test_serializers_build_their_fields_once_and_never_share_them() -> None:
    from api.serializers import ClaimSerializer

    first, second = ClaimSerializer().fields, ClaimSerializer().fields
    names: list[str] = [str(name) for name in first]
    assert names == [str(name) for name in second]
    assert all(first[name] is not second[name] for name in names)
    assert all(first[name].parent is not second[name].parent for name in names)


@pytest.mark.parametrize("sees_identifiers", [True, False])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_timeline_answers_what_the_event_serializer_gives(
        world: World, sees_identifiers: bool, language: str) -> None:
    """`timeline_data` (the detail's timeline from plain columns) against EventSerializer
    over the event rows, payloads (amounts, names) included or withheld."""
    from api.serializers import EventSerializer, timeline_data

    case = world.case_in(Status.DELIBERATION)
    world.do("issue_award", case)
    events = list(case.events.order_by("seq"))
    assert len(events) > 5 and any(e.payload for e in events)
    context = {"sees_identifiers": sees_identifiers}
    with translation.override(language):
        expected = json.loads(JSONRenderer().render(
            EventSerializer(events, many=True, context=context).data))
        built = json.loads(JSONRenderer().render(
            timeline_data(case.pk, sees_identifiers=sees_identifiers)))
    assert canonical(built) == canonical(expected)
