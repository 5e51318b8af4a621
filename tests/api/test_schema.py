"""The API against its own OpenAPI schema: Schemathesis generates requests from the schema
the app serves and checks every answer (no server error; status code, content type and body
as documented). Also: the schema is valid and warning-free, and the docs pages load no asset
from another host.

How the database is handled: each generated operation is one pytest test with one world
(personas and a few cases built through the services) in the usual test transaction;
Hypothesis' examples all run inside it. Requests go through Django's real WSGI handler,
which would close the database connection on each request (`close_old_connections`) and
with it the test transaction; like Django's own test client, the `wsgi_in_test_transaction`
fixture disconnects that signal for the test's duration.

What the run covers: every operation of the schema, evidence download (binary, documented
with its real content types) included. The schema, Swagger UI and ReDoc views are not in the
schema (drf-spectacular leaves its own views out); they are checked by the tests at the end.
Generated requests run as one staff persona with a token (PERSONA below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest
import schemathesis
from django.conf import settings as settings_module
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, get_resolver, resolve
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, reject, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from backend.wsgi import application
from disputes.lifecycle import TRANSITIONS
from disputes.models import Status
from disputes.services.evidence import evidence_add
from tests.world import World


def generated_schema() -> dict[str, Any]:
    """What `manage.py spectacular` writes and `/api/v1/schema/` serves, as plain JSON."""
    raw = SchemaGenerator().get_schema(request=None, public=True)
    result: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(raw, renderer_context={}))
    return result


schema = schemathesis.openapi.from_dict(generated_schema())
schema.app = application

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


# -- the data the generated requests reach -------------------------------------------------------

@dataclass
class Known:
    """Real ids for the generated path parameters to land on (set per test)."""

    cases: list[int] = field(default_factory=list)
    evidence: dict[int, list[int]] = field(default_factory=dict)
    token: str = ""


KNOWN = Known()
TRANSITION_NAMES = sorted(TRANSITIONS)


def land_on_real_rows(path_parameters: dict[str, Any] | None) -> None:
    """Most generated ids are turned into a real case (or its evidence) so the requests reach
    the views' real work; one in five stays as generated (mostly an unknown id: 404), and so
    does anything that is not an integer (the negative cases). Done in the test rather than in a
    `map_path_parameters` hook, which Schemathesis' coverage phase does not call."""
    if not path_parameters:
        return
    case_id = path_parameters.get("id")
    if isinstance(case_id, int) and not isinstance(case_id, bool) and KNOWN.cases \
            and case_id % 5 != 4:
        evidence_id = path_parameters.get("evidence_pk")
        if isinstance(evidence_id, int) and evidence_id % 5 != 4:
            # Evidence of the case that has files (or, one time in five, of another case).
            real, files = next(iter(KNOWN.evidence.items()))
            if case_id % 5 == 1:
                real = KNOWN.cases[case_id % len(KNOWN.cases)]
            path_parameters["evidence_pk"] = files[evidence_id % len(files)]
        else:
            real = KNOWN.cases[case_id % len(KNOWN.cases)]
        path_parameters["id"] = real
    name = path_parameters.get("name")
    if isinstance(name, str) and re.fullmatch("[a-z_]+", name) and len(name) % 3:
        path_parameters["name"] = TRANSITION_NAMES[len(name) % len(TRANSITION_NAMES)]


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


# The staff persona the generated requests run as: the center's intake clerk records paper
# applications, routes cases, adds evidence and sees the parties' identifiers.
PERSONA = "clerk"


@pytest.fixture
def api_world(world: World, wsgi_in_test_transaction: None) -> Iterator[World]:
    cases = [
        world.submit(),
        world.case_in(Status.STREET_MEDIATION),
        world.case_in(Status.MEDIATION_SUCCEEDED),
        world.case_in(Status.ARBITRATION_REVIEW),
        world.case_in(Status.CLOSED),
        world.submit(organization=world.center2),
    ]
    with_files = cases[1]
    files = [
        evidence_add(dispute=with_files, actor=world.clerk,
                     upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")),
        evidence_add(dispute=with_files, actor=world.worker,
                     upload=SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)),
    ]
    KNOWN.cases = [c.pk for c in cases]
    KNOWN.evidence = {with_files.pk: [f.pk for f in files]}
    KNOWN.token = Token.objects.create(user=world.users[PERSONA]).key
    yield world
    KNOWN.cases, KNOWN.evidence, KNOWN.token = [], {}, ""


# -- the schemathesis run --------------------------------------------------------------------------

# Examples per operation (Hypothesis' fuzzing phase; the coverage phase adds its own few).
# All 11 operations take about 15 s on 2 cores.
MAX_EXAMPLES = 25

# Operations that do not conform today, each for a reason in a file this suite does not own.
# Strict: once fixed, the XPASS fails the run and the entry must go.
KNOWN_BROKEN: dict[str, str] = {}


@pytest.fixture
def known_broken(request: pytest.FixtureRequest) -> None:
    for label, reason in KNOWN_BROKEN.items():
        if request.node.name.endswith(f"[{label}]"):
            request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case: schemathesis.Case, api_world: World,
                                            known_broken: None) -> None:
    land_on_real_rows(case.path_parameters)
    try:
        resolve(unquote(case.formatted_path))
    except Resolver404:
        # A value the URL pattern cannot match (a negative or non-numeric id where the route
        # says <int:...>) never reaches the API: Django answers its own HTML 404. That is
        # tracked by test_an_unmatched_api_url_answers_json_404 below, not here.
        reject()
    response = case.call(headers={"Authorization": f"Token {KNOWN.token}"})
    case.validate_response(response, checks=CHECKS)


@pytest.mark.parametrize("path", [
    "/api/v1/disputes/-1/evidence/",
    "/api/v1/disputes/1/evidence/-1/",
    "/api/v1/disputes/1/transitions/Accept/",
    "/api/v1/no-such-thing/",
])
def test_an_unmatched_api_url_answers_json_404(db: None, path: str) -> None:
    response = APIClient().get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/api/v1/disputes/null,null/"),
    ("post", "/api/v1/disputes/abc/transitions/accept/"),
])
def test_a_non_numeric_case_id_is_404_not_500(world: World, client_as: Any, method: str,
                                               path: str) -> None:
    client = client_as("clerk")
    client.raise_request_exception = False

    response = getattr(client, method)(path, {"version": 1}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# -- the schema itself ----------------------------------------------------------------------------

def test_the_schema_is_valid_and_generates_without_warnings() -> None:
    GENERATOR_STATS.reset()

    raw = SchemaGenerator().get_schema(request=None, public=True)

    validate_schema(raw)
    assert not GENERATOR_STATS, "drf-spectacular warned while generating the schema"


def test_the_served_schema_is_the_tested_one(db: None) -> None:
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert json.loads(response.content) == generated_schema()


def test_every_route_of_the_api_is_in_the_schema() -> None:
    """A new URL pattern under /api/v1/ is documented, hence fuzzed above."""
    prefix, api = get_resolver().namespace_dict["api"]
    routes = set()
    for name in [k for k in api.reverse_dict if isinstance(k, str)]:
        if name in {"schema", "docs", "redoc"}:
            continue
        for possibilities, *_ in api.reverse_dict.getlist(name):
            for template, _params in possibilities:
                routes.add("/" + prefix + re.sub(r"%\(\w+\)s", "{}", template))
    documented = {re.sub(r"\{[^}]+\}", "{}", path) for path in generated_schema()["paths"]}

    assert len(routes) >= 11
    assert routes == documented


class AssetCollector(HTMLParser):
    """The URLs a page makes the browser fetch: scripts, stylesheets, icons, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.assets.append(value)


@pytest.mark.parametrize("page", [
    "/api/v1/docs/",
    "/api/v1/redoc/",
])
def test_the_docs_pages_load_only_local_assets(db: None, page: str) -> None:
    response = APIClient().get(page)

    assert response.status_code == 200
    html = response.content.decode()
    collector = AssetCollector()
    collector.feed(html)
    assert collector.assets, "no script or stylesheet found"
    for asset in collector.assets:
        assert not re.match(r"^(https?:)?//", asset), asset
        # ...and the local file is really there for collectstatic to serve.
        assert asset.startswith(settings_module.STATIC_URL.rstrip("/") + "/") or \
            asset.startswith("/" + settings_module.STATIC_URL.strip("/") + "/"), asset
        relative = asset.split(settings_module.STATIC_URL.strip("/") + "/", 1)[1]
        assert finders.find(relative.split("?")[0]), asset
    # Nor inside inline scripts (a bundle or a worker fetched from a CDN).
    for url in re.findall(r"""["'](https?://[^"']+)["']""", html):
        assert re.match(r"https?://(localhost|testserver|127\.0\.0\.1)(:\d+)?/", url), url


def test_swagger_ui_does_not_call_the_online_validator(db: None) -> None:
    html = APIClient().get("/api/v1/docs/").content.decode()

    found = re.search(r"const swaggerSettings = (\{.*?\});", html, re.DOTALL)
    assert found, "swaggerSettings not found in the docs page"
    settings_js = json.loads(found.group(1))
    assert "validatorUrl" in settings_js
    assert settings_js["validatorUrl"] is None


@pytest.mark.parametrize(("short", "full"), [("/api/schema/", "/api/v1/schema/"),
                                             ("/api/docs/", "/api/v1/docs/")])
def test_the_short_addresses_lead_to_the_schema_and_the_docs(short: str, full: str) -> None:
    response = APIClient().get(short)
    assert response.status_code == 302
    assert response["Location"] == full
    assert APIClient().get(full).status_code == 200
