"""Web login and logout: Django's views with the API's lockout counter (`login:<username>`)."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api.models import FailureCounter
from tests.world import World


def login(client: Client, username: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_a_worker_signs_in_and_out(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = page.context["csrf_token"]
    response = client.post("/accounts/login/", {"username": "worker", "password": "x-worker",
                                                "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    home = client.get("/")
    assert "我的案件" in home.content.decode()
    token = home.context["csrf_token"]
    out = client.post("/accounts/logout/", {"csrfmiddlewaretoken": str(token)})
    assert out.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_login_without_the_csrf_token_is_refused(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "worker", "password": "x-worker"})
    assert response.status_code == 403


def test_a_link_cannot_sign_anybody_out(world: World) -> None:
    client = Client()
    client.force_login(world.worker)
    assert client.get("/accounts/logout/").status_code == 405


def test_a_wrong_password_says_so_next_to_the_form(world: World) -> None:
    response = Client().post("/accounts/login/", {"username": "worker", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.parametrize("mixed_case", ["worker", "WORKER"])
def test_the_web_and_the_api_share_one_lockout(world: World, settings: object,
                                               mixed_case: str) -> None:
    for _ in range(4):
        login(Client(), mixed_case, "nope")
    # The fifth failure, through the API, locks the account for both.
    api = APIClient().post("/api/v1/auth/token/", {"username": "worker", "password": "nope"},
                           format="json")
    assert api.status_code == 429
    response = login(Client(), "worker", "x-worker")  # the right password, too late
    assert "账号已暂时锁定" in response.content.decode()  # type: ignore[attr-defined]
    assert "_auth_user_id" not in Client().session
    assert FailureCounter.objects.get(key="login:worker").locked_until is not None


def test_a_successful_login_clears_the_count(world: World) -> None:
    login(Client(), "worker", "nope")
    assert FailureCounter.objects.filter(key="login:worker").exists()
    login(Client(), "worker", "x-worker")
    assert not FailureCounter.objects.filter(key="login:worker").exists()


def test_the_next_address_is_followed_only_on_this_site(world: World) -> None:
    ok = Client().post("/accounts/login/?next=/my/cases/", {
        "username": "worker", "password": "x-worker", "next": "/my/cases/"})
    assert ok["Location"] == "/my/cases/"
    evil = Client().post("/accounts/login/", {
        "username": "worker", "password": "x-worker", "next": "https://evil.example/"})
    assert evil["Location"] == "/"
