"""backend.stopping: SIGTERM and SIGINT set the event a long-running command waits on."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from backend.stopping import stop_on_signals


@pytest.fixture
def handlers_restored() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_signal_sets_the_event_instead_of_ending_the_process(
        handlers_restored: None, sig: signal.Signals) -> None:
    stop = stop_on_signals()
    assert not stop.is_set()
    os.kill(os.getpid(), sig)
    assert stop.wait(5)
