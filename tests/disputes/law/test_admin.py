"""Legal staff edit the law tables in the admin; every period change leaves a revision."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from disputes import calendar, clocks
from disputes.law.models import (
    AverageWage,
    CalendarDay,
    CalendarYear,
    MinimumWage,
    Region,
    StatutoryPeriod,
    StatutoryPeriodRevision,
)
from tests.disputes.law.tables import seed_law_tables

pytestmark = pytest.mark.urls("tests.disputes.law.urls")


@pytest.fixture(autouse=True)
def law_tables(db: None) -> Iterator[None]:
    seed_law_tables()
    yield
    seed_law_tables()


@pytest.fixture
def legal_staff(client: Client) -> Any:
    user = get_user_model().objects.create_superuser("legal", "legal@example.org", "pw-legal-1")
    client.force_login(user)
    return user


def period_form(period: StatutoryPeriod, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name_zh": period.name_zh,
        "name_en": period.name_en,
        "length": period.length,
        "unit": period.unit,
        "direction": period.direction,
        "extends": period.extends_id or "",
        "starts": period.starts,
        "basis": period.basis,
        "notes": period.notes,
        "change_reason": "",
    }
    data.update(changes)
    return data


def test_an_admin_edit_of_a_period_writes_a_revision_and_moves_the_clock(
    client: Client, legal_staff: Any
) -> None:
    award = StatutoryPeriod.objects.get(code="award")
    assert clocks.due_date("award", dt.date(2026, 3, 2)).date == dt.date(2026, 4, 16)

    response = client.post(
        reverse("admin:law_statutoryperiod_change", args=[award.pk]),
        period_form(award, length=60, change_reason="仲裁委 2026 年第 3 号决定"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    revision = StatutoryPeriodRevision.objects.filter(code="award").first()
    assert revision is not None
    assert revision.action == StatutoryPeriodRevision.Action.CHANGED
    assert revision.changed_by == legal_staff
    assert revision.reason == "仲裁委 2026 年第 3 号决定"
    assert revision.snapshot["length"] == 60
    assert StatutoryPeriodRevision.objects.filter(code="award").count() == 2  # seed + edit
    # The cached periods were dropped: 60 days from 03-02 is 05-01 → after Labour Day.
    assert clocks.due_date("award", dt.date(2026, 3, 2)).date == dt.date(2026, 5, 6)


def test_saving_a_period_unchanged_adds_no_revision(client: Client, legal_staff: Any) -> None:
    award = StatutoryPeriod.objects.get(code="award")
    client.post(reverse("admin:law_statutoryperiod_change", args=[award.pk]), period_form(award))
    assert StatutoryPeriodRevision.objects.filter(code="award").count() == 1


def test_the_change_page_shows_the_history_and_keeps_the_code(
    client: Client, legal_staff: Any
) -> None:
    award = StatutoryPeriod.objects.get(code="award")
    client.post(
        reverse("admin:law_statutoryperiod_change", args=[award.pk]),
        period_form(award, code="renamed", length=50),
    )
    award.refresh_from_db()
    assert (award.code, award.length) == ("award", 50)
    page = client.get(reverse("admin:law_statutoryperiod_change", args=[award.pk]))
    assert page.status_code == 200
    assert "修改" in page.content.decode()


def test_periods_cannot_be_deleted_and_history_cannot_be_edited(
    client: Client, legal_staff: Any
) -> None:
    award = StatutoryPeriod.objects.get(code="award")
    revision = StatutoryPeriodRevision.objects.filter(code="award").get()
    assert (
        client.get(reverse("admin:law_statutoryperiod_delete", args=[award.pk])).status_code == 403
    )
    assert client.get(reverse("admin:law_statutoryperiodrevision_add")).status_code == 403
    assert (
        client.get(
            reverse("admin:law_statutoryperiodrevision_delete", args=[revision.pk])
        ).status_code
        == 403
    )
    # Read-only: the change page shows the revision but offers no form to save.
    page = client.get(reverse("admin:law_statutoryperiodrevision_change", args=[revision.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_adding_a_holiday_in_the_admin_changes_the_answer(client: Client, legal_staff: Any) -> None:
    day = dt.date(2027, 1, 1)
    assert calendar.is_working_day(day) == calendar.DayAnswer(True, True)

    response = client.post(
        reverse("admin:law_calendarday_add"),
        {"date": "2027-01-01", "kind": "day_off", "name": "元旦", "source": "国办发明电"},
    )
    assert response.status_code == 302
    assert calendar.is_working_day(day) == calendar.DayAnswer(False, True)

    response = client.post(
        reverse("admin:law_calendaryear_add"),
        {"year": "2027", "is_published": "on", "source": "国办发明电", "notes": ""},
    )
    assert response.status_code == 302
    assert calendar.is_working_day(day) == calendar.DayAnswer(False, False)


@pytest.mark.parametrize(
    "model",
    [
        CalendarYear,
        CalendarDay,
        StatutoryPeriod,
        StatutoryPeriodRevision,
        Region,
        MinimumWage,
        AverageWage,
    ],
)
def test_every_law_table_has_an_admin_list(
    client: Client, legal_staff: Any, model: type[Any]
) -> None:
    url = reverse(f"admin:law_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
