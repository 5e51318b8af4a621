"""How a long-running command (`run_worker`, `update_indicators --follow`) learns that it
should stop: SIGTERM (systemd, Kubernetes, compose) or SIGINT (Ctrl-C) sets an event its
loop waits on, so the pass in progress finishes and the command exits 0."""

from __future__ import annotations

import signal
import threading
from types import FrameType


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT (from now on, in this process's main thread)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop
