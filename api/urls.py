"""/api/v1/: every screen and outside system goes through these."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.views.auth import ObtainTokenView
from api.views.cases import DisputeViewSet
from api.views.evidence import EvidenceDownloadView, EvidenceUploadView
from api.views.intake import CounterIntakeView, OnlineIntakeView
from api.views.organizations import NearestPoints, OrganizationList, OrganizationOverdue
from api.views.public import PublicStatusView

app_name = "api"

router = SimpleRouter()
router.register("disputes", DisputeViewSet, basename="dispute")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("intake/online/", OnlineIntakeView.as_view(), name="intake-online"),
    path("intake/counter/", CounterIntakeView.as_view(), name="intake-counter"),
    path("disputes/<int:pk>/evidence/", EvidenceUploadView.as_view(), name="evidence-upload"),
    path("disputes/<int:pk>/evidence/<int:evidence_pk>/", EvidenceDownloadView.as_view(),
         name="evidence-download"),
    path("disputes/<int:pk>/notifications/", include("notifications.urls")),
    path("organizations/", OrganizationList.as_view(), name="organizations"),
    path("organizations/nearest/", NearestPoints.as_view(), name="organizations-nearest"),
    path("organizations/<int:pk>/overdue/", OrganizationOverdue.as_view(),
         name="organization-overdue"),
    path("public/status/", PublicStatusView.as_view(), name="public-status"),
    path("indicators/", include("indicators.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema",
                                                 template_name="api/redoc.html"), name="redoc"),
    path("", include(router.urls)),
]
