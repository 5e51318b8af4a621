"""Websocket URLs (wired in backend/asgi.py behind the session and origin checks)."""

from __future__ import annotations

from django.urls import path

from notifications.consumers import CaseConsumer, DashboardConsumer, QueueConsumer

websocket_urlpatterns = [
    path("ws/cases/<int:dispute_id>/", CaseConsumer.as_asgi()),
    path("ws/queue/<int:organization_id>/", QueueConsumer.as_asgi()),
    path("ws/dashboard/", DashboardConsumer.as_asgi()),
]
