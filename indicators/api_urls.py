"""/api/v1/indicators/ (mounted by api/urls.py, inside the `api` namespace)."""

from django.urls import path

from indicators import api, export_api

urlpatterns = [
    path("definitions/", api.DefinitionList.as_view(), name="indicators-definitions"),
    path("figures/", api.FigureList.as_view(), name="indicators-figures"),
    path("breakdown/", api.BreakdownList.as_view(), name="indicators-breakdown"),
    path("cases/", api.CaseList.as_view(), name="indicators-cases"),
    path("monthly/", api.MonthlyTableView.as_view(), name="indicators-monthly"),
    path("monthly/csv/", api.MonthlyTableCsv.as_view(), name="indicators-monthly-csv"),
    path("monthly/xlsx/", api.MonthlyTableXlsx.as_view(), name="indicators-monthly-xlsx"),
    path("exports/", export_api.ExportList.as_view(), name="indicators-exports"),
    path("exports/<uuid:job_id>/", export_api.ExportDetail.as_view(), name="indicators-export"),
    path("exports/<uuid:job_id>/file/", export_api.ExportFile.as_view(),
         name="indicators-export-file"),
]
