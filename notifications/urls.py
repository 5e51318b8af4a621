"""Included by api/urls.py at `disputes/<int:pk>/notifications/` (inside the `api` namespace)."""

from __future__ import annotations

from django.urls import path

from notifications.views import NotificationLogView

urlpatterns = [
    path("", NotificationLogView.as_view(), name="dispute-notifications"),
]
