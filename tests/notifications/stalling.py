"""A worker that stops in the middle of a delivery, for the fault tests to SIGKILL.

Run as `python -m tests.notifications.stalling events|messages <marker file>` with the
test's DATABASE_URL and REDIS_URL. It claims a batch the real way, sends the first half
for real, writes "HALF-SENT <ids>" on stdout, and sleeps holding the claim (its
transaction open) until it is killed. `messages` records each SMS it sends by appending
the reference to the marker file, as a gateway would receive it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    import django

    django.setup()
    what, marker = sys.argv[1], sys.argv[2]
    if what == "events":
        stall_events()
    else:
        stall_messages(marker)
    raise SystemExit("not killed")


def stall_events() -> None:
    from notifications import outbox

    def half_then_hang(parcels: list[outbox.Parcel]) -> dict[int, str]:
        half = parcels[: max(len(parcels) // 2, 1)]
        errors = outbox.send_in_own_loop(half)
        assert not errors, errors
        print("HALF-SENT", ",".join(str(p.event_id) for p in half), flush=True)
        time.sleep(3600)
        return {}

    outbox.deliver_due(send=half_then_hang)


def stall_messages(marker: str) -> None:
    from notifications import delivery
    from notifications.sms import SmsBackend

    class GatewayThenHang(SmsBackend):
        sent: list[str] = []

        def send(self, *, phone: str, text: str, reference: str) -> None:
            with open(marker, "a") as received:
                received.write(reference + "\n")
                received.flush()
                os.fsync(received.fileno())
            self.sent.append(reference)
            if len(self.sent) == 2:
                print("HALF-SENT", ",".join(self.sent), flush=True)
                time.sleep(3600)

    def backend(*args: Any) -> SmsBackend:
        return GatewayThenHang()

    delivery.get_sms_backend = backend
    delivery.deliver_due_messages(limit=4)


if __name__ == "__main__":
    main()
