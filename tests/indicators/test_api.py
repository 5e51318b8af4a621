"""/api/v1/indicators/: figures with their definitions and counts, the drill-down, the
monthly table and its files, each within the reader's scope."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from rest_framework.test import APIClient

from indicators.maintenance import update_all
from tests.indicators.conftest import FixtureRatings
from tests.indicators.scenario import Story, spring_2026
from tests.world import World

pytestmark = pytest.mark.django_db

MAY = {"start": "2026-05", "end": "2026-05"}
Client = Callable[[str | None], APIClient]


@pytest.fixture
def spring(world: World, ratings: FixtureRatings) -> Story:
    story = spring_2026(world)
    update_all()
    return story


def by_ref(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["ref"]: f for f in body["figures"]}


def test_a_supervisor_reads_every_figure_with_its_definition_and_counts(
        spring: Story, client_as: Client) -> None:
    response = client_as("supervisor").get("/api/v1/indicators/figures/", MAY)

    assert response.status_code == 200
    figures = by_ref(response.json())
    closure = figures["arbitration_closure.v1"]
    assert (closure["numerator"], closure["denominator"], closure["rate"]) == (6, 8, "75.0")
    assert closure["target"] == "98.0"
    assert closure["meets_target"] is False
    assert closure["definition_zh"].startswith("期内结案的仲裁案件")
    assert [(p["key"], p["value"]) for p in closure["denominator_parts"]] == [
        ("pending_start", 5), ("accepted", 3)]
    assert set(figures) == {"mediation_success.v1", "arbitration_closure.v1",
                            "closed_within_period.v1", "satisfaction.v1"}


def test_another_version_is_chosen_per_request(spring: Story, client_as: Client) -> None:
    response = client_as("supervisor").get("/api/v1/indicators/figures/",
                                           {**MAY, "versions": "arbitration_closure=2"})

    closure = by_ref(response.json())["arbitration_closure.v2"]
    assert (closure["numerator"], closure["denominator"], closure["rate"]) == (7, 4, "175.0")


def test_each_count_links_to_the_cases_it_counts(spring: Story, client_as: Client) -> None:
    client = client_as("supervisor")
    closure = by_ref(client.get("/api/v1/indicators/figures/", MAY).json())[
        "arbitration_closure.v1"]
    link = closure["denominator_parts"][0]["cases"]

    listed = client.get(link).json()

    assert listed["count"] == 5
    names = {c.pk: n for n, c in spring.cases.items()}
    assert sorted(names[r["dispute"]] for r in listed["results"]) == sorted(
        ["A9", "A11", "A12", "A16", "A17"])
    assert all(r["case_number"] for r in listed["results"])


def test_organization_staff_read_their_own_organization(spring: Story, client_as: Client
                                                         ) -> None:
    center = by_ref(client_as("mediator").get("/api/v1/indicators/figures/", MAY).json())
    commission = by_ref(client_as("chair").get("/api/v1/indicators/figures/", MAY).json())

    # The mediator persona also sits on the enterprise committee: M1, M2 and M4.
    assert (center["mediation_success.v1"]["numerator"],
            center["mediation_success.v1"]["denominator"]) == (1, 3)
    assert center["arbitration_closure.v1"]["denominator"] == 0
    assert (commission["arbitration_closure.v1"]["numerator"],
            commission["arbitration_closure.v1"]["denominator"]) == (6, 8)


@pytest.mark.parametrize(("persona", "params", "status"), [
    ("mediator", {"organization": "commission"}, 404),  # another organization
    ("mediator", {"district": "district"}, 404),  # staff do not supervise the district
    ("supervisor", {"organization": "commission"}, 200),
    ("supervisor", {"district": 999999}, 404),
    ("worker", {}, 403),
    ("employer", {}, 403),
    (None, {}, 401),
])
def test_scope_decides_who_reads_what(spring: Story, world: World, client_as: Client,
                                      persona: str | None, params: dict[str, Any],
                                      status: int) -> None:
    ids = {"commission": world.commission.pk, "district": world.district.pk}
    query = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in params.items()}

    response = client_as(persona).get("/api/v1/indicators/figures/", query)

    assert response.status_code == status


def test_the_drilldown_never_lists_a_case_the_reader_may_not_see(
        spring: Story, client_as: Client) -> None:
    response = client_as("mediator").get("/api/v1/indicators/cases/", {
        **MAY, "indicator": "arbitration_closure", "part": "closed"})

    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("params", [
    {"start": "2026-06", "end": "2026-05"},
    {"start": "2010-01", "end": "2026-05"},
    {"versions": "mediation_success=9"},
    {"start": "2026-13"},
])
def test_nonsense_periods_and_versions_are_refused(spring: Story, client_as: Client,
                                                   params: dict[str, str]) -> None:
    response = client_as("supervisor").get("/api/v1/indicators/figures/", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_a_part_the_definition_does_not_have_is_refused(spring: Story, client_as: Client) -> None:
    response = client_as("supervisor").get("/api/v1/indicators/cases/", {
        "indicator": "satisfaction", "part": "accepted"})

    assert response.status_code == 400
    assert "part" in response.json()["errors"]


def test_the_breakdown_gives_trends_and_rankings(spring: Story, world: World,
                                                 client_as: Client) -> None:
    client = client_as("supervisor")
    trend = client.get("/api/v1/indicators/breakdown/", {
        "start": "2026-03", "end": "2026-05", "indicator": "arbitration_closure"}).json()
    ranking = client.get("/api/v1/indicators/breakdown/", {
        **MAY, "by": "organization", "indicator": "mediation_success"}).json()

    (series,) = trend["series"]
    assert [(r["group"], r["numerator"], r["denominator"]) for r in series["rows"]] == [
        ("2026-03", 0, 3), ("2026-04", 1, 6), ("2026-05", 6, 8)]
    rows = {r["label"]: (r["numerator"], r["denominator"])
            for r in ranking["series"][0]["rows"]}
    assert rows[world.commission.name] == (2, 3)


def test_the_monthly_table_has_the_statistics_rows(spring: Story, client_as: Client) -> None:
    body = client_as("supervisor").get("/api/v1/indicators/monthly/", {"year": 2026}).json()

    may = next(r for r in body["rows"] if r["month"] == "2026-05")
    assert {k: may[k] for k in ("pending_start", "received", "accepted", "accepted_collective",
                                "accepted_by_workers", "closed", "closed_mediation",
                                "closed_award", "closed_withdrawn", "closed_other",
                                "won_by_worker", "won_by_employer", "won_partly",
                                "pending_end", "workers", "workers_collective",
                                "pre_arbitration", "cause_remuneration")} == {
        "pending_start": 5, "received": 5, "accepted": 3, "accepted_collective": 1,
        "accepted_by_workers": 3, "closed": 6, "closed_mediation": 1, "closed_award": 3,
        "closed_withdrawn": 1, "closed_other": 1, "won_by_worker": 1, "won_by_employer": 1,
        "won_partly": 1, "pending_end": 2, "workers": 12, "workers_collective": 10,
        "pre_arbitration": 1, "cause_remuneration": 3}
    assert Decimal(may["amount"]) == Decimal("36000.00")
    total = body["total"]
    assert (total["month"], total["pending_start"], total["pending_end"]) == (None, 0, 2)
    assert total["accepted"] == 9  # March 3, April 3, May 3


def test_the_monthly_table_exports_as_csv_and_xlsx(spring: Story, client_as: Client) -> None:
    client = client_as("supervisor")
    params = {"start": "2026-03", "end": "2026-05"}

    as_csv = client.get("/api/v1/indicators/monthly/csv/", params)
    as_xlsx = client.get("/api/v1/indicators/monthly/xlsx/", params)

    assert as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["月份", "上期未结案件", "收到仲裁申请"]
    assert [r[0] for r in rows[1:]] == ["2026-03", "2026-04", "2026-05", "合计"]
    assert rows[3][1] == "5"  # pending on May 1
    assert as_xlsx["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(as_xlsx.content)) as book:
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (ours)
    namespace = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    b4 = sheet.find(".//x:c[@r='B4']/x:v", namespace)
    assert b4 is not None and b4.text == "5"


def test_figures_are_read_in_a_fixed_number_of_queries(spring: Story, client_as: Client,
                                                       django_assert_max_num_queries: Any
                                                       ) -> None:
    client = client_as("supervisor")
    client.get("/api/v1/indicators/figures/", MAY)  # warm the membership and law caches

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/indicators/figures/",
                              {"start": "2025-01", "end": "2026-05"})

    assert response.status_code == 200


def test_the_definitions_are_public(client_as: Client) -> None:
    body = APIClient().get("/api/v1/indicators/definitions/").json()

    refs = {(d["ref"], d["is_default"]) for d in body}
    assert ("mediation_success.v1", True) in refs
    assert ("satisfaction.v2", False) in refs
