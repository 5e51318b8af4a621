"""`POST /api/v1/auth/token/`: a token for the right password, one answer for every wrong
one, and a lockout after LOGIN_MAX_FAILURES failures that ends after its time."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import FailureCounter
from api.views.auth import login_key
from tests.world import World

URL = "/api/v1/auth/token/"
CASES = "/api/v1/disputes/"


def login(username: str, password: str, client: APIClient | None = None) -> Any:
    return (client or APIClient()).post(URL, {"username": username, "password": password},
                                        format="json")


def fail_until_locked(username: str, settings: Any) -> Any:
    response = None
    for _ in range(settings.LOGIN_MAX_FAILURES):
        response = login(username, "wrong-password")
    return response


def test_the_right_password_returns_a_token_that_opens_the_case_list(world: World) -> None:
    response = login("mediator", "x-mediator")

    assert response.status_code == 200
    assert set(response.json()) == {"token"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    cases = client.get(CASES)
    assert cases.status_code == 200
    assert "results" in cases.json()


def test_a_second_login_returns_the_same_token(world: World) -> None:
    assert login("worker", "x-worker").json() == login("worker", "x-worker").json()


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(world: World) -> None:
    wrong = login("mediator", "not-the-password")
    unknown = login("nobody-by-this-name", "not-the-password")

    assert wrong.status_code == unknown.status_code == 400
    assert wrong.content == unknown.content
    assert wrong.json()["code"] == "invalid_credentials"
    assert "token" not in wrong.json()


def test_an_inactive_account_gets_the_wrong_password_answer(world: World) -> None:
    world.mediator.is_active = False
    world.mediator.save(update_fields=["is_active"])

    response = login("mediator", "x-mediator")

    assert response.status_code == 400
    assert response.content == login("nobody", "x-mediator").content


@pytest.mark.parametrize("body", [{}, {"username": "worker"}, {"password": "x"},
                                  {"username": "worker", "password": "x-worker", "admin": True}])
def test_it_rejects_incomplete_or_unexpected_fields(world: World, body: dict[str, Any]) -> None:
    response = APIClient().post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_failure_that_reaches_the_limit_locks_the_account(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert login("mediator", "wrong").status_code == 400

    third = login("mediator", "wrong")

    assert third.status_code == 429
    assert third.json()["code"] == "locked"
    assert int(third["Retry-After"]) > 0


def test_a_locked_account_refuses_even_the_right_password(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    fail_until_locked("mediator", settings)

    response = login("mediator", "x-mediator")

    assert response.status_code == 429
    assert "token" not in response.json()
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60 + 1


def test_the_lockout_is_per_account(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    fail_until_locked("mediator", settings)

    assert login("head", "x-head").status_code == 200


def test_the_lockout_ignores_the_case_of_the_username(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    for name in ["Mediator", "MEDIATOR", " mediator"]:
        login(name, "wrong")

    assert login("mediator", "x-mediator").status_code == 429


def test_an_unknown_username_locks_like_a_known_one(world: World, settings: Any) -> None:
    """Otherwise the 429 would tell which usernames exist."""
    settings.LOGIN_MAX_FAILURES = 3

    assert fail_until_locked("nobody-by-this-name", settings).status_code == 429
    assert fail_until_locked("nobody-by-this-name", settings).status_code == 429


def test_the_lockout_ends_after_its_time(world: World, settings: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 15
    fail_until_locked("mediator", settings)
    real_now = timezone.now

    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(minutes=14))
    assert login("mediator", "x-mediator").status_code == 429

    monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(minutes=16))
    assert login("mediator", "x-mediator").status_code == 200


def test_after_the_lockout_the_count_starts_afresh(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    fail_until_locked("mediator", settings)
    past = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    counter = FailureCounter.objects.get(key=login_key("mediator"))
    FailureCounter.objects.filter(pk=counter.pk).update(
        window_started_at=counter.window_started_at - past,
        locked_until=counter.locked_until - past if counter.locked_until else None)

    # One more failure after the lockout is the first of a new count, not the fourth.
    assert login("mediator", "wrong").status_code == 400
    assert FailureCounter.objects.get(key=login_key("mediator")).failures == 1


def test_failures_outside_the_window_do_not_add_up(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    login("mediator", "wrong")
    login("mediator", "wrong")
    FailureCounter.objects.filter(key=login_key("mediator")).update(
        window_started_at=timezone.now() - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1))

    assert login("mediator", "wrong").status_code == 400


def test_a_successful_login_clears_the_count(world: World, settings: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    login("mediator", "wrong")
    login("mediator", "wrong")

    assert login("mediator", "x-mediator").status_code == 200
    assert not FailureCounter.objects.filter(key=login_key("mediator")).exists()
    assert login("mediator", "wrong").status_code == 400
    assert login("mediator", "wrong").status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_guesses_cannot_outrun_the_lockout(world: World, settings: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Ten wrong passwords at the same moment: only LOGIN_MAX_FAILURES are ever checked."""
    from api.views import auth

    settings.LOGIN_MAX_FAILURES = 3
    checked: list[str] = []
    real_authenticate = auth.authenticate

    def slow_authenticate(*args: Any, **kwargs: Any) -> Any:
        checked.append(kwargs["password"])
        time.sleep(0.2)  # every guess is in flight before the first one fails
        return real_authenticate(*args, **kwargs)

    monkeypatch.setattr(auth, "authenticate", slow_authenticate)
    barrier = threading.Barrier(10)
    answers: list[int] = []

    def guess(n: int) -> None:
        try:
            barrier.wait()
            answers.append(login("mediator", f"guess-{n}").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(checked) == 3
    assert sorted(answers) == [400, 400] + [429] * 8


def test_an_anonymous_request_to_the_case_list_gets_401(world: World) -> None:
    response = APIClient().get(CASES)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_token_gets_401(world: World) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)

    response = client.get(CASES)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_passwords_never_reach_the_logs(world: World, settings: Any,
                                        caplog: pytest.LogCaptureFixture) -> None:
    settings.LOGIN_MAX_FAILURES = 3
    caplog.set_level(logging.DEBUG)

    login("mediator", "Secret-Guess-1")
    login("nobody", "Secret-Guess-2")
    for _ in range(3):
        login("head", "Secret-Guess-3")
    login("head", "x-head")
    login("worker", "x-worker")

    logged = "\n".join(
        f"{r.getMessage()} {r.args!r} {getattr(r, 'request', '')!r}" for r in caplog.records)
    for secret in ["Secret-Guess-1", "Secret-Guess-2", "Secret-Guess-3", "x-head", "x-worker"]:
        assert secret not in logged
    assert any("token login failed" in r.getMessage() for r in caplog.records)


def test_an_error_report_shows_the_password_as_stars(world: World,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """What an administrator's e-mailed traceback (AdminEmailHandler) would contain."""
    from django.views.debug import ExceptionReporter

    from api.views import auth

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("authentication backend down")

    monkeypatch.setattr(auth, "authenticate", broken)
    client = APIClient()
    client.raise_request_exception = False

    response = client.post(URL, {"username": "mediator", "password": "Secret-In-A-Form"})

    assert response.status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    report = ExceptionReporter(record.request, *record.exc_info).get_traceback_text()  # type: ignore[attr-defined, misc]
    assert "Secret-In-A-Form" not in report
    assert "mediator" in report  # the report is the real one, only the password hidden
