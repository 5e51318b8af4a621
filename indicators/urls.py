"""/supervision/: the supervision dashboard and its drill-down pages."""

from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.cases, name="cases"),
    path("exports/", views.export_start, name="export-start"),
    path("exports/<uuid:job_id>/", views.export_status, name="export"),
    path("exports/<uuid:job_id>/file/", views.export_file, name="export-file"),
]
