"""Long exports in the background: a job row written with the request, made by the
worker's hook with its progress, downloaded by its requester only."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as PageClient
from django.utils import timezone
from rest_framework.test import APIClient

from indicators.export_jobs import claim_export, make_export, run_due_exports
from indicators.maintenance import update_all
from indicators.models import ExportJob
from mediation.models import Membership
from tests.indicators.conftest import FixtureRatings
from tests.indicators.scenario import Story, spring_2026
from tests.world import World

pytestmark = pytest.mark.django_db

Client = Callable[[str | None], APIClient]
EXPORTS = "/api/v1/indicators/exports/"
YEAR = {"year": "2026"}
CLOSED_IN_MAY = {"start": "2026-05", "end": "2026-05", "indicator": "arbitration_closure",
                 "part": "pending_start"}


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def spring(world: World, ratings: FixtureRatings) -> Story:
    story = spring_2026(world)
    update_all()
    return story


def start(client: APIClient, kind: str, query: dict[str, str]) -> Any:
    return client.post(EXPORTS, {"kind": kind, "query": query}, format="json")


def test_the_monthly_table_is_made_in_the_background_and_equals_the_direct_file(
        spring: Story, client_as: Client) -> None:
    client = client_as("supervisor")
    started = start(client, "monthly_csv", YEAR)
    assert started.status_code == 201
    job = started.json()
    assert (job["state"], job["progress"], job["file_url"]) == ("pending", 0, None)
    assert client.get(f"{EXPORTS}{job['id']}/file/").json()["code"] == "export_not_ready"

    assert run_due_exports() == 1

    polled = client.get(job["url"]).json()
    assert (polled["state"], polled["progress"]) == ("done", 100)
    made = client.get(polled["file_url"])
    direct = client.get("/api/v1/indicators/monthly/csv/", YEAR)
    assert made.status_code == 200
    assert made["Content-Disposition"].startswith("attachment")
    assert made.getvalue() == direct.content
    assert run_due_exports() == 0  # nothing left to make


def test_the_cases_behind_a_number_are_exported_in_full_without_personal_data(
        spring: Story, client_as: Client) -> None:
    client = client_as("supervisor")
    listed = client.get("/api/v1/indicators/cases/", CLOSED_IN_MAY).json()
    job = start(client, "cases_csv", CLOSED_IN_MAY).json()

    run_due_exports()

    polled = client.get(job["url"]).json()
    content = client.get(polled["file_url"]).getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][0] == "查询编号"
    assert sorted(r[0] for r in rows[1:]) == sorted(r["tracking_number"] for r in listed["results"])
    assert polled["rows"] == listed["count"] == 5
    assert "13800138000" not in content  # no party phone (every party of the world has it)


def test_only_the_requester_sees_the_job_and_its_file(spring: Story, world: World,
                                                       client_as: Client) -> None:
    job = start(client_as("supervisor"), "monthly_xlsx", YEAR).json()
    run_due_exports()

    for persona in ("chair", "mediator"):
        client = client_as(persona)
        assert client.get(job["url"]).status_code == 404
        assert client.get(f"{EXPORTS}{job['id']}/file/").status_code == 404
    assert client_as("worker").get(job["url"]).status_code == 403
    assert client_as(None).get(job["url"]).status_code == 401


def test_a_requester_who_left_the_scope_cannot_download(spring: Story, world: World,
                                                        client_as: Client) -> None:
    job = start(client_as("supervisor"), "monthly_csv", YEAR).json()
    run_due_exports()
    Membership.objects.filter(user=world.users["supervisor"]).delete()

    assert client_as("supervisor").get(f"{EXPORTS}{job['id']}/file/").status_code == 403


@pytest.mark.parametrize(("persona", "body", "status"), [
    ("mediator", {"kind": "monthly_csv", "query": {"organization": "commission"}}, 404),
    ("worker", {"kind": "monthly_csv", "query": {}}, 403),
    ("supervisor", {"kind": "everything", "query": {}}, 400),
    ("supervisor", {"kind": "cases_csv", "query": {"indicator": "satisfaction"}}, 400),
])
def test_an_export_outside_scope_or_nonsense_is_refused_and_nothing_is_queued(
        spring: Story, world: World, client_as: Client, persona: str,
        body: dict[str, Any], status: int) -> None:
    query = {k: str(world.commission.pk) if v == "commission" else v
             for k, v in body["query"].items()}

    response = client_as(persona).post(EXPORTS, {**body, "query": query}, format="json")

    assert response.status_code == status
    assert not ExportJob.objects.exists()


def test_a_job_whose_worker_died_is_taken_again_and_the_late_result_is_dropped(
        spring: Story, client_as: Client, settings: Any) -> None:
    start(client_as("supervisor"), "monthly_csv", YEAR)
    first = claim_export()
    assert first is not None and claim_export() is None  # running: nobody else takes it
    ExportJob.objects.update(heartbeat_at=timezone.now() - dt.timedelta(
        seconds=settings.INDICATORS_EXPORT_LEASE_SECONDS + 1))

    second = claim_export()
    assert second is not None and (second.pk, second.attempts) == (first.pk, 2)
    make_export(first)  # the worker taken for dead finishes after all: not counted
    assert ExportJob.objects.get().state == ExportJob.State.RUNNING
    make_export(second)
    job = ExportJob.objects.get()
    assert (job.state, job.attempts, job.progress) == (ExportJob.State.DONE, 2, 100)


def test_a_failing_export_is_retried_then_failed(spring: Story, client_as: Client,
                                                 settings: Any, monkeypatch: Any) -> None:
    settings.INDICATORS_EXPORT_MAX_ATTEMPTS = 2
    start(client_as("supervisor"), "monthly_csv", YEAR)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr("indicators.export_jobs.monthly_file", broken)
    run_due_exports()
    job = ExportJob.objects.get()
    assert (job.state, job.attempts) == (ExportJob.State.PENDING, 1)
    ExportJob.objects.update(next_attempt_at=timezone.now())
    run_due_exports()
    job = ExportJob.objects.get()
    assert (job.state, job.last_error) == (ExportJob.State.FAILED, "RuntimeError: disk full")


def test_the_page_shows_the_progress_and_then_the_download(spring: Story, world: World) -> None:
    page = PageClient()
    page.force_login(get_user_model().objects.get(pk=world.users["supervisor"].pk))
    dashboard = page.get("/supervision/").content.decode()
    assert 'name="kind" value="monthly_xlsx"' in dashboard

    box = page.post("/supervision/exports/", {"kind": "monthly_xlsx", "year": "2026"},
                    HTTP_HX_REQUEST="true")
    assert box.status_code == 201
    job = ExportJob.objects.get()
    assert f'hx-get="/supervision/exports/{job.pk}/"' in box.content.decode()
    assert "排队中" in box.content.decode()

    run_due_exports()

    done = page.get(f"/supervision/exports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in done  # polling stops
    assert f"/supervision/exports/{job.pk}/file/" in done
    made = page.get(f"/supervision/exports/{job.pk}/file/")
    assert made.status_code == 200
    assert made.getvalue()[:2] == b"PK"  # an XLSX (zip) file


def test_another_persona_gets_404_for_the_page_and_the_file(spring: Story, world: World) -> None:
    owner, other = PageClient(), PageClient()
    owner.force_login(get_user_model().objects.get(pk=world.users["supervisor"].pk))
    other.force_login(get_user_model().objects.get(pk=world.users["chair"].pk))
    owner.post("/supervision/exports/", {"kind": "monthly_csv", "year": "2026"})
    job = ExportJob.objects.get()
    run_due_exports()

    assert owner.get(f"/supervision/exports/{job.pk}/").status_code == 200
    assert other.get(f"/supervision/exports/{job.pk}/").status_code == 404
    assert other.get(f"/supervision/exports/{job.pk}/file/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_hook_makes_exports_in_a_thread_of_their_own(
        world: World, client_as: Client) -> None:
    from indicators.export_jobs import start_due_exports, wait_for_exports

    update_all()
    client = client_as("supervisor")
    assert start_due_exports() == 0  # nothing due: no thread
    job = start(client, "monthly_csv", YEAR).json()
    assert start_due_exports() == 0  # the loop is not held: the export runs beside it
    wait_for_exports(timeout=60)
    polled = client.get(job["url"]).json()
    assert (polled["state"], polled["progress"]) == ("done", 100)


def test_the_admin_lists_exports_and_changes_none(spring: Story, client_as: Client) -> None:
    from django.test import Client as AdminClient

    job = start(client_as("supervisor"), "monthly_csv", YEAR).json()
    admin = get_user_model().objects.create_superuser("exports-admin", password="x")
    client = AdminClient()
    client.force_login(admin)
    listing = client.get("/admin/indicators/exportjob/")
    assert listing.status_code == 200
    assert "按月统计表（CSV）" in listing.content.decode()
    assert client.get(f"/admin/indicators/exportjob/{job['id']}/change/").status_code == 200
    assert client.post(f"/admin/indicators/exportjob/{job['id']}/change/",
                       {"state": "done"}).status_code == 403
    assert ExportJob.objects.get(pk=job["id"]).state == "pending"
