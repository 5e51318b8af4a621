from django.urls import path

from frontend.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<int:dispute_id>/", views.case, name="case"),
    path("cases/<int:dispute_id>/actions/<slug:name>/", views.action, name="act"),
    path("cases/<int:dispute_id>/evidence/", views.add_evidence, name="evidence"),
    path("cases/<int:dispute_id>/simplified/", views.simplified, name="simplified"),
    path("hearings/", views.hearing_calendar, name="hearings"),
]
