from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    path("supervision/", include("indicators.urls")),
    path("", include("backend.health")),  # /healthz, /readyz (deploy/README.md)
    path("workspace/", include("frontend.workspace.urls")),
    path("", include("frontend.urls")),
]

handler404 = "api.errors.not_found"
