"""The worker inside the web process, for the embedded run (no Redis).

The in-memory channel layer reaches only consumers of its own process and its own event
loop, so there a separate `run_worker` process would deliver into the void (and mark the
events delivered). With `RUN_WORKER_IN_PROCESS` on (the default when neither REDIS_URL nor
REDIS_SENTINELS is set), the ASGI application starts one worker thread the first time the server hands it a
connection or its lifespan start-up, and that thread sends on the server's event loop
(`LoopSender`).

Why not `AppConfig.ready()`: it also runs in `migrate`, `seed_demo`, the shell and the
autoreloader's parent process of `runserver`; a worker there would claim events and mark
them delivered into a layer no client listens to. Only a process that serves the ASGI
application gets here. Until the first connection nobody can be listening, so nothing is
lost by waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from asgiref.typing import ASGIApplication
from django.conf import settings
from django.db import connection

from notifications.outbox import LoopSender, run_until_stopped

log = logging.getLogger(__name__)


class InProcessWorker:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.stop = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def ensure_started(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.running:
            return
        with self._lock:
            if self.running:
                return
            self.stop.clear()
            self._thread = threading.Thread(target=self._run, args=(loop,),
                                            name="outbox-worker", daemon=True)
            self._thread.start()
            log.info("outbox worker runs inside the web process (in-memory channel layer)")

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            # The first sweep one interval after start: the embedded database (SQLite) is
            # the web process's too, and the first requests should not queue behind it.
            run_until_stopped(stop=self.stop, send=LoopSender(loop), sweep_at_start=False)
        finally:
            connection.close()

    def shutdown(self, timeout: float = 5.0) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


worker = InProcessWorker()


def with_in_process_worker(app: Any) -> ASGIApplication:
    """Wrap the ASGI application; start the worker on first use when configured."""

    async def application(scope: Any, receive: Any, send: Any) -> None:
        if settings.RUN_WORKER_IN_PROCESS:
            worker.ensure_started(asyncio.get_running_loop())
        if scope["type"] == "lifespan":
            # Servers that speak lifespan (uvicorn) start the worker before any request.
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    # Off the loop: the worker may be waiting for it to finish a send.
                    await asyncio.get_running_loop().run_in_executor(None, worker.shutdown)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await app(scope, receive, send)

    return application
