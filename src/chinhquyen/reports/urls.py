from django.urls import path

from chinhquyen.reports import exports, views

app_name = "reports"

urlpatterns = [
    path("", views.province_view, name="province"),
    path("agency/<int:agency_id>/", views.agency_view, name="agency"),
    path("records/<str:code>/", views.records_view, name="records"),
    path("survey/", views.survey_view, name="survey"),
    path("export/yearly.xlsx", exports.yearly_excel_view, name="export_xlsx"),
    path("export/yearly.pdf", exports.yearly_pdf_view, name="export_pdf"),
]
