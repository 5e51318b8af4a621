"""Satisfaction after closure: a party rates the case once, 1 to 5, with a comment."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from disputes.models import Party, Status
from satisfaction.models import SatisfactionRating
from satisfaction.services import satisfaction_rate
from tests.world import World


def test_a_party_rates_a_closed_case_once(world: World,
                                          client_as: Callable[[str | None], Client]) -> None:
    case = world.case_in(Status.CLOSED)
    client = client_as("worker")
    page = client.get(f"/my/cases/{case.pk}/").content.decode()
    assert "满意度评价" in page
    response = client.post(f"/my/cases/{case.pk}/rating/", {"score": "5", "comment": "调解员很耐心"})
    assert response.status_code == 302
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.comment, rating.dispute, rating.party.user) == (
        5, "调解员很耐心", case, world.worker)
    again = client.post(f"/my/cases/{case.pk}/rating/", {"score": "1"})
    assert again.status_code == 400
    assert "您已评价过此案件" in again.content.decode()
    assert SatisfactionRating.objects.count() == 1
    assert "您已评价：5 分" in client.get(f"/my/cases/{case.pk}/").content.decode()


def test_the_employer_rates_for_its_own_side(world: World,
                                             client_as: Callable[[str | None], Client]) -> None:
    case = world.case_in(Status.CLOSED)
    client_as("worker").post(f"/my/cases/{case.pk}/rating/", {"score": "4"})
    client_as("employer").post(f"/my/cases/{case.pk}/rating/", {"score": "2"})
    assert sorted(SatisfactionRating.objects.values_list("party__side", "score")) == [
        ("applicant", 4), ("respondent", 2)]


def test_an_open_case_cannot_be_rated(world: World,
                                      client_as: Callable[[str | None], Client]) -> None:
    case = world.case_in(Status.STREET_MEDIATION)
    assert "满意度评价" not in client_as("worker").get(f"/my/cases/{case.pk}/").content.decode()
    response = client_as("worker").post(f"/my/cases/{case.pk}/rating/", {"score": "5"})
    assert response.status_code == 400
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "", "five"])
def test_a_score_outside_one_to_five_is_refused(
        world: World, client_as: Callable[[str | None], Client], score: str) -> None:
    case = world.case_in(Status.CLOSED)
    response = client_as("worker").post(f"/my/cases/{case.pk}/rating/", {"score": score})
    assert response.status_code == 400
    assert "请选择" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_the_service_refuses_a_party_of_another_case(world: World) -> None:
    case, other = world.case_in(Status.CLOSED), world.case_in(Status.CLOSED)
    stranger = Party.objects.filter(dispute=other).first()
    assert stranger is not None
    with pytest.raises(ValidationError):
        satisfaction_rate(dispute=case, party=stranger, score=3)


def test_the_holder_of_the_access_code_rates_as_the_applicant(world: World) -> None:
    from disputes.services.intake import hash_access_code

    case = world.case_in(Status.CLOSED)
    type(case).objects.filter(pk=case.pk).update(access_code_hash=hash_access_code("AAAA-BBBB-CCCC"))
    client = Client()
    client.post("/status/", {"tracking_number": case.tracking_number,
                             "access_code": "AAAA-BBBB-CCCC"})
    assert "满意度评价" in client.get("/status/case/").content.decode()
    assert client.post("/status/case/rating/", {"score": "3"}).status_code == 302
    rating = SatisfactionRating.objects.get()
    assert rating.party.side == Party.Side.APPLICANT and rating.score == 3
