"""ASGI entry point: HTTP through Django (its middleware chain and views in one thread:
backend/handler.py), websockets through Channels (notifications/routing.py), each
websocket behind the origin check and the session login.

Without Redis the worker runs inside this process (notifications/embedded.py)."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from backend.handler import SyncChainASGIHandler  # noqa: E402

django_asgi_app = SyncChainASGIHandler()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from notifications.embedded import with_in_process_worker  # noqa: E402
from notifications.routing import websocket_urlpatterns  # noqa: E402

application = with_in_process_worker(
    ProtocolTypeRouter({
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    })
)
