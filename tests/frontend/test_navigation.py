"""The page frame: role-aware navigation, the language switch, accessible landmarks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse

from frontend.context import nav_items
from tests.world import World


def labels(client: Client) -> list[str]:
    return [item.label for item in client.get("/").context["nav_items"]]


def has_url(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_a_visitor_sees_how_to_apply_and_follow_a_case(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    assert labels(client_as(None)) == ["申请调解仲裁", "进度查询"]


def test_a_worker_sees_their_cases(world: World, client_as: Callable[[str | None], Client]) -> None:
    assert labels(client_as("worker")) == ["我的案件", "申请调解仲裁", "进度查询"]


@pytest.mark.parametrize("persona", ["mediator", "clerk", "filing_officer", "chair", "supervisor"])
def test_staff_see_their_workspace_when_it_is_installed(
        world: World, client_as: Callable[[str | None], Client], persona: str) -> None:
    expected = ["工作台"] if has_url("workspace:queue") else []
    if persona in ("filing_officer", "chair"):
        expected.append("开庭日历")  # the commission's hearing calendar
    if persona == "supervisor" and has_url("indicators:dashboard"):
        expected.append("监督看板")
    assert labels(client_as(persona)) == expected


def test_each_staff_link_goes_to_its_own_page(world, client_as) -> None:
    """The supervisor's dashboard is the supervision dashboard (issue 7), the calendar the
    commission's; every link in the navigation opens for the person it is shown to."""
    for persona in ["mediator", "arbitrator", "chair", "supervisor"]:
        client = client_as(persona)
        items = {item.label: item.url for item in client.get("/").context["nav_items"]}
        for url in items.values():
            assert client.get(url).status_code == 200, (persona, url)
        if persona == "supervisor":
            assert items["监督看板"] == reverse("indicators:dashboard") == "/supervision/"
        assert ("开庭日历" in items) == (persona in ("arbitrator", "chair"))
        if "开庭日历" in items:
            assert items["开庭日历"] == reverse("workspace:hearings")


def test_a_missing_url_name_is_left_out_rather_than_breaking_pages(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from frontend import context

    monkeypatch.setattr(context, "_NAV", [("nowhere:at-all", "x", "party_or_public"),
                                          *context._NAV])
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert [i.label for i in nav_items(request)] == ["申请调解仲裁", "进度查询"]


def test_the_current_page_is_marked(world: World, client_as: Callable[[str | None], Client]) -> None:
    page = client_as("worker").get("/my/cases/").content.decode()
    assert '<a href="/my/cases/" aria-current="page">' in page


def test_the_frame_has_landmarks_a_skip_link_and_the_language(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    page = client_as(None).get("/").content.decode()
    assert '<html lang="zh-Hans">' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page and "<nav" in page and 'role="banner"' in page
    assert "/static/django_htmx/htmx" in page  # served by the app, no CDN
    assert "http://" not in page.split("<body")[0] and "https://" not in page


def test_the_language_switch_turns_the_pages_to_english(world: World) -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/status/"})
    assert response.status_code == 302
    page = client.get("/status/").content.decode()
    assert '<html lang="en">' in page


def test_the_header_names_the_user_family_name_first(
        world: World, client_as: Callable[[str | None], Client]) -> None:
    world.worker.last_name, world.worker.first_name = "陈", "志强"
    world.worker.save(update_fields=["last_name", "first_name"])
    client = client_as("worker")
    assert '<span class="site-user">陈志强</span>' in client.get("/").content.decode()
    assert 'value="陈志强"' in client.get("/apply/").content.decode()  # filled in for them
