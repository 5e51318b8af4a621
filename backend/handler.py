"""Django's ASGI handler, with the middleware chain and the view run in one thread.

Django's own ASGI handler runs every middleware that can be asynchronous (all of
Django's and django-htmx's) in the event loop, and each of them runs its
process_request and process_response hooks in the sync thread; the view middleware, the
view and the response's rendering hop again. About twenty crossings between the event
loop and the thread per request cost a small API request under daphne more CPU than its
own work: bench/transitions.py's floor (authenticate, update one row) took 6.7 ms of
server CPU a request, a transition with `Prefer: return=minimal` 16.5 ms against 7.8 ms
in-process.

Every view and middleware of this project is synchronous, so here the chain is built as
under WSGI and called in the sync thread as a whole: one crossing there and back per
request (and Django's request signals). Websockets do not pass through here
(backend/asgi.py routes them to Channels). tests/test_asgi_handler.py counts the
crossings, so a Django upgrade that changes how the chain is built fails there first.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)
        chain: Any = self._middleware_chain  # type: ignore[has-type]
        self._middleware_chain = sync_to_async(chain, thread_sensitive=True)
