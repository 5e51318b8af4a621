from django.urls import path

from frontend.views import accounts, apply, cases, home

app_name = "frontend"

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("apply/", apply.apply, name="apply"),
    path("apply/receipt/", apply.receipt, name="receipt"),
    path("apply/points/", apply.points, name="apply_points"),
    path("apply/employers/", apply.employers, name="apply_employers"),
    path("status/", cases.status_lookup, name="status_lookup"),
    path("status/case/", cases.status_view, name="status_view"),
    path("status/case/rating/", cases.status_rate, name="status_rate"),
    path("my/cases/", cases.my_cases, name="my_cases"),
    path("my/cases/<int:dispute_id>/", cases.my_case, name="my_case"),
    path("my/cases/<int:dispute_id>/evidence/", cases.add_evidence, name="add_evidence"),
    path("my/cases/<int:dispute_id>/rating/", cases.rate, name="rate"),
]
