"""/supervision/: the supervision dashboard and its drill-down pages."""

from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.cases, name="cases"),
]
