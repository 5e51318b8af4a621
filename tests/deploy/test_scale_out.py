"""Scale-out: two web processes and two workers on one PostgreSQL and one Redis, set up as
behind deploy/'s nginx (DEBUG off, one proxy, HTTPS announced by X-Forwarded-Proto). The
public status page's websocket on web A receives, exactly once, the event of a transition
a clerk makes through the API of web B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password

from disputes import services
from disputes.models import Channel, DisputeEvent
from tests.deploy.processes import WebsocketClient, fleet, http_json, production_env, wait_until_ready
from tests.world import World, sample_input

PASSWORD = "clerk-pass-2026"
# What deploy/nginx adds to every proxied request.
BEHIND_NGINX = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_client_of_web_a_gets_a_transition_made_through_web_b_exactly_once(
        world: World, redis_url: str, tmp_path: Path, settings: Any) -> None:
    # The servers check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    world.clerk.password = make_password(PASSWORD)
    world.clerk.save(update_fields=["password"])
    intake = services.dispute_submit(actor=world.clerk, application=world.application(),
                                     channel=Channel.COUNTER)
    case = intake.dispute
    # The submission's own event is old news: only the transition below is to be delivered.
    DisputeEvent.objects.update(delivery=DisputeEvent.Delivery.DELIVERED)
    route = sample_input("route_to_street", world, case)

    with fleet(production_env(redis_url), tmp_path) as running:
        web_a, web_b = running.web("web-a"), running.web("web-b")
        running.worker("worker-1")
        running.worker("worker-2")
        wait_until_ready(running, web_a)
        wait_until_ready(running, web_b)

        # The public status page on A: look the case up, listen from what it showed.
        status, found = http_json("POST", f"http://{web_a}/api/v1/public/status/", {
            "tracking_number": case.tracking_number, "access_code": intake.access_code},
            BEHIND_NGINX)
        assert status == 200, (found, running.output())
        listen = f"/ws/cases/{case.pk}/?after={found['last_seq']}&token={found['status_token']}"
        on_a = WebsocketClient(web_a, listen, origin="https://localhost")
        on_b = WebsocketClient(web_b, listen, origin="https://localhost")
        try:
            for client in (on_a, on_b):
                assert client.receive_json(timeout=10) == {"type": "replayed", "last_seq": 1}

            # The clerk, through B's API.
            status, login = http_json("POST", f"http://{web_b}/api/v1/auth/token/", {
                "username": "clerk", "password": PASSWORD}, BEHIND_NGINX)
            assert status == 200, (login, running.output())
            status, moved = http_json(
                "POST", f"http://{web_b}/api/v1/disputes/{case.pk}/transitions/route_to_street/",
                {**route, "version": case.version},
                {**BEHIND_NGINX, "Authorization": f"Token {login['token']}"})
            assert status == 200, (moved, running.output())
            assert moved["status"] == "street_mediation"

            # A worker has to pick it up: a generous bound, not a speed requirement.
            event = on_a.receive_json(timeout=20)
            assert event is not None, "no event on web A\n" + running.output()
            assert (event["type"], event["kind"], event["seq"]) == ("event", "route_to_street", 2)
            assert on_a.receive_json(timeout=2) is None, "a second message on web A"
            # B's own client got it too, and also once.
            again = on_b.receive_json(timeout=5)
            assert again is not None and again["seq"] == 2
            assert on_b.receive_json(timeout=0.5) is None, "a second message on web B"
        finally:
            on_a.close()
            on_b.close()
        codes = running.stop()

    # Workers stop cleanly on SIGTERM, and the event went out once, from one of them.
    assert codes["worker-1"] == 0 and codes["worker-2"] == 0, running.output()
    delivered = DisputeEvent.objects.get(dispute=case, seq=2)
    assert delivered.delivery == DisputeEvent.Delivery.DELIVERED
    assert delivered.attempts == 1
