"""Web page test helpers: Django clients as personas, and, for the browser tests, a real
server (Daphne) on the test database with Debian's chromium driven by Playwright.

Browser tests skip with a notice where chromium or Playwright is missing, and fail instead
under REQUIRE_POSTGRES=1 (CI), where scripts/test installs chromium itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

if TYPE_CHECKING:
    from tests.world import World

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTEFACTS = ROOT / "var" / "test-artefacts" / "browser"  # var/ is git-ignored
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives chromium against a running server (tests/frontend)")


@pytest.fixture(autouse=True)
def evidence_storage(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def client_as(world: World) -> Callable[[str | None], Client]:
    def make(persona: str | None) -> Client:
        client = Client()
        if persona is not None:
            client.force_login(get_user_model().objects.get(pk=world.users[persona].pk))
        return client

    return make


# -- browser tests -----------------------------------------------------------------------


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)  # the page fixture looks at it
    return report


def _missing_browser() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium fonts-noto-cjk; scripts/test does it as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return ""


@pytest.fixture(scope="module")
def browser_available() -> None:
    missing = _missing_browser()
    if missing:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"browser tests are required in CI (REQUIRE_POSTGRES=1): {missing}")
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture
def browser(browser_available: None, db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A chromium for one test, started after the test database is set up and stopped
    before it is flushed: Playwright's sync API keeps an event loop running in this
    thread, and Django then gives the thread other connection objects (asgiref locals),
    which lack what a serialized rollback restores from."""
    from playwright.sync_api import sync_playwright

    # With that loop running Django takes the test's ORM calls for async code; they are
    # synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # The connections the test opened in the loop's context: closed here, or they
            # would keep the test database from being dropped.
            connections.close_all()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = quote(str(db["USER"]))
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]))
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(scope="module")
def live_server_url(django_db_setup: None, browser_available: None,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Daphne serving the app on the test database, with the outbox worker inside the
    server process (in-memory channel layer), as `scripts/run` serves it."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("daphne") / "daphne.log"
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
           "DATABASE_URL": database_url(), "REDIS_URL": "",
           "RUN_WORKER_IN_PROCESS": "1", "OUTBOX_POLL_MS": "100", "DEBUG": "1",
           "DJANGO_SETTINGS_MODULE": "backend.settings", "LOG_LEVEL": "WARNING",
           "MEDIA_ROOT": str(tmp_path_factory.mktemp("media")),
           "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0"}
    with log_path.open("wb") as log:
        # Daphne's runserver, as scripts/run serves: static files from the app in DEBUG.
        server = subprocess.Popen(  # noqa: S603 (this interpreter, manage.py)
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("Daphne did not start:\n" + log_path.read_text(errors="replace"))
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def new_page(browser: Any, live_server_url: str,
             request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (separate cookies); each is screenshotted under
    var/test-artefacts/browser/ when the test fails."""
    contexts: list[Any] = []
    pages: list[Any] = []

    def make() -> Any:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        for index, page in enumerate(pages):
            path = ARTEFACTS / f"{request.node.name}-{index}.png"
            try:
                page.screenshot(path=str(path), full_page=True)
                print(f"screenshot: {path}")
            except Exception as exc:
                print(f"no screenshot of page {index}: {exc}")
    for context in contexts:
        context.close()


def login_cookie(user: Any, base_url: str) -> dict[str, Any]:
    """A session for `user` in the shared database, as a browser cookie."""
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}



