from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("api.urls")),
    # The schema and its documentation at the short addresses too (they describe /api/v1/).
    path("api/schema/", RedirectView.as_view(url="/api/v1/schema/", query_string=True)),
    path("api/docs/", RedirectView.as_view(url="/api/v1/docs/")),
    path("supervision/", include("indicators.urls")),
    path("", include("backend.health")),  # /healthz, /readyz (deploy/README.md)
    path("workspace/", include("frontend.workspace.urls")),
    path("", include("frontend.urls")),
]

handler404 = "api.errors.not_found"
